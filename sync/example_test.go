//lint:file-ignore SA2001 empty critical sections are the point: they exercise Lock and Unlock alone

package sync_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/sync"
)

// A lock-order inversion, found by exploring every schedule with one
// preemption: the report names both goroutines and the mutex operation.
func ExampleMutex() {
	_, err := interleave.Exhaustive(func() {
		var a, b sync.Mutex
		goroutine.GoNamed("transfer-1", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		goroutine.GoNamed("transfer-2", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
	}, 1)
	for _, line := range strings.Split(err.Error(), "\n")[2:4] {
		fmt.Println(line[:strings.Index(line, " at ")])
	}
	// Output:
	//   transfer-1 holds Mutex#1 and blocks on Mutex#2 (Mutex.Lock)
	//   transfer-2 holds Mutex#2 and blocks on Mutex#1 (Mutex.Lock)
}

func ExampleWaitGroup() {
	_, err := interleave.Run(func() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for i := 1; i <= 3; i++ {
			wg.Go(func() {
				mu.Lock()
				total += i
				mu.Unlock()
			})
		}
		wg.Wait()
		fmt.Println(total)
	})
	fmt.Println(err)
	// Output:
	// 6
	// <nil>
}

func ExampleWaitGroup_Add() {
	defer func() {
		fmt.Println(errors.Is(recover().(error), sync.ErrNegativeCounter))
	}()
	var wg sync.WaitGroup
	wg.Done()
	// Output: true
}

func ExampleOnce() {
	var once sync.Once
	for range 3 {
		once.Do(func() { fmt.Println("Only once") })
	}
	// Output: Only once
}

func ExampleOnceValue() {
	calls := 0
	get := sync.OnceValue(func() int { calls++; return 42 })
	fmt.Println(get(), get(), calls)
	// Output: 42 42 1
}

func ExampleRWMutex() {
	var rw sync.RWMutex
	rw.RLock()
	fmt.Println(rw.TryLock()) // a reader holds it
	rw.RUnlock()
	fmt.Println(rw.TryLock())
	rw.Unlock()
	// Output:
	// false
	// true
}

func ExampleCond() {
	_, _ = interleave.Run(func() {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		ready := false
		goroutine.Go(func() {
			mu.Lock()
			ready = true
			mu.Unlock()
			c.Signal()
		})
		mu.Lock()
		for !ready {
			c.Wait()
		}
		mu.Unlock()
		fmt.Println("ready")
	})
	// Output: ready
}

func ExampleMap() {
	var m sync.Map
	m.Store("a", 1)
	v, loaded := m.LoadOrStore("a", 2)
	fmt.Println(v, loaded)
	// Output: 1 true
}

func ExamplePool() {
	p := sync.Pool{New: func() any { return new(strings.Builder) }}
	b := p.Get().(*strings.Builder)
	b.WriteString("pooled")
	fmt.Println(b.String())
	b.Reset()
	p.Put(b)
	// Output: pooled
}
