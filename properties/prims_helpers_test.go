package properties_test

import (
	"fmt"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// pollStep and pollBudget bound every wait for an observable in a model
// run: a broken primitive that never gets there fails instead of hanging.
// The explorer's delays are at most a few dozen ticks past the next timer,
// so a second of virtual time is ample.
const (
	pollStep   = time.Millisecond
	pollBudget = 1000
)

// awaitModel sleeps (virtual time) until cond holds, failing rt with what
// after pollBudget steps.
func awaitModel(rt *rapid.T, what string, cond func() bool) {
	rt.Helper()
	for range pollBudget {
		if cond() {
			return
		}
		failpoints.Sleep(pollStep)
	}
	rt.Fatalf("%s: still false after %v of virtual time", what, pollStep*pollBudget)
}

// goThread starts fn in a new primitives.Thread named name.
func goThread(name string, fn func()) *primitives.Thread {
	th := primitives.NewThread(fn, primitives.WithName(name))
	th.Start()
	return th
}

// joinAll joins every thread. It waits without a timeout: the explorer
// may delay a thread past any timeout, while a thread that never ends
// makes the run deadlock, which fails it.
func joinAll(ths ...*primitives.Thread) {
	for _, th := range ths {
		th.Join()
	}
}

// catchPanic runs fn and returns what it panicked with (nil if nothing).
func catchPanic(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// errOf returns v as an error (nil if v is not one).
func errOf(v any) error {
	if err, ok := v.(error); ok {
		return err
	}
	if v != nil {
		return fmt.Errorf("%v", v)
	}
	return nil
}
