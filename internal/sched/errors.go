package sched

import "errors"

// Sentinels for misuse of this package and for the failures a model run
// reports. Misuse panics with an error wrapping one of them; a run's
// failure is returned by Run (or fails the rapid.T given to Explore) with an
// error wrapping one of them.
var (
	// ErrMisuse: Explore inside Explore, a primitive used by two runs, or a
	// real-mode goroutine waking a model thread.
	ErrMisuse = errors.New("interleave: misuse")
	// ErrBadOption: an Option that makes no sense (a negative budget or
	// preemption bound, an unparsable schedule).
	ErrBadOption = errors.New("interleave: bad option")
	// ErrDeadlock: no thread can run and no timer is left.
	ErrDeadlock = errors.New("interleave: deadlock")
	// ErrStepBudget: a run took more scheduling steps than its budget
	// (a livelock or a busy spin).
	ErrStepBudget = errors.New("interleave: step budget exceeded")
	// ErrBlockedOutside: a thread holding the baton blocked or spun
	// outside the explorer (a Go channel, a sync.Mutex, a busy loop) for
	// longer than the run's watchdog allows.
	ErrBlockedOutside = errors.New("interleave: blocked outside the explorer")
	// ErrUnmanaged: a goroutine started inside a model run (a plain go
	// statement, directly or deep in called code) is not one of the run's
	// threads: the explorer neither schedules nor sees it (see
	// unmanaged.go).
	ErrUnmanaged = errors.New("interleave: goroutine not managed by the explorer")
	// ErrThreadPanic: a thread of a model run panicked.
	ErrThreadPanic = errors.New("interleave: thread panicked")
)

// errUnwokenResume is the failure of a run whose scheduler resumed a
// parked or sleeping thread that no wake chose before its deadline: a bug
// of the scheduler, never of the code under test (see WaitQueue.Wait and
// run.sleep).
var errUnwokenResume = errors.New("interleave: internal error: a parked thread ran unwoken before its deadline")
