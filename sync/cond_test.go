package sync_test

import (
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/sync"
	"github.com/interleave-lab/interleave/time"
)

// TestCondSignal is Go's cond_test.go TestCondSignal in a model run:
// every Signal wakes exactly one waiter.
func TestCondSignal(t *testing.T) {
	exhaustive(t, 1, func() {
		var m sync.Mutex
		c := sync.NewCond(&m)
		n := 2
		running := 0
		awake := 0
		for range n {
			goroutine.Go(func() {
				m.Lock()
				running++
				c.Wait()
				awake++
				m.Unlock()
			})
		}
		for {
			m.Lock()
			r := running
			m.Unlock()
			if r == n {
				break
			}
			time.Sleep(time.Microsecond) // virtual: lets the waiters run
		}
		for i := range n {
			m.Lock()
			c.Signal()
			m.Unlock()
			for {
				m.Lock()
				a := awake
				m.Unlock()
				if a == i+1 {
					break
				}
				if a > i+1 {
					panic("Signal woke more than one waiter")
				}
				time.Sleep(time.Microsecond)
			}
		}
	})
}

// The standard wait loop with Broadcast, over a primitives.Lock (which
// satisfies Locker): Python-style and Go-native primitives in one run.
func TestCondBroadcastMixed(t *testing.T) {
	exhaustive(t, 2, func() {
		var l primitives.Lock
		c := sync.NewCond(&l)
		ready := false
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				c.L.Lock()
				for !ready {
					c.Wait()
				}
				c.L.Unlock()
			})
		}
		c.L.Lock()
		ready = true
		c.L.Unlock()
		c.Broadcast()
		wg.Wait()
	})
}

// A Wait without the loop misses a Signal sent before it: a lost wake-up
// the explorer reports as a deadlock naming Cond.Wait.
func TestCondLostSignalFound(t *testing.T) {
	mustFail(t, 1, func() {
		var m sync.Mutex
		c := sync.NewCond(&m)
		goroutine.GoNamed("signaller", func() { m.Lock(); c.Signal(); m.Unlock() })
		m.Lock()
		c.Wait() // no predicate: waits forever if the signal came first
		m.Unlock()
	}, interleave.ErrDeadlock, "\n  MainThread blocks on Cond#1 (Cond.Wait) at sync/cond_test.go:")
}
