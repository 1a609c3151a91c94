package primitives

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Semaphore is a counter of available units: Acquire takes one, waiting
// while none is left, and Release gives units back. A Semaphore must be
// created with NewSemaphore.
//
// A Semaphore must not be copied after first use.
//
// In the terminology of the Go memory model, a Release "synchronizes
// before" any acquire that takes a unit it gave back.
//
// Semaphore ports Python's threading.Semaphore: acquire(blocking=False) is
// TryAcquire, acquire(timeout=t) is AcquireTimeout and release(n) is
// ReleaseN. Wake order is not promised in Python; here Release wakes the
// oldest waiters, but a woken waiter competes again with threads arriving
// at that moment (they may barge in), and one that loses waits again at the
// end of the queue.
type Semaphore struct {
	mu      sync.Mutex
	value   int             // available units; guarded by mu
	bounded bool            // a BoundedSemaphore's: releases may not pass initial
	initial int             // the value given to the constructor
	q       sched.WaitQueue // threads waiting for a unit, oldest first; guarded by mu
}

// NewSemaphore returns a Semaphore with value units available.
//
// It is a run-time error if value is negative: NewSemaphore panics with an
// error wrapping ErrNegativeValue.
//
// NewSemaphore is Python's threading.Semaphore(value).
func NewSemaphore(value int) *Semaphore {
	if value < 0 {
		panic(fmt.Errorf("primitives: NewSemaphore(%d): %w: the initial value must be >= 0", value, ErrNegativeValue))
	}
	return &Semaphore{value: value, initial: value}
}

// Acquire takes one unit, blocking while the value is zero.
//
// Acquire is Python's sem.acquire().
func (s *Semaphore) Acquire() { s.acquire("Semaphore.Acquire", time.Time{}, true) }

// TryAcquire takes one unit if one is available, without blocking, and
// reports whether it did.
//
// TryAcquire is Python's sem.acquire(blocking=False).
func (s *Semaphore) TryAcquire() bool { return s.acquire("Semaphore.TryAcquire", time.Time{}, false) }

// AcquireTimeout takes one unit, waiting at most d for one, and reports
// whether it did. A d <= 0 does not wait. The timeout runs on the virtual
// clock in a model run.
//
// AcquireTimeout is Python's sem.acquire(timeout=d).
func (s *Semaphore) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return s.acquire("Semaphore.AcquireTimeout", time.Time{}, false)
	}
	return s.acquire("Semaphore.AcquireTimeout", sched.Deadline(d), true)
}

// Release gives back one unit and wakes the oldest waiter, if any.
//
// Release is Python's sem.release().
func (s *Semaphore) Release() { s.release("Semaphore.Release", 1, false) }

// ReleaseN gives back n units at once and wakes up to n waiters.
//
// It is a run-time error if n < 1: ReleaseN panics with an error wrapping
// ErrNegativeValue.
//
// ReleaseN is Python's sem.release(n).
func (s *Semaphore) ReleaseN(n int) { s.release("Semaphore.ReleaseN", n, true) }

// Value returns the number of units available now.
//
// Value is Python's sem._value.
func (s *Semaphore) Value() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value
}

// Observe reports the state the explorer's trace shows: the value (out of
// the initial value for a BoundedSemaphore) and the number of waiting
// threads.
func (s *Semaphore) Observe() failpoints.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, state := "Semaphore", "value="+strconv.Itoa(s.value)
	if s.bounded {
		kind = "BoundedSemaphore"
		state += "/" + strconv.Itoa(s.initial)
	}
	return failpoints.Snapshot{Kind: kind, State: state, Waiters: s.q.Len(), WaitsFor: "a Release"}
}

// acquire is CPython's Semaphore.acquire: wait while the value is zero
// (if block), re-checking after every wake-up and once more at the
// deadline, then take a unit.
func (s *Semaphore) acquire(op string, deadline time.Time, block bool) bool {
	failpoints.Hit(failpoints.SemAcquire, s)
	s.mu.Lock()
	for timedOut := false; s.value == 0; {
		if !block || timedOut {
			s.mu.Unlock()
			return false
		}
		// A daemon unwound out of Wait (mu then not held) holds nothing of
		// ours; a wake-up it may have taken was passed on by q.Wait itself.
		timedOut = !s.q.Wait(&s.mu, op, deadline)
	}
	s.value--
	s.mu.Unlock()
	failpoints.Hit(failpoints.SemAcquired, s)
	return true
}

// release is CPython's (Bounded)Semaphore.release(n). op is the method's
// name for panics; takesN says the method has the n parameter (ReleaseN),
// so an over-release panic prints it as op(n).
func (s *Semaphore) release(op string, n int, takesN bool) {
	if n < 1 {
		panic(fmt.Errorf("primitives: %s(%d): %w: n must be one or more", op, n, ErrNegativeValue))
	}
	failpoints.Hit(failpoints.SemRelease, s)
	s.mu.Lock()
	if s.bounded && s.value+n > s.initial {
		v := s.value
		s.mu.Unlock()
		if takesN {
			op = fmt.Sprintf("%s(%d)", op, n)
		}
		panic(fmt.Errorf("primitives: %s: %w (value %d, initial value %d)", op, ErrOverRelease, v, s.initial))
	}
	s.value += n
	s.q.WakeN(n)
	s.mu.Unlock()
}
