package sync_test

import (
	"testing"

	"github.com/interleave-lab/interleave/sync"
)

type one int

func (o *one) Increment() { *o++ }

func runOnce(t *testing.T, o *one, once *sync.Once, c chan bool) {
	once.Do(func() { o.Increment() })
	if v := *o; v != 1 {
		t.Errorf("once failed inside run: %d is not 1", v)
	}
	c <- true
}

// TestOnce is Go's once_test.go TestOnce.
func TestOnce(t *testing.T) {
	o := new(one)
	once := new(sync.Once)
	c := make(chan bool)
	const N = 10
	for range N {
		go runOnce(t, o, once, c)
	}
	for range N {
		<-c
	}
	if *o != 1 {
		t.Errorf("once failed outside run: %d is not 1", *o)
	}
}

// TestOncePanic is Go's: a panicking f counts as done.
func TestOncePanic(t *testing.T) {
	var once sync.Once
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Fatalf("Once.Do did not panic")
			}
		}()
		once.Do(func() { panic("failed") })
	}()
	once.Do(func() { t.Fatalf("Once.Do called twice") })
}

func TestOnceModel(t *testing.T) {
	exhaustive(t, 2, func() {
		var once sync.Once
		var wg sync.WaitGroup
		n := 0
		for range 3 {
			wg.Go(func() {
				once.Do(func() { n++ })
				if n != 1 {
					panic("Do returned before f ran")
				}
			})
		}
		wg.Wait()
	})
}

func TestOnceFunc(t *testing.T) {
	calls := 0
	f := sync.OnceFunc(func() { calls++ })
	f()
	f()
	if calls != 1 {
		t.Fatalf("OnceFunc: f called %d times; want 1", calls)
	}
	p := sync.OnceFunc(func() { panic("x") })
	for range 2 {
		func() {
			defer func() {
				if r := recover(); r != "x" {
					t.Fatalf("OnceFunc panic = %v; want x on every call", r)
				}
			}()
			p()
		}()
	}
	v := sync.OnceValue(func() int { calls++; return calls })
	if a, b := v(), v(); a != 2 || b != 2 {
		t.Fatalf("OnceValue: got a second call")
	}
	vs := sync.OnceValues(func() (int, error) { calls++; return calls, nil })
	if a, _ := vs(); a != 3 {
		t.Fatalf("OnceValues = %d; want 3", a)
	}
	if a, _ := vs(); a != 3 {
		t.Fatalf("OnceValues second call = %d; want 3", a)
	}
}
