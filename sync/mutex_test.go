//lint:file-ignore SA2001 empty critical sections are the point: they exercise Lock and Unlock alone

package sync_test

import (
	"runtime"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/sync"
)

// HammerMutex is Go's mutex_test.go hammer: lock, unlock, signal done.
func hammerMutex(m *sync.Mutex, loops int, cdone chan bool) {
	for i := range loops {
		if i%3 == 0 {
			if m.TryLock() {
				m.Unlock()
			}
			continue
		}
		m.Lock()
		m.Unlock()
	}
	cdone <- true
}

func TestMutexReal(t *testing.T) {
	if n := runtime.SetMutexProfileFraction(1); n != 0 {
		t.Logf("got mutexrate %d expected 0", n)
	}
	defer runtime.SetMutexProfileFraction(0)
	m := new(sync.Mutex)
	m.Lock()
	if m.TryLock() {
		t.Fatalf("TryLock succeeded with mutex locked")
	}
	m.Unlock()
	if !m.TryLock() {
		t.Fatalf("TryLock failed with mutex unlocked")
	}
	m.Unlock()
	c := make(chan bool)
	for range 10 {
		go hammerMutex(m, 1000, c)
	}
	for range 10 {
		<-c
	}
}

func TestMutexExcludesModel(t *testing.T) {
	n := exhaustive(t, 2, func() {
		var m sync.Mutex
		x := 0
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				m.Lock()
				v := x
				m.Unlock()
				m.Lock()
				x = v + 1 // a lost update unless the read and write share one section
				m.Unlock()
			})
		}
		wg.Wait()
		_ = x
	})
	if n < 10 {
		t.Fatalf("Exhaustive ran %d schedules; want at least 10", n)
	}
}

func TestMutexLostUpdateFound(t *testing.T) {
	// A check that Exhaustive finds the split critical section above: the
	// counter ends below 2 on some schedule.
	_, err := interleave.Exhaustive(func() {
		var m sync.Mutex
		x := 0
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				m.Lock()
				v := x
				m.Unlock()
				m.Lock()
				x = v + 1
				m.Unlock()
			})
		}
		wg.Wait()
		if x != 2 {
			panic("lost update")
		}
	}, 1)
	if err == nil {
		t.Fatal("Exhaustive found no lost update; want one")
	}
}

func TestMutexUnlockOfUnlocked(t *testing.T) {
	var m sync.Mutex
	mustPanicWith(t, sync.ErrUnlockOfUnlocked, m.Unlock)
	_, err := interleave.Run(func() {
		var m sync.Mutex
		m.Lock()
		m.Unlock()
		m.Unlock()
	})
	if err == nil || !containsErr(err, sync.ErrUnlockOfUnlocked) {
		t.Fatalf("Run error = %v; want %v", err, sync.ErrUnlockOfUnlocked)
	}
}

func TestMutexDoubleLockDeadlock(t *testing.T) {
	mustFail(t, 0, func() {
		var m sync.Mutex
		goroutine.GoNamed("worker-1", func() {
			m.Lock()
			m.Lock()
		})
	}, interleave.ErrDeadlock, "\n  worker-1 holds Mutex#1 and blocks on Mutex#1 (Mutex.Lock) at sync/mutex_test.go:", ", held by worker-1\n  cycle: worker-1 → Mutex#1 → worker-1")
}

func TestMutexLockOrderInversion(t *testing.T) {
	mustFail(t, 1, func() {
		var a, b sync.Mutex
		goroutine.GoNamed("ab", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		goroutine.GoNamed("ba", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
	}, interleave.ErrDeadlock, "\n  ab holds Mutex#1 and blocks on Mutex#2 (Mutex.Lock) at sync/mutex_test.go:", ", held by ba\n",
		"\n  ba holds Mutex#2 and blocks on Mutex#1 (Mutex.Lock) at sync/mutex_test.go:", ", held by ab\n",
		"\n  cycle: ab → Mutex#2 → ba → Mutex#1 → ab")
}
