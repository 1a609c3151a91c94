package properties_test

import (
	"fmt"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"pgregory.net/rapid"
)

// The scenario properties share these helpers: explore one run of a
// scenario and return its result (a scenario error fails the check), run
// the all-zero schedule where an invariant is exact only there, and draw
// durations.

// exploreScenario runs run as the main thread of one explored model run,
// counts the run in cov, and returns what the scenario returned. A
// scenario error fails rt. If the check that follows fails rt, the
// interleaving is logged with rapid's report.
func exploreScenario[R any](rt *rapid.T, cov *interleave.Coverage, run func() (R, error), opts ...interleave.Option) R {
	rt.Helper()
	var (
		res R
		err error
	)
	tr := properties.Explore(rt, cov, func() { res, err = run() }, opts...)
	rt.Cleanup(func() {
		if rt.Failed() {
			rt.Logf("the interleaving that broke it:\n%s", tr)
		}
	})
	if err != nil {
		rt.Fatalf("scenario = %v; want no error", err)
	}
	return res
}

// fatalf is what runZero needs of a *testing.T or a *rapid.T.
type fatalf interface {
	Helper()
	Fatalf(format string, args ...any)
}

// runZero runs run under the all-zero schedule (each thread runs until it
// blocks, sleeps or ends), where the scenarios' times are exact.
func runZero[R any](t fatalf, run func() (R, error), opts ...interleave.Option) R {
	t.Helper()
	var (
		res R
		err error
	)
	if _, runErr := interleave.Run(func() { res, err = run() }, opts...); runErr != nil || err != nil {
		t.Fatalf("all-zero run = %v, scenario error %v; want both nil", runErr, err)
	}
	return res
}

// drawMs draws a duration of lo..hi milliseconds, in steps of step ms.
func drawMs(rt *rapid.T, label string, lo, hi, step int) time.Duration {
	return time.Duration(rapid.IntRange(lo/step, hi/step).Draw(rt, label)*step) * time.Millisecond
}

// drawLoops draws a list of 0..maxN loop lengths of 0..maxMs milliseconds
// (in steps of 500 ms, so that ties, the interesting case, are common).
func drawLoops(rt *rapid.T, maxN, maxMs int) []time.Duration {
	n := rapid.IntRange(0, maxN).Draw(rt, "loops")
	loops := make([]time.Duration, n)
	for i := range loops {
		loops[i] = drawMs(rt, fmt.Sprintf("loop %d", i), 0, maxMs, 500)
	}
	return loops
}

func maxDuration(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}
