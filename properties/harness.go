package properties

import (
	"os"
	"testing"

	"github.com/interleave-lab/interleave"

	"pgregory.net/rapid"
)

// DemoFailEnv is the environment variable that makes every Demo run its
// buggy variant as a plain, failing rapid property.
const DemoFailEnv = "INTERLEAVE_DEMO_FAIL"

// SummaryPrefix starts the line that Check and Demo log for make explore's
// summary table.
const SummaryPrefix = "interleave-summary:"

// Check runs prop as rapid.Check does and logs a summary line: how many
// schedules ran and how many distinct interleavings they covered. prop must
// report every trace it explores to cov (the *interleave.Coverage passed in).
func Check(t *testing.T, name string, prop func(rt *rapid.T, cov *interleave.Coverage)) {
	t.Helper()
	cov := &interleave.Coverage{}
	defer func() {
		t.Logf("%s name=%s seed=%d %v", SummaryPrefix, name, interleave.RapidSeed(), cov)
		if t.Failed() {
			logReplay(t, "")
		}
	}()
	rapid.Check(t, func(rt *rapid.T) { prop(rt, cov) })
}

// Explore is interleave.Explore that also counts the run in cov.
func Explore(rt *rapid.T, cov *interleave.Coverage, body func(), opts ...interleave.Option) *interleave.Trace {
	rt.Helper()
	tr := interleave.Explore(rt, body, opts...)
	cov.Add(tr)
	return tr
}

// Demo asserts that the explorer finds a failing interleaving of buggy
// within rapid's budget and that correct survives the same budget. With -v
// it logs the shrunk counterexample; with INTERLEAVE_DEMO_FAIL=1 it runs
// buggy as a plain rapid property, which fails and prints rapid's replay
// command.
func Demo(t *testing.T, name string, buggy, correct func(rt *rapid.T)) {
	t.Helper()
	if os.Getenv(DemoFailEnv) != "" {
		defer func() {
			if t.Failed() {
				logReplay(t, DemoFailEnv+"=1 ")
			}
		}()
		rapid.Check(t, buggy)
		return
	}
	found := interleave.Hunt(t, buggy)
	failures := 0
	if found.Found {
		failures = 1
	}
	t.Logf("%s name=%s seed=%d schedules=%d distinct=%d failures=%d", SummaryPrefix, name, interleave.RapidSeed(), found.Schedules, found.Coverage.Distinct(), failures)
	if !found.Found {
		why := "every schedule passed"
		if found.Invalid {
			why = "rapid found too few valid schedules: " + firstLine(found.Message)
		}
		t.Errorf("%s: the explorer did not find the bug in %d schedules (%s)", name, found.Schedules, why)
		logReplay(t, "")
		t.FailNow()
	}
	t.Logf("%s: bug found after %d schedules (rapid seed %d): %s", name, found.Schedules, found.Seed, firstLine(found.Message))
	t.Logf("%s: watch it fail: %s%s", name, DemoFailEnv+"=1 ", interleave.ReplayCommand(t.Name(), found.Seed))
	if found.Trace != nil {
		t.Logf("shrunk interleaving (%d preemptions):\n%s", found.Trace.Preemptions(), found.Trace)
	}
	if correct == nil {
		return
	}
	fixed := interleave.Hunt(t, correct)
	if fixed.Found {
		t.Fatalf("%s: the correct version failed too:\n%s", name, fixed.Message)
	}
}

// logReplay logs the seed of this test binary and the command that re-runs
// t with it (env prefixes the command).
func logReplay(t *testing.T, env string) {
	t.Helper()
	seed := interleave.RapidSeed()
	if seed == 0 {
		t.Logf("rapid seed: random (-rapid.seed=0); replay with the -rapid.seed or -rapid.failfile rapid printed above, in: %s%s", env, interleave.ReplayCommand(t.Name(), 0))
		return
	}
	t.Logf("rapid seed %d; replay: %s%s", seed, env, interleave.ReplayCommand(t.Name(), seed))
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
