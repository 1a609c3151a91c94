package broken

import (
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// LIFOCondition is a condition variable over a primitives.Lock whose
// Notify wakes the newest waiters first instead of the oldest.
type LIFOCondition struct {
	l *primitives.Lock

	mu      sync.Mutex
	waiters []*sched.WaitQueue // one queue per parked waiter, oldest first
}

// NewLIFOCondition returns a LIFOCondition over l.
func NewLIFOCondition(l *primitives.Lock) *LIFOCondition { return &LIFOCondition{l: l} }

// Acquire acquires the lock.
func (c *LIFOCondition) Acquire() { c.l.Acquire() }

// Release releases the lock.
func (c *LIFOCondition) Release() { c.l.Release() }

func (c *LIFOCondition) checkOwned() {
	if !c.l.Locked() {
		panic(primitives.ErrNotOwner)
	}
}

// releaser unlocks mu and, the first time, the user's lock: the waiter is
// queued before the lock is released, as in a correct condition.
type releaser struct {
	c        *LIFOCondition
	released bool
}

func (r *releaser) Lock() { r.c.mu.Lock() }
func (r *releaser) Unlock() {
	r.c.mu.Unlock()
	if !r.released {
		r.released = true
		r.c.l.Release()
	}
}

// WaitTimeout waits at most d (d < 0: no limit) for a Notify.
func (c *LIFOCondition) WaitTimeout(d time.Duration) bool {
	c.checkOwned()
	failpoints.Hit(failpoints.CondWait, c.l)
	deadline := sched.Deadline(d)
	q := new(sched.WaitQueue)
	r := &releaser{c: c}
	c.mu.Lock()
	c.waiters = append(c.waiters, q)
	woken := q.Wait(r, "Condition.Wait", deadline)
	if !woken {
		for i, w := range c.waiters {
			if w == q {
				c.waiters = append(c.waiters[:i:i], c.waiters[i+1:]...)
				break
			}
		}
	}
	c.mu.Unlock()
	if !r.released {
		return false
	}
	failpoints.Hit(failpoints.CondWoken, c.l)
	c.l.Acquire()
	return woken
}

// Wait waits for a Notify.
func (c *LIFOCondition) Wait() { c.WaitTimeout(-1) }

// WaitFor waits until pred is true.
func (c *LIFOCondition) WaitFor(pred func() bool) {
	for !pred() {
		c.Wait()
	}
}

// WaitForTimeout waits at most d until pred is true.
func (c *LIFOCondition) WaitForTimeout(pred func() bool, d time.Duration) bool {
	deadline := sched.Now().Add(d)
	for !pred() {
		left := deadline.Sub(sched.Now())
		if left <= 0 {
			return false
		}
		c.WaitTimeout(left)
	}
	return true
}

// Notify wakes the n newest waiters (the bug: it should be the oldest).
func (c *LIFOCondition) Notify(n int) {
	c.checkOwned()
	failpoints.Hit(failpoints.CondNotify, c.l)
	c.mu.Lock()
	for ; n > 0 && len(c.waiters) > 0; n-- {
		last := len(c.waiters) - 1
		c.waiters[last].WakeOne()
		c.waiters = c.waiters[:last]
	}
	c.mu.Unlock()
}

// NotifyAll wakes every waiter.
func (c *LIFOCondition) NotifyAll() {
	c.mu.Lock()
	n := len(c.waiters)
	c.mu.Unlock()
	c.Notify(max(n, 1))
}

// Waiters returns the number of parked waiters not yet notified.
func (c *LIFOCondition) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}
