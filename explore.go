package interleave

import (
	"fmt"

	"github.com/interleave-lab/interleave/internal/sched"
	"pgregory.net/rapid"
)

// RunError is the error of a failed model run; its message includes the
// trace.
type RunError struct{ Trace *Trace }

// Error returns the failure and the trace of the failing run.
func (e *RunError) Error() string { return fmt.Sprintf("%v\n%s", e.Trace.Failure, e.Trace) }

// Unwrap returns the run's failure (wrapping ErrDeadlock, ErrStepBudget,
// ErrThreadPanic, ...).
func (e *RunError) Unwrap() error { return e.Trace.Failure }

// Explore runs body as the main thread of one model run; every thread body
// starts is managed; each scheduling choice is drawn from t. A deadlock, a
// step budget exceeded, or a panic in any thread fails t with the trace
// (ExpectPanics lets a property read a thread's panic from Thread.Err
// instead). The same t replays the same trace, byte for byte.
func Explore(t *rapid.T, body func(), opts ...Option) *Trace {
	if t == nil {
		panic(fmt.Errorf("%w: Explore with a nil *rapid.T", ErrMisuse))
	}
	t.Helper()
	checkBody(body)
	s := newSettings(opts)
	var tr *Trace
	switch {
	case s.replay:
		tr = sched.Execute(body, &s.Config, sched.NewFixed(s.schedule))
	case s.pctDepth > 0:
		tr = exploreRapid(t, body, &s.Config, func(ct *rapid.T) *rapidStrategy { return newRapidPCT(ct, s.pctDepth, s.pctSteps) })
	default:
		tr = exploreRapid(t, body, &s.Config, newRapidStrategy)
	}
	noteHuntTrace(t, tr)
	if tr.Failure != nil {
		failRapid(t, tr)
	}
	// rapid prints a test case's log only for the failing case it reports
	// (and formats it only then), so a check the property makes after
	// Explore returns still shows the interleaving that broke it.
	t.Logf("the interleaving of this test case:\n%v", tr)
	return tr
}

// Run runs body as the main thread of one model run under a fixed schedule
// (the all-zero one unless Replay says otherwise) or PCT, and returns the
// trace and, if the run failed, a *RunError.
func Run(body func(), opts ...Option) (*Trace, error) {
	checkBody(body)
	s := newSettings(opts)
	tr := sched.Execute(body, &s.Config, s.fixedStrategy())
	if tr.Failure != nil {
		return tr, &RunError{Trace: tr}
	}
	return tr, nil
}

func checkBody(body func()) {
	if body == nil {
		panic(fmt.Errorf("%w: the body of a run is nil", ErrMisuse))
	}
}
