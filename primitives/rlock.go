package primitives

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// An RLock is a reentrant mutual exclusion lock: the thread that holds it
// (its owner) may acquire it again, and must release it as many times as
// it acquired it before another thread can take it. The zero value is an
// unlocked RLock owned by nobody.
//
// A thread is a goroutine: the owner is identified by its goroutine id, so
// an RLock acquired in one goroutine cannot be released in another.
//
// An RLock must not be copied after first use.
//
// In the terminology of the Go memory model, the release that brings the
// depth back to zero "synchronizes before" the next acquire by another
// thread, as for sync.Mutex.
//
// RLock ports Python's threading.RLock. As for Lock, acquire(blocking=False)
// is TryAcquire and acquire(timeout=t) is AcquireTimeout; Python's private
// _is_owned and _recursion_count are IsOwned and Depth. Which waiter wins
// is unspecified in Python; here it is the inner Lock's choice (see Lock).
type RLock struct {
	lock Lock // held exactly while owner != 0

	// owner is the goroutine id of the holder, 0 when unlocked. It is set
	// by the holder after it took lock and cleared by the holder before
	// it releases lock, so owner == GoID() is true only in the owner.
	owner atomic.Int64
	// depth is the recursion count. Only the owner reads or writes it
	// (the inner lock orders the accesses of successive owners), and a
	// model run's Observe, which runs while the owner is parked or
	// preempted (the explorer's baton orders it).
	depth int
}

// Acquire locks r. If the calling thread already owns r, the depth goes up
// by one at once; otherwise the thread blocks until r is free and becomes
// its owner with depth 1.
//
// Acquire is Python's rlock.acquire().
func (r *RLock) Acquire() {
	failpoints.Hit(failpoints.RLockAcquire, r)
	if me := sched.GoID(); r.owner.Load() == me {
		r.depth++
	} else {
		if !r.lock.state.CompareAndSwap(0, lockHeld) {
			r.lock.lockSlow("RLock.Acquire", time.Time{})
		}
		r.own(me, 1)
	}
	failpoints.Hit(failpoints.RLockAcquired, r)
}

// TryAcquire tries to lock r without blocking and reports whether it
// succeeded. It always succeeds in the owner (the depth goes up by one).
//
// TryAcquire is Python's rlock.acquire(blocking=False).
func (r *RLock) TryAcquire() bool {
	failpoints.Hit(failpoints.RLockAcquire, r)
	if me := sched.GoID(); r.owner.Load() == me {
		r.depth++
	} else if r.lock.tryLock() {
		r.own(me, 1)
	} else {
		return false
	}
	failpoints.Hit(failpoints.RLockAcquired, r)
	return true
}

// AcquireTimeout locks r, waiting at most d for it, and reports whether it
// succeeded. The owner succeeds at once; AcquireTimeout(0) is a single try.
// The timeout runs on the virtual clock in a model run.
//
// It is a run-time error if d is negative: AcquireTimeout panics with an
// error wrapping ErrNegativeValue.
//
// AcquireTimeout is Python's rlock.acquire(timeout=d).
func (r *RLock) AcquireTimeout(d time.Duration) bool {
	if d < 0 {
		panic(fmt.Errorf("primitives: RLock.AcquireTimeout(%v): %w: timeout must be a non-negative duration", d, ErrNegativeValue))
	}
	deadline := sched.Deadline(d)
	failpoints.Hit(failpoints.RLockAcquire, r)
	if me := sched.GoID(); r.owner.Load() == me {
		r.depth++
	} else if r.lock.tryLock() || (d > 0 && r.lock.lockSlow("RLock.AcquireTimeout", deadline)) {
		r.own(me, 1)
	} else {
		return false
	}
	failpoints.Hit(failpoints.RLockAcquired, r)
	return true
}

// Release undoes one Acquire by the owner: the depth goes down by one, and
// at zero r is unlocked and the oldest waiting thread is woken.
//
// It is a run-time error if the calling thread does not own r: Release
// panics with an error wrapping ErrNotOwner.
//
// Release is Python's rlock.release().
func (r *RLock) Release() {
	failpoints.Hit(failpoints.RLockRelease, r)
	if r.owner.Load() != sched.GoID() {
		if sched.Unwinding() {
			// A dying thread's deferred Release of a lock it never got
			// back (it was unwound out of Condition.Wait): nothing to undo.
			return
		}
		panic(fmt.Errorf("primitives: RLock.Release: %w", ErrNotOwner))
	}
	if r.depth--; r.depth == 0 {
		r.owner.Store(0)
		r.lock.unlock("RLock.Release")
	}
}

// IsOwned reports whether the calling thread holds r.
//
// IsOwned is Python's rlock._is_owned().
func (r *RLock) IsOwned() bool { return r.owner.Load() == sched.GoID() }

// Depth returns the recursion count as the calling thread sees it: how many
// times it acquired r without releasing it, 0 if it does not own r.
//
// Depth is Python's rlock._recursion_count().
func (r *RLock) Depth() int {
	if !r.IsOwned() {
		return 0
	}
	return r.depth
}

// Observe reports the state the explorer's trace shows: whether r is
// locked, its owner (a goroutine id, which the trace prints as the thread's
// name) and depth, and how many threads wait for it. Outside a model run
// the depth is reported to the owner only (0 to other threads).
func (r *RLock) Observe() failpoints.Snapshot {
	s := r.lock.Observe()
	s.Kind = "RLock"
	s.Owner = r.owner.Load()
	if s.Owner != 0 && (s.Owner == sched.GoID() || sched.InModel()) {
		s.State += " depth=" + strconv.Itoa(r.depth)
	}
	return s
}

// own records the calling thread me as the owner, with depth d; the inner
// lock must be held.
func (r *RLock) own(me int64, d int) {
	r.depth = d
	r.owner.Store(me)
}

func (r *RLock) isOwned() bool { return r.IsOwned() }

// releaseSave releases every level of r at once for Condition.Wait and
// returns the owner and depth to restore. It hits no failpoint: the
// Condition calls it between enqueueing its waiter and parking.
func (r *RLock) releaseSave() lockState {
	me := sched.GoID()
	if r.owner.Load() != me {
		panic(fmt.Errorf("primitives: Condition.Wait: %w", ErrNotOwner))
	}
	st := lockState{owner: me, depth: r.depth}
	r.depth = 0
	r.owner.Store(0)
	r.lock.unlock("Condition.Wait")
	return st
}

// acquireRestore takes r back after Condition.Wait, with the saved owner
// and depth.
func (r *RLock) acquireRestore(st lockState) {
	failpoints.Hit(failpoints.RLockAcquire, r)
	if !r.lock.state.CompareAndSwap(0, lockHeld) {
		r.lock.lockSlow("RLock.Acquire", time.Time{})
	}
	r.own(st.owner, st.depth)
	failpoints.Hit(failpoints.RLockAcquired, r)
}

// Lock is Acquire, so that an *RLock satisfies sync.Locker (and the
// interleave sync package's Locker).
func (r *RLock) Lock() { r.Acquire() }

// Unlock is Release, for sync.Locker.
func (r *RLock) Unlock() { r.Release() }
