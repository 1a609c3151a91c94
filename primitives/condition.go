package primitives

import (
	"fmt"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Condition is a condition variable: a rendezvous point for threads
// waiting for, or announcing, a change of some state guarded by its lock, a
// Lock or an RLock. A Condition must be created with NewCondition.
//
// A Condition must not be copied after first use.
//
// In the terminology of the Go memory model, a call to Notify or NotifyAll
// "synchronizes before" any Wait call that it unblocks returns, and the
// notifier's release of the lock synchronizes before the woken waiter gets
// the lock back.
//
// Condition ports Python's threading.Condition, and follows CPython's
// algorithm: Wait appends a waiter to a FIFO list, releases the lock
// completely (every level of an RLock), parks, and always takes the lock
// back (with its depth) before it returns. Notify(n) wakes the n oldest
// waiters. There are no spurious wake-ups: Wait returns true only when a
// Notify or NotifyAll chose it. Unlike CPython, a waiter that times out
// leaves the list at once, so a Notify never spends itself on a waiter that
// has already given up.
type Condition struct {
	l Locker // the user's lock; never held across mu, nor mu across it

	mu sync.Mutex      // protects q (the waiters' queue, not the user lock)
	q  sched.WaitQueue // parked waiters not yet notified, oldest first
}

// NewCondition returns a Condition over l. A nil l gives the Condition its
// own new RLock, as Python's Condition() does.
//
// NewCondition is Python's threading.Condition(lock).
func NewCondition(l Locker) *Condition {
	if l == nil {
		l = new(RLock)
	}
	return &Condition{l: l}
}

// Acquire acquires the Condition's lock.
//
// Acquire is Python's cond.acquire().
func (c *Condition) Acquire() { c.l.Acquire() }

// TryAcquire tries to acquire the Condition's lock without blocking and
// reports whether it succeeded.
//
// TryAcquire is Python's cond.acquire(blocking=False).
func (c *Condition) TryAcquire() bool { return c.l.TryAcquire() }

// Release releases the Condition's lock, with the misuse rules of that
// lock (ErrReleaseUnlocked for a Lock, ErrNotOwner for an RLock).
//
// Release is Python's cond.release().
func (c *Condition) Release() { c.l.Release() }

// Wait releases the Condition's lock completely, blocks until a Notify or
// NotifyAll wakes the calling thread, and takes the lock back (with its
// former depth, for an RLock) before it returns. A woken thread therefore
// returns only after the notifier released the lock.
//
// Because other threads may change the state between the Notify and the
// moment Wait has the lock again, the caller typically waits in a loop:
//
//	c.Acquire()
//	for !condition() {
//	    c.Wait()
//	}
//	... make use of condition ...
//	c.Release()
//
// or calls WaitFor(condition), which is that loop.
//
// It is a run-time error if the calling thread does not hold the lock (for
// a Lock: if it is not locked at all): Wait panics with an error wrapping
// ErrNotOwner.
//
// Wait is Python's cond.wait().
func (c *Condition) Wait() { c.wait("Condition.Wait", time.Time{}, false) }

// WaitTimeout is Wait with a timeout: it reports whether a Notify or
// NotifyAll woke the calling thread (true) or d passed first (false). In
// either case it returns with the lock held again. A d <= 0 does not wait:
// as Python's wait(0), it releases the lock, takes it back and returns
// false. The timeout runs on the virtual clock in a model run.
//
// It is a run-time error if the calling thread does not hold the lock:
// WaitTimeout panics with an error wrapping ErrNotOwner.
//
// WaitTimeout is Python's cond.wait(timeout=d).
func (c *Condition) WaitTimeout(d time.Duration) bool {
	return c.wait("Condition.WaitTimeout", sched.Now().Add(d), true)
}

// WaitFor waits until pred returns true. pred is called with the lock
// held: first before any wait, then after each wake-up.
//
// It is a run-time error if the calling thread does not hold the lock and
// pred returns false: WaitFor panics with an error wrapping ErrNotOwner.
//
// WaitFor is Python's cond.wait_for(pred).
func (c *Condition) WaitFor(pred func() bool) {
	for !pred() {
		c.wait("Condition.WaitFor", time.Time{}, false)
	}
}

// WaitForTimeout waits until pred returns true or d has passed, and
// returns pred's last result. pred is called with the lock held, first
// before any wait; one deadline covers the whole call, however many
// wake-ups it takes. A d <= 0 checks pred, waits as WaitTimeout(d) does if
// it is false, and checks it once more.
//
// It is a run-time error if the calling thread does not hold the lock and
// pred returns false: WaitForTimeout panics with an error wrapping
// ErrNotOwner.
//
// WaitForTimeout is Python's cond.wait_for(pred, timeout=d).
func (c *Condition) WaitForTimeout(pred func() bool, d time.Duration) bool {
	result := pred()
	var deadline time.Time
	for first := true; !result; first = false {
		if first {
			deadline = sched.Now().Add(d)
		} else if !deadline.After(sched.Now()) {
			break
		}
		c.wait("Condition.WaitForTimeout", deadline, true)
		result = pred()
	}
	return result
}

// Notify wakes the n oldest threads waiting on c (fewer if fewer wait);
// n <= 0 wakes none. Waiters drops by the number woken at once, but a
// woken thread returns from Wait only after the caller releases the lock.
//
// It is a run-time error if the calling thread does not hold the lock:
// Notify panics with an error wrapping ErrNotOwner.
//
// Notify is Python's cond.notify(n).
func (c *Condition) Notify(n int) {
	c.checkOwned("Condition.Notify")
	if n <= 0 {
		return
	}
	failpoints.Hit(failpoints.CondNotify, c)
	c.mu.Lock()
	c.q.WakeN(n)
	c.mu.Unlock()
}

// NotifyAll wakes every thread waiting on c.
//
// It is a run-time error if the calling thread does not hold the lock:
// NotifyAll panics with an error wrapping ErrNotOwner.
//
// NotifyAll is Python's cond.notify_all().
func (c *Condition) NotifyAll() {
	c.checkOwned("Condition.NotifyAll")
	failpoints.Hit(failpoints.CondNotify, c)
	c.mu.Lock()
	c.q.WakeAll()
	c.mu.Unlock()
}

// Waiters returns the number of threads parked in Wait and not yet
// notified.
//
// Waiters is len(cond._waiters) in Python, except that a timed-out waiter
// is not counted.
func (c *Condition) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.q.Len()
}

// Observe reports the state the explorer's trace shows: the lock's state
// (locked, owner, depth) and the number of waiters not yet notified.
func (c *Condition) Observe() failpoints.Snapshot {
	var s failpoints.Snapshot
	if o, ok := c.l.(failpoints.Observable); ok {
		s = o.Observe()
	}
	s.Kind = "Condition"
	s.Waiters = c.Waiters()
	s.Owner = 0 // its lock's holder holds the lock, not the condition
	s.WaitsFor = "a Notify"
	return s
}

func (c *Condition) checkOwned(op string) {
	if !c.l.isOwned() {
		panic(fmt.Errorf("primitives: %s: %w", op, ErrNotOwner))
	}
}

// wait is CPython's Condition.wait: enqueue, release the lock, park, take
// the lock back. With timed set, deadline bounds the park, and a deadline
// already passed is Python's wait(0).
func (c *Condition) wait(op string, deadline time.Time, timed bool) bool {
	c.checkOwned(op)
	failpoints.Hit(failpoints.CondWait, c)
	c.checkOwned(op) // a plain Lock may have been released by another thread meanwhile
	u := &condUnlocker{c: c}
	defer func() {
		// A panic between release and restore (a daemon thread unwinding)
		// still gives the caller back its lock if it is free, so that its
		// deferred Release does not fail; it never blocks for it.
		if u.released && !u.restored {
			tryRestore(c.l, u.saved)
		}
	}()
	if timed && !deadline.After(sched.Now()) {
		u.saved, u.released = c.l.releaseSave(), true
		c.l.acquireRestore(u.saved)
		u.restored = true
		return false
	}
	c.mu.Lock()
	// q.Wait enqueues the waiter, then calls u.Unlock, which releases mu and
	// then the user lock: a notifier needs the user lock, so it cannot run
	// before the waiter is in the queue, and no notification is lost.
	woken := c.q.Wait(u, op, deadline)
	c.mu.Unlock()
	if !u.released {
		return false // the deadline passed before the waiter was queued
	}
	failpoints.Hit(failpoints.CondWoken, c)
	c.l.acquireRestore(u.saved)
	u.restored = true
	return woken
}

// condUnlocker is the sync.Locker Condition.wait gives its WaitQueue: its
// first Unlock releases the queue's mutex and then the user lock (every
// level of it), between the enqueue and the park; Lock takes only the
// queue's mutex. It must not reach a scheduling point, and does not: the
// release paths of Lock and RLock hit no failpoint.
type condUnlocker struct {
	c                  *Condition
	saved              lockState
	released, restored bool
}

func (u *condUnlocker) Lock() { u.c.mu.Lock() }

func (u *condUnlocker) Unlock() {
	u.c.mu.Unlock()
	if !u.released {
		u.saved = u.c.l.releaseSave()
		u.released = true
	}
}

// tryRestore takes l back with the saved state if it is free, without
// blocking or hitting a failpoint.
func tryRestore(l Locker, st lockState) {
	switch l := l.(type) {
	case *Lock:
		l.tryLock()
	case *RLock:
		if l.lock.tryLock() {
			l.own(st.owner, st.depth)
		}
	}
}
