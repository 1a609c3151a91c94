package interleave

import (
	"errors"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Sentinels for misuse of the explorer and for the failures a model run
// reports. Misuse panics with an error wrapping ErrMisuse or ErrBadOption;
// a run's failure is returned by Run and Exhaustive (or fails the rapid.T
// given to Explore) with an error wrapping one of the others, so
// errors.Is(err, interleave.ErrDeadlock) tells them apart.
var (
	// ErrMisuse: Explore inside Explore, a nil body or rapid.T, a primitive
	// used by two runs at once, or a real-mode goroutine waking a model
	// thread.
	ErrMisuse = sched.ErrMisuse
	// ErrBadOption: an Option that makes no sense (nil, a negative budget
	// or preemption bound, an unparsable schedule).
	ErrBadOption = sched.ErrBadOption
	// ErrDeadlock: no thread can run and no timer is left.
	ErrDeadlock = sched.ErrDeadlock
	// ErrStepBudget: a run took more scheduling steps than its budget (a
	// livelock or a busy spin).
	ErrStepBudget = sched.ErrStepBudget
	// ErrBlockedOutside: a thread blocked or spun outside the explorer (a
	// Go channel, a sync.Mutex, a busy loop with no scheduling point) for
	// longer than the Watchdog allows.
	ErrBlockedOutside = sched.ErrBlockedOutside
	// ErrUnmanaged: a goroutine started inside a model run with a plain go
	// statement (directly or deep in called code) is not one of the run's
	// threads, so the explorer neither schedules nor sees it; the report
	// names where it was started. AllowUnmanaged accepts such goroutines.
	ErrUnmanaged = sched.ErrUnmanaged
	// ErrThreadPanic: a thread of a model run panicked.
	ErrThreadPanic = sched.ErrThreadPanic
	// ErrInvariant: the Invariant given to the run returned an error for
	// the state the run left.
	ErrInvariant = errors.New("interleave: invariant broken")
)
