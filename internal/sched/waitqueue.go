package sched

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// A Waiter is one thread parked in a WaitQueue.
type Waiter struct {
	prev, next *Waiter
	queued     bool          // in its queue's list; guarded by the owner's mutex
	woken      atomic.Bool   // a wake chose it; written under the owner's mutex, atomic because a model thread reads it after releasing that mutex (a misused wake from outside its run may race with that read)
	ch         chan struct{} // real mode: receives one token when woken
	th         *thread       // model mode: the parked thread
}

// A WaitQueue is the FIFO of threads parked on one primitive, and the only
// way a primitive blocks or wakes a thread in either mode. The zero value
// is an empty queue. Every method must be called with the owner's mutex
// held (the mutex passed to Wait), and no primitive may hold that mutex
// across a failpoint or a park: Wait releases it while parked.
//
// Invariant: the list holds exactly the waiters that are parked and have
// been neither woken nor timed out, oldest first; n is its length; a queued
// waiter has woken == false and a woken waiter is not queued. In model mode
// run is the run that first used the queue, and every later use must come
// from the same run.
type WaitQueue struct {
	head, tail *Waiter
	n          int
	run        *run
}

// Len returns the number of parked, not yet woken, waiters.
func (q *WaitQueue) Len() int { return q.n }

// Wait parks the calling thread on q until a Wake chooses it or the
// deadline passes (a zero deadline never passes). mu must be held; Wait
// releases it while parked and holds it again when it returns. It reports
// whether the thread was woken; false means the deadline passed first and
// the thread is no longer queued. op names the operation for deadlock
// reports and goroutine dumps ("Lock.Acquire").
//
// A daemon thread whose run (or, in real mode, whose process) is ending
// does not return: it unwinds, running its deferred calls.
func (q *WaitQueue) Wait(mu sync.Locker, op string, deadline time.Time) bool {
	th := self()
	if th == nil {
		return q.waitReal(mu, deadline, true)
	}
	if !deadline.IsZero() && !deadline.After(now(th)) {
		return false
	}
	w := &Waiter{}
	if err := q.bind(th.run); err != nil {
		// Fail this run and unwind its thread as an abort would (mu
		// released first, as on Wait's own unwinding path), so that the
		// primitive's mutex is never left held by a panic.
		mu.Unlock()
		th.run.fail(fmt.Errorf("%w: %s (%s): %v", ErrMisuse, th.name(), op, err), nil)
		panic(unwinding{})
	}
	w.th = th
	th.waitObj = th.lastObj // before mu.Unlock, which may reach a scheduling point of its own
	q.push(w)
	mu.Unlock()
	var woken, unwind bool
	if w.woken.Load() {
		// mu.Unlock reached a scheduling point (a user lock's release)
		// and another thread woke w meanwhile: do not park.
		woken = true
	} else {
		unwind = th.run.park(th, op, deadline)
	}
	mu.Lock()
	if w.woken.Load() {
		woken = true
	} else if w.queued {
		q.remove(w)
	}
	if !woken && !unwind && (deadline.IsZero() || now(th).Before(deadline)) {
		// Only a wake or the deadline readies a parked thread, so this
		// resume is the scheduler's own bug (a pick that ran a parked
		// thread, a clock that did not move). Fail the run here: the
		// primitive's retry loop would park again and again until the
		// step budget, and a search would shrink every such run at the
		// budget's full cost.
		mu.Unlock()
		th.run.fail(fmt.Errorf("%w: %s resumed from %s unwoken at %v, its deadline %v", errUnwokenResume,
			th.name(), op, th.run.now, deadlineString(deadline)), nil)
		panic(unwinding{})
	}
	if unwind {
		if w.woken.Load() {
			q.WakeOne() // a dying thread must not swallow a wake-up meant for a live one
		}
		mu.Unlock()
		panic(unwinding{})
	}
	return woken
}

// deadlineString shows a Wait's deadline as the virtual instant it ends at.
func deadlineString(deadline time.Time) string {
	if deadline.IsZero() {
		return "none"
	}
	return deadline.Sub(Epoch).String()
}

// WaitUnlocked is Wait that returns with mu released: for a primitive
// whose woken thread needs none of the state mu guards, or only state its
// waker wrote before the wake (a wake synchronizes before the return of
// the Wait it ends). In real mode a woken goroutine then returns without
// touching mu, so it does not contend with its waker for it (a channel
// hand-off's receiver, as in Go's runtime); in a model run it is Wait
// followed by mu.Unlock.
func (q *WaitQueue) WaitUnlocked(mu sync.Locker, op string, deadline time.Time) bool {
	if self() == nil {
		return q.waitReal(mu, deadline, false)
	}
	woken := q.Wait(mu, op, deadline)
	mu.Unlock()
	return woken
}

// waitReal is Wait (relock) or WaitUnlocked for a goroutine outside any
// model run: it parks on a pooled Waiter's channel.
func (q *WaitQueue) waitReal(mu sync.Locker, deadline time.Time, relock bool) bool {
	if !deadline.IsZero() && !deadline.After(time.Now()) {
		if !relock {
			mu.Unlock()
		}
		return false
	}
	w := realWaiters.Get().(*Waiter)
	q.push(w)
	mu.Unlock()
	woken, unwind := parkReal(w, deadline)
	if h := testHookAfterRealPark.Load(); h != nil {
		(*h)(woken)
	}
	if woken && !relock {
		// The waker removed w and sent its token under mu and touches it
		// no more, so w is free again with an empty channel.
		w.woken.Store(false)
		realWaiters.Put(w)
		return true
	}
	mu.Lock()
	if w.woken.Load() {
		if !woken {
			// A wake raced the deadline or the unwinding: its token is in
			// w.ch (sent under mu, which we hold). Take it, so the pooled
			// channel is empty, and count the wake.
			<-w.ch
		}
		woken = true
	} else if w.queued {
		q.remove(w)
	}
	w.woken.Store(false)
	realWaiters.Put(w)
	if unwind {
		if woken {
			q.WakeOne() // a dying thread must not swallow a wake-up meant for a live one
		}
		mu.Unlock()
		panic(unwinding{})
	}
	if !relock {
		mu.Unlock()
	}
	return woken
}

// realWaiters pools the Waiters of real-mode goroutines, so that a park
// allocates neither a Waiter nor its channel. Invariant: a pooled Waiter
// is not queued, has woken == false, th == nil, and an empty ch (its owner
// took the one token a wake sends before putting it back), so a late
// token can never end a later wait that reuses it. A model thread's Waiter
// is never pooled (its run may still reach it).
var realWaiters = sync.Pool{New: func() any { return &Waiter{ch: make(chan struct{}, 1)} }}

// WakeOne wakes the oldest waiter and reports whether there was one.
func (q *WaitQueue) WakeOne() bool { return q.WakeN(1) == 1 }

// WakeAll wakes every waiter and returns how many it woke.
func (q *WaitQueue) WakeAll() int { return q.WakeN(q.n) }

// WakeN wakes the n oldest waiters (fewer if fewer wait) and returns how
// many it woke. A woken thread runs only after the waker releases the
// owner's mutex (in model mode: at the waker's next scheduling point).
func (q *WaitQueue) WakeN(n int) int {
	woke := 0
	for ; woke < n && q.head != nil; woke++ {
		q.take().Wake()
	}
	return woke
}

// WakeLater is WakeOne for a waker that readies the woken thread only
// after releasing the owner's mutex, as Go's runtime readies a goroutine
// after unlocking the channel, so the woken thread does not run into a
// held mutex: it removes the oldest waiter and marks it woken (neither
// Len nor another wake counts it any more) and returns it, nil if none
// waits. The caller must call Wake on it exactly once, after releasing
// the mutex, and must not touch it afterwards.
func (q *WaitQueue) WakeLater() *Waiter {
	if q.head == nil {
		return nil
	}
	return q.take()
}

// Wake readies the thread of a waiter that WakeLater (or WakeN) took. In
// real mode it sends the waiter's one token, after which the waiter may
// be reused at once: nothing may touch w after Wake.
func (w *Waiter) Wake() {
	if w.th != nil {
		w.th.run.wake(w.th)
		return
	}
	w.ch <- struct{}{}
}

// take removes the oldest waiter from q and marks it woken. The owner's
// mutex must be held and q must not be empty.
func (q *WaitQueue) take() *Waiter {
	w := q.head
	q.remove(w)
	w.woken.Store(true)
	return w
}

// bind ties q to the run r that parks on it. A primitive may serve one run
// after another, but not two runs at once, and not a run while threads of a
// finished run are still counted in its queue (stale state from that run).
func (q *WaitQueue) bind(r *run) error {
	switch {
	case q.run == nil || q.run == r:
	case !q.run.finishedRun():
		return errors.New("the primitive is in use by another model run that is still running (runs must not share primitives)")
	case q.n > 0:
		return fmt.Errorf("the primitive was used by a finished model run that still has %d of its threads parked on it", q.n)
	}
	q.run = r
	return nil
}

func (q *WaitQueue) push(w *Waiter) {
	w.queued = true
	w.prev = q.tail
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	q.n++
}

func (q *WaitQueue) remove(w *Waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	q.n--
}

// parkReal blocks a real-mode goroutine until w is woken, the deadline
// passes, or (for a daemon thread) a Shutdown unwinds it.
func parkReal(w *Waiter, deadline time.Time) (woken, unwind bool) {
	if deadline.IsZero() {
		return parkForever(w)
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-w.ch:
		return true, false
	case <-t.C:
		return false, false
	case <-daemonUnwind():
		return false, true
	}
}

// parkForever is parkReal without a deadline. It is a function of its own
// so that a goroutine dump names a wait that only a wake-up can end
// (interleavetest's park watch looks for this frame). The common case, a
// goroutine that is not a daemon, is a plain receive.
func parkForever(w *Waiter) (woken, unwind bool) {
	unwindc := daemonUnwind()
	if unwindc == nil {
		<-w.ch
		return true, false
	}
	select {
	case <-w.ch:
		return true, false
	case <-unwindc:
		return false, true
	}
}

// testHookAfterRealPark, when set (by tests only), runs after a real-mode
// park returned (woken or timed out) and before Wait takes the owner's
// mutex back: the window in which a timed-out waiter may still be chosen
// by a wake, which no failpoint splits.
var testHookAfterRealPark atomic.Pointer[func(woken bool)]
