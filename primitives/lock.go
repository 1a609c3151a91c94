package primitives

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Lock is a mutual exclusion lock with no owner: any thread may release
// it, not only the one that acquired it. The zero value is an unlocked
// Lock.
//
// A Lock must not be copied after first use.
//
// In the terminology of the Go memory model, the n'th call to Release
// "synchronizes before" the m'th successful acquire for any n < m, as for
// sync.Mutex.
//
// Lock ports Python's threading.Lock (_thread.allocate_lock). It differs in
// spelling only: acquire(blocking=False) is TryAcquire, acquire(timeout=t)
// is AcquireTimeout, and misuse panics with an error wrapping a sentinel
// instead of raising RuntimeError or ValueError.
//
// Which waiter wins is unspecified in Python. This Lock does not hand the
// lock over: Release unlocks it and wakes the oldest waiter, which then
// competes for it again with any thread acquiring at that moment (a barging
// lock, like CPython's own). A woken waiter that loses goes back to the end
// of the queue.
type Lock struct {
	// state is the lock word: bit 0 is set while the lock is held, the
	// other bits count the threads registered as waiters (state >>
	// waiterShift). An uncontended Acquire and Release only CAS it.
	//
	// Invariant: the waiter count changes only under mu, and is at least
	// q.Len(): a thread counts itself before it enqueues and uncounts
	// itself after it leaves the queue. So a Release that sees no waiter
	// may unlock with one CAS (whoever registers later will see the lock
	// free), and a Release that sees waiters unlocks and wakes under mu.
	state atomic.Int32
	mu    sync.Mutex      // protects q and the waiter count's changes
	q     sched.WaitQueue // threads waiting for the lock, oldest first

	// holder is the goroutine id of the model thread that acquired the
	// lock, 0 once it is released: what a trace and a deadlock report show
	// as its owner (Python's Lock has none: any thread may release it).
	// It is written only while a model run is active (sched.Active), so
	// real mode pays one load in Release.
	holder atomic.Int64
}

const (
	lockHeld    = 1
	waiterShift = 1
	waiterOne   = 1 << waiterShift
)

// Acquire locks l. If the lock is already held, the calling thread blocks
// until it can take it.
//
// Acquire is Python's lock.acquire().
func (l *Lock) Acquire() {
	failpoints.Hit(failpoints.LockAcquire, l)
	if !l.state.CompareAndSwap(0, lockHeld) {
		l.lockSlow("Lock.Acquire", time.Time{})
	}
	l.noteHolder()
	failpoints.Hit(failpoints.LockAcquired, l)
}

// TryAcquire tries to lock l without blocking and reports whether it
// succeeded.
//
// TryAcquire is Python's lock.acquire(blocking=False).
func (l *Lock) TryAcquire() bool {
	failpoints.Hit(failpoints.LockAcquire, l)
	if !l.tryLock() {
		return false
	}
	l.noteHolder()
	failpoints.Hit(failpoints.LockAcquired, l)
	return true
}

// AcquireTimeout locks l, waiting at most d for it, and reports whether it
// succeeded. AcquireTimeout(0) is a single try, as TryAcquire. The timeout
// runs on the virtual clock in a model run, so it is exact there.
//
// It is a run-time error if d is negative: AcquireTimeout panics with an
// error wrapping ErrNegativeValue.
//
// AcquireTimeout is Python's lock.acquire(timeout=d); Python's timeout=-1
// (wait forever) is Acquire.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d < 0 {
		panic(fmt.Errorf("primitives: Lock.AcquireTimeout(%v): %w: timeout must be a non-negative duration", d, ErrNegativeValue))
	}
	deadline := sched.Deadline(d)
	failpoints.Hit(failpoints.LockAcquire, l)
	if !l.tryLock() && (d == 0 || !l.lockSlow("Lock.AcquireTimeout", deadline)) {
		return false
	}
	l.noteHolder()
	failpoints.Hit(failpoints.LockAcquired, l)
	return true
}

// Release unlocks l and wakes the oldest thread waiting in Acquire, if
// any. Any thread may release a Lock, not only the one that acquired it.
//
// It is a run-time error if l is not locked on entry to Release: it panics
// with an error wrapping ErrReleaseUnlocked.
//
// Release is Python's lock.release().
func (l *Lock) Release() {
	failpoints.Hit(failpoints.LockRelease, l)
	l.unlock("Lock.Release")
}

// Locked reports whether l is held by some thread.
//
// Locked is Python's lock.locked().
func (l *Lock) Locked() bool { return l.state.Load()&lockHeld != 0 }

// Observe reports the state the explorer's trace shows: whether l is
// locked, by which thread of a model run, and how many threads wait for
// it.
func (l *Lock) Observe() failpoints.Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := failpoints.Snapshot{Kind: "Lock", State: lockWord(l.Locked()), Waiters: l.q.Len()}
	if l.Locked() {
		s.Owner = l.holder.Load()
	}
	return s
}

// noteHolder records the calling model thread as the holder of l, which
// it has just acquired.
func (l *Lock) noteHolder() {
	if sched.Active() {
		l.holder.Store(sched.GoID())
	}
}

// lockWord is how a trace shows a lock's state.
func lockWord(locked bool) string {
	if locked {
		return "locked"
	}
	return "unlocked"
}

// tryLock takes the lock if it is free, whether or not waiters are
// registered (a woken waiter may not have run yet: barging is allowed).
func (l *Lock) tryLock() bool {
	for {
		s := l.state.Load()
		if s&lockHeld != 0 {
			return false
		}
		if l.state.CompareAndSwap(s, s|lockHeld) {
			return true
		}
	}
}

// lockSlow is the contended path of the acquire methods: it registers the
// caller as a waiter and parks on q until the lock is free, re-checking
// after every wake-up. It reports false if the deadline (zero: none)
// passed first. op names the blocked call for deadlock reports.
func (l *Lock) lockSlow(op string, deadline time.Time) bool {
	l.mu.Lock()
	registered := false
	defer func() {
		// Only a daemon unwinding out of q.Wait gets here registered (mu
		// is then not held): uncount it. A wake-up it may have taken was
		// passed on by q.Wait itself.
		if registered {
			l.mu.Lock()
			l.state.Add(-waiterOne)
			l.mu.Unlock()
		}
	}()
	timedOut := false
	for {
		s := l.state.Load()
		if s&lockHeld == 0 {
			if l.state.CompareAndSwap(s, s|lockHeld) {
				l.mu.Unlock()
				return true
			}
			continue
		}
		if timedOut {
			l.mu.Unlock()
			return false
		}
		// Register with a CAS on the held state, so that a Release racing
		// on the fast path either unlocks first (the CAS fails and the loop
		// sees a free lock) or sees the waiter and wakes it under mu.
		if h := testHookBeforeRegister.Load(); h != nil {
			(*h)()
		}
		if !l.state.CompareAndSwap(s, s+waiterOne) {
			continue
		}
		registered = true
		woken := l.q.Wait(&l.mu, op, deadline)
		registered = false
		l.state.Add(-waiterOne)
		timedOut = !woken
	}
}

// unlock releases the lock: one CAS when no waiter is registered, else
// under mu, waking the oldest waiter.
func (l *Lock) unlock(op string) {
	if l.holder.Load() != 0 {
		l.holder.Store(0) // before the lock is free: a new holder's id must not be cleared
	}
	if l.state.CompareAndSwap(lockHeld, 0) {
		return
	}
	l.mu.Lock()
	if l.state.Load()&lockHeld == 0 {
		l.mu.Unlock()
		if sched.Unwinding() {
			return // a dying thread's deferred Release: nothing to undo
		}
		panic(fmt.Errorf("primitives: %s: %w", op, ErrReleaseUnlocked))
	}
	l.state.Add(-lockHeld)
	l.q.WakeOne()
	l.mu.Unlock()
}

// isOwned reports whether l is locked: Python cannot tell who holds a
// Lock, so a Condition over a Lock only checks that it is held.
func (l *Lock) isOwned() bool { return l.Locked() }

// releaseSave releases l for Condition.Wait. It hits no failpoint: the
// Condition calls it between enqueueing its waiter and parking.
func (l *Lock) releaseSave() lockState {
	l.unlock("Condition.Wait")
	return lockState{}
}

// acquireRestore takes l back after Condition.Wait.
func (l *Lock) acquireRestore(lockState) { l.Acquire() }

// Lock is Acquire, so that a *Lock satisfies sync.Locker (and the
// interleave sync package's Locker) and can guard a sync.Cond.
func (l *Lock) Lock() { l.Acquire() }

// Unlock is Release, for sync.Locker.
func (l *Lock) Unlock() { l.Release() }

// testHookBeforeRegister, when set (by tests only), runs in lockSlow
// between reading the held lock word and registering as a waiter: the
// window a fast-path Release can fall into, which no failpoint splits.
var testHookBeforeRegister atomic.Pointer[func()]
