package sync

import (
	gosync "sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Cond implements a condition variable, a rendezvous point for goroutines
// waiting for or announcing the occurrence of an event.
//
// Each Cond has an associated Locker L (often a *Mutex or *RWMutex), which
// must be held when changing the condition and when calling the Wait
// method.
//
// A Cond must not be copied after first use.
//
// In the terminology of the Go memory model, Cond arranges that a call to
// Broadcast or Signal "synchronizes before" any Wait call that it
// unblocks.
//
// In a model run Wait, Signal and Broadcast are scheduling points and a
// waiting goroutine parks on the explorer's wait queue ("Cond.Wait").
type Cond struct {
	// L is held while observing or changing the condition.
	L Locker

	mu gosync.Mutex    // protects q
	q  sched.WaitQueue // goroutines in Wait, oldest first
}

// NewCond returns a new Cond with Locker l.
func NewCond(l Locker) *Cond { return &Cond{L: l} }

// Wait atomically unlocks c.L and suspends execution of the calling
// goroutine. After later resuming execution, Wait locks c.L before
// returning. Unlike in other systems, Wait cannot return unless awoken by
// Broadcast or Signal.
//
// Because c.L is not locked while Wait is waiting, the caller typically
// cannot assume that the condition is true when Wait returns. Instead, the
// caller should Wait in a loop:
//
//	c.L.Lock()
//	for !condition() {
//	    c.Wait()
//	}
//	... make use of condition ...
//	c.L.Unlock()
func (c *Cond) Wait() {
	if sched.Active() {
		sched.Point("Cond.Wait", c)
	}
	c.mu.Lock()
	// The waiter is queued before L is released (condUnlocker.Unlock), so
	// a Signal after the release always finds it: no lost wake-up.
	c.q.Wait(condUnlocker{c}, "Cond.Wait", time.Time{})
	c.mu.Unlock()
	c.L.Lock()
}

// condUnlocker is the mutex Cond.Wait hands to WaitQueue.Wait: releasing
// it releases both the queue's mutex and c.L.
type condUnlocker struct{ c *Cond }

func (u condUnlocker) Lock() { u.c.mu.Lock() }
func (u condUnlocker) Unlock() {
	u.c.mu.Unlock()
	u.c.L.Unlock()
}

// Signal wakes one goroutine waiting on c, if there is any.
//
// It is allowed but not required for the caller to hold c.L during the
// call.
func (c *Cond) Signal() {
	if sched.Active() {
		sched.Point("Cond.Signal", c)
	}
	c.mu.Lock()
	defer c.mu.Unlock() // a wake that panics (misuse) must not leave mu locked
	c.q.WakeOne()
}

// Broadcast wakes all goroutines waiting on c.
//
// It is allowed but not required for the caller to hold c.L during the
// call.
func (c *Cond) Broadcast() {
	if sched.Active() {
		sched.Point("Cond.Broadcast", c)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.q.WakeAll()
}

// Observe reports the state a trace shows: the number of waiters.
func (c *Cond) Observe() sched.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return sched.Snapshot{Kind: "Cond", Waiters: c.q.Len(), WaitsFor: "a Signal or Broadcast"}
}
