package properties

import (
	"os"
	"testing"
	"time"

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
	defer func() { t.Logf("%s name=%s %v", SummaryPrefix, name, cov) }()
	start := time.Now()
	last := start
	rapid.Check(t, func(rt *rapid.T) {
		prop(rt, cov)
		// With -v (make explore), a long property says how far it got
		// every ProgressEvery of wall time: the summary shows it live.
		if now := time.Now(); testing.Verbose() && now.Sub(last) >= ProgressEvery {
			last = now
			t.Logf("%s name=%s %v elapsed=%.1fs", ProgressPrefix, name, cov, now.Sub(start).Seconds())
		}
	})
}

// ProgressPrefix starts the line that Check logs, with -v, every
// ProgressEvery while a property runs: the schedules so far, as in the
// summary line, and the wall time since it started.
const ProgressPrefix = "interleave-progress:"

// ProgressEvery is how often Check logs its progress line.
const ProgressEvery = 2 * time.Second

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
		rapid.Check(t, buggy)
		return
	}
	found := interleave.Hunt(t, buggy)
	failures := 0
	if found.Found {
		failures = 1
	}
	t.Logf("%s name=%s schedules=%d distinct=%d failures=%d", SummaryPrefix, name, found.Schedules, found.Coverage.Distinct(), failures)
	if !found.Found {
		t.Fatalf("%s: the explorer did not find the bug in %d schedules", name, found.Schedules)
	}
	t.Logf("%s: bug found after %d schedules: %s", name, found.Schedules, firstLine(found.Message))
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

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
