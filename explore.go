package interleave

import (
	"fmt"
	"os"

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
//
// rapid shrinks a failing schedule towards few preemptions but proves
// nothing. So when rapid reports the failing case (its last run of the
// shrunk case), Explore searches every schedule of body with fewer
// preemptions than that case's (Minimize's enumeration, delays past timers
// included, at most 20,000 schedules or MaxSchedules) and logs, after
// rapid's report, either "fewest preemptions: k; no schedule with fewer
// preemptions fails" or the simplest failing schedule it found, with its
// trace, the statement that none with fewer fails, and the schedule to
// replay it. A schedule fails the search when its run fails: a deadlock, a
// panic, a thread's t.Fatalf or t.Errorf through t, the Invariant. A check
// the property makes on body's state after Explore returns is out of
// Explore's reach (it logs how to give it as an Invariant instead).
// Hunt's runs skip the search.
//
// A thread must fail the property through t (t.Fatalf, t.Errorf), not
// through the test's *testing.T: its Fatalf would end only that thread and
// its Errorf goes unseen by rapid. Explore turns either into a failure of
// the run (an error wrapping ErrMisuse, with the trace), and later runs of
// the same test fail the same way without running body again, so the
// test's message is logged once. So does a run that failed with
// ErrBlockedOutside: its blocked thread's goroutine cannot be stopped, and
// each further run would leave one more behind.
func Explore(t *rapid.T, body func(), opts ...Option) *Trace {
	if t == nil {
		panic(fmt.Errorf("%w: Explore with a nil *rapid.T", ErrMisuse))
	}
	if unmarkedHelper(t, &helperExplore) {
		t.Helper()
	}
	checkBody(body)
	s := newSettings(opts)
	g := guardTB(t)
	// A test whose *testing.T a run failed fails again at once, with that
	// run's trace, from the one failRapid call below (rapid tells failures
	// apart by their traceback).
	tr := g.poison()
	if tr == nil {
		s.ThreadGoexit = g.goexit
		tr = explore(t, body, s)
		g.after(tr)
		s.checkInvariant(tr)
		noteTrace(t, tr, s)
		if reportedCase(t) && !huntInProgress(t) {
			reportFewest(t, body, s, tr)
		}
	}
	if tr.Failure != nil {
		failRapid(t, tr)
	}
	// rapid prints a test case's log only for the failing case it reports
	// (and formats it only then), so a check the property makes after
	// Explore returns still shows the interleaving that broke it.
	t.Logf("the interleaving of this test case:\n%v", tr)
	return tr
}

// explore runs body once under the strategy the settings ask for.
func explore(t *rapid.T, body func(), s *settings) *Trace {
	if unmarkedHelper(t, &helperExplore1) {
		t.Helper()
	}
	switch {
	case s.replay:
		return sched.Execute(body, &s.Config, sched.NewFixed(s.schedule))
	case s.pctDepth > 0:
		return exploreRapid(t, body, &s.Config, func(ct *rapid.T) *rapidStrategy { return newRapidPCT(ct, s.pctDepth, s.pctSteps) })
	default:
		return exploreRapid(t, body, &s.Config, newRapidStrategy)
	}
}

// noteTrace hands tr to a Hunt in progress, or writes its trace file when
// the property fails (or when asked to).
func noteTrace(t *rapid.T, tr *Trace, s *settings) {
	if noteHuntTrace(t, tr) {
		return
	}
	// A property may fail after Explore returns (a broken invariant
	// checked on the result): decide at cleanup, when rapid knows.
	save := s.saveTrace || os.Getenv(TraceDirEnv) != ""
	t.Cleanup(func() {
		if tr.Failure == nil && !t.Failed() && !save {
			return
		}
		failure := ""
		if tr.Failure == nil && t.Failed() {
			failure = "the property failed after this run (see the test log)"
		}
		if path, err := saveTraceFile(tr, t.Name(), failure, ""); err != nil {
			t.Logf("interleave: trace file not written: %v", err)
		} else if failure != "" || tr.Failure != nil {
			t.Logf("interleave: trace file %s", path)
		}
	})
}

// Run runs body as the main thread of one model run under a fixed schedule
// (the all-zero one unless Replay says otherwise) or PCT, and returns the
// trace and, if the run failed, a *RunError. It runs body once: a
// goroutine a thread started with a plain go statement that ended before
// any check could see it fails not this run but the next runs of the same
// body, which are traced (see "What the explorer sees").
func Run(body func(), opts ...Option) (*Trace, error) {
	checkBody(body)
	s := newSettings(opts)
	tr := s.execute(body, s.fixedStrategy())
	if s.saveTrace {
		if _, err := saveTraceFile(tr, "", "", ""); err != nil {
			return tr, err
		}
	}
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
