package primitives

import (
	"fmt"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A BoundedSemaphore is a Semaphore that refuses to be released above its
// initial value: a release that would pass it is a bug in the caller. A
// BoundedSemaphore must be created with NewBoundedSemaphore.
//
// A BoundedSemaphore must not be copied after first use.
//
// In the terminology of the Go memory model, a Release "synchronizes
// before" any acquire that takes a unit it gave back.
//
// BoundedSemaphore ports Python's threading.BoundedSemaphore, with the
// Semaphore's choices on wake order (see Semaphore). A refused release
// panics with an error wrapping ErrOverRelease where Python raises
// ValueError, and, as in Python, leaves the value unchanged.
type BoundedSemaphore struct {
	s Semaphore // with bounded set
}

// NewBoundedSemaphore returns a BoundedSemaphore with value units
// available, which is also the most it may ever hold.
//
// It is a run-time error if value is negative: NewBoundedSemaphore panics
// with an error wrapping ErrNegativeValue.
//
// NewBoundedSemaphore is Python's threading.BoundedSemaphore(value).
func NewBoundedSemaphore(value int) *BoundedSemaphore {
	if value < 0 {
		panic(fmt.Errorf("primitives: NewBoundedSemaphore(%d): %w: the initial value must be >= 0", value, ErrNegativeValue))
	}
	return &BoundedSemaphore{s: Semaphore{value: value, initial: value, bounded: true}}
}

// Acquire takes one unit, blocking while the value is zero.
//
// Acquire is Python's sem.acquire().
func (b *BoundedSemaphore) Acquire() {
	b.s.acquire("BoundedSemaphore.Acquire", time.Time{}, true)
}

// TryAcquire takes one unit if one is available, without blocking, and
// reports whether it did.
//
// TryAcquire is Python's sem.acquire(blocking=False).
func (b *BoundedSemaphore) TryAcquire() bool {
	return b.s.acquire("BoundedSemaphore.TryAcquire", time.Time{}, false)
}

// AcquireTimeout takes one unit, waiting at most d for one, and reports
// whether it did. A d <= 0 does not wait. The timeout runs on the virtual
// clock in a model run.
//
// AcquireTimeout is Python's sem.acquire(timeout=d).
func (b *BoundedSemaphore) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return b.s.acquire("BoundedSemaphore.AcquireTimeout", time.Time{}, false)
	}
	return b.s.acquire("BoundedSemaphore.AcquireTimeout", sched.Deadline(d), true)
}

// Release gives back one unit and wakes the oldest waiter, if any.
//
// It is a run-time error if the value is already the initial value:
// Release panics with an error wrapping ErrOverRelease and leaves the value
// unchanged.
//
// Release is Python's sem.release().
func (b *BoundedSemaphore) Release() { b.s.release("BoundedSemaphore.Release", 1, false) }

// ReleaseN gives back n units at once and wakes up to n waiters.
//
// It is a run-time error if n < 1 (ReleaseN panics with an error wrapping
// ErrNegativeValue) or if the value would pass the initial value (it
// panics with an error wrapping ErrOverRelease and leaves the value
// unchanged).
//
// ReleaseN is Python's sem.release(n).
func (b *BoundedSemaphore) ReleaseN(n int) { b.s.release("BoundedSemaphore.ReleaseN", n, true) }

// Value returns the number of units available now.
//
// Value is Python's sem._value.
func (b *BoundedSemaphore) Value() int { return b.s.Value() }

// Observe reports the state the explorer's trace shows: the value (as
// Size) and the number of waiting threads.
func (b *BoundedSemaphore) Observe() failpoints.Snapshot { return b.s.Observe() }
