package properties_test

import (
	"fmt"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
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

// awaitModel sleeps (virtual time) until cond holds, recording a violation
// after pollBudget steps.
func awaitModel(v *violations, what string, cond func() bool) {
	for range pollBudget {
		if cond() {
			return
		}
		sched.Sleep(pollStep)
	}
	v.Fatalf("%s: still false after %v of virtual time", what, pollStep*pollBudget)
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

// violations collects the first property violation seen inside a model
// run. Properties record violations here rather than failing the rapid.T
// from a model thread: the run then ends normally, and report fails the
// rapid.T from rapid's own goroutine, with the interleaving, which keeps
// rapid's shrinking and replay exact.
type violations struct {
	msg string
}

// Fatalf records a violation (the first one is kept).
func (v *violations) Fatalf(format string, args ...any) {
	if v.msg == "" {
		v.msg = fmt.Sprintf(format, args...)
	}
}

// Failed reports whether a violation was recorded.
func (v *violations) Failed() bool { return v.msg != "" }

// report fails rt with the first violation, if any, logging tr.
func (v *violations) report(rt *rapid.T, tr *interleave.Trace) {
	rt.Helper()
	if v.msg != "" {
		rt.Logf("%s", tr)
		rt.Fatalf("%s", v.msg)
	}
}

// explore is properties.Explore for a body that records its violations
// in the given violations, reported once the run is over.
func explore(rt *rapid.T, cov *interleave.Coverage, body func(v *violations), opts ...interleave.Option) *interleave.Trace {
	rt.Helper()
	v := &violations{}
	tr := properties.Explore(rt, cov, func() { body(v) }, opts...)
	v.report(rt, tr)
	return tr
}
