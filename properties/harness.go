package properties

import (
	"flag"
	"fmt"
	"os"
	"strconv"
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
	defer func() {
		t.Logf("%s name=%s seed=%d %v", SummaryPrefix, name, interleave.RapidSeed(), cov)
		if t.Failed() {
			logReplay(t, "")
		}
	}()
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

// DemoRoundEnv names the search round a Demo's replay command runs (see
// Demo); unset means round 0.
const DemoRoundEnv = "INTERLEAVE_DEMO_ROUND"

// demoRounds is how many rounds of rapid's budget a Demo may search: 3
// (300 schedules at rapid's default -rapid.checks=100), and 15 under
// -short, where rapid runs a fifth of the checks, so that -short keeps the
// same 300. A round stops at the first find, so the cost is the
// schedules-to-failure, not the budget.
//
// Measured (one round of 100, rapid seeds drawn at random, 61 seeds;
// mean / worst schedules to the first failure): S06ResultBeforeJoin
// 19.5 / 50 and missed 100 on 1 seed more, CatchesBrokenConditionLIFO and
// ...Notify 11 / 49, CatchesBrokenSemaphoreOverGrant 8.7 / 46,
// S17ReadThenWrite 5 / 32, S14CheckThenAct 7 / 28, every other demo and
// catch test <= 5 / 17. With p = 1/20 a schedule for the slowest,
// 300 schedules miss with probability 0.95^300 = 2e-7.
func demoRounds() int {
	if testing.Short() {
		return 15
	}
	return 3
}

// inRound wraps prop for search round k: k leading draws, which prop never
// sees, shift rapid's random stream so that round k explores other
// schedules than round 0 under the same seed, and the seed still replays.
func inRound(k int, prop func(rt *rapid.T)) func(rt *rapid.T) {
	if k == 0 {
		return prop
	}
	return func(rt *rapid.T) {
		for range k {
			rapid.Uint64().Draw(rt, "round")
		}
		prop(rt)
	}
}

// Demo asserts that the explorer finds a failing interleaving of buggy
// within its budget (up to demoRounds rounds of rapid's -rapid.checks), by
// a failing check of the property, never by a skip or an exhausted budget,
// and that correct survives one round. With -v it logs the shrunk
// counterexample and the command that shows it failing; with
// INTERLEAVE_DEMO_FAIL=1 (and INTERLEAVE_DEMO_ROUND=k as printed) it runs
// buggy as a plain rapid property, which fails and prints rapid's replay
// command.
// It returns the finding Hunt (the zero HuntResult with INTERLEAVE_DEMO_FAIL).
//
// Without -v nobody reads the counterexample, so Demo does not shrink it
// (rapid's shrinking was more than half of this package's CPU): it sets
// -rapid.shrinktime to 0 while it hunts, unless the command line set it.
// rapid's flags are package variables, so call Demo from a test that is
// not parallel: the others run one at a time, and the parallel tests only
// after them, so no rapid reads the flag while Demo sets it. DemoShrunk
// always shrinks and leaves the flags alone.
func Demo(t *testing.T, name string, buggy, correct func(rt *rapid.T)) interleave.HuntResult {
	t.Helper()
	if os.Getenv(DemoFailEnv) == "" && !testing.Verbose() && !flagSet("rapid.shrinktime") {
		f := flag.Lookup("rapid.shrinktime")
		old := f.Value.String()
		if err := f.Value.Set("0s"); err != nil {
			t.Fatalf("-rapid.shrinktime=0s: %v", err)
		}
		defer func() { _ = f.Value.Set(old) }()
		return demo(t, name, buggy, correct, false)
	}
	return demo(t, name, buggy, correct, true)
}

// DemoShrunk is Demo that shrinks the counterexample with or without -v,
// for a test that asserts on the shrunk trace it returns. It may be called
// from a parallel test.
func DemoShrunk(t *testing.T, name string, buggy, correct func(rt *rapid.T)) interleave.HuntResult {
	t.Helper()
	return demo(t, name, buggy, correct, true)
}

// flagSet reports whether the command line set the named flag.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// demo is Demo; shrunk says whether rapid shrinks the counterexample.
func demo(t *testing.T, name string, buggy, correct func(rt *rapid.T), shrunk bool) interleave.HuntResult {
	t.Helper()
	if os.Getenv(DemoFailEnv) != "" {
		round, _ := strconv.Atoi(os.Getenv(DemoRoundEnv))
		defer func() {
			if t.Failed() {
				logReplay(t, demoEnv(round))
			}
		}()
		rapid.Check(t, inRound(round, buggy))
		return interleave.HuntResult{}
	}
	var found interleave.HuntResult
	schedules, distinct, round := 0, 0, 0
	for ; round < demoRounds(); round++ {
		found = interleave.Hunt(t, inRound(round, buggy))
		schedules += found.Schedules
		distinct += found.Coverage.Distinct()
		if found.Found {
			break
		}
	}
	failures := 0
	if found.Found {
		failures = 1
	}
	t.Logf("%s name=%s seed=%d schedules=%d distinct=%d failures=%d", SummaryPrefix, name, interleave.RapidSeed(), schedules, distinct, failures)
	if !found.Found {
		why := "every schedule passed"
		if found.Invalid {
			why = "rapid found too few valid schedules: " + firstLine(found.Message)
		}
		t.Errorf("%s: the explorer did not find the bug in %d schedules, %d rounds (%s)", name, schedules, demoRounds(), why)
		logReplay(t, "")
		t.FailNow()
	}
	found.Schedules = schedules
	t.Logf("%s: bug found after %d schedules (rapid seed %d): %s", name, found.Schedules, found.Seed, firstLine(found.Message))
	t.Logf("%s: watch it fail: %s%s", name, demoEnv(round), interleave.ReplayCommand(t.Name(), found.Seed))
	switch {
	case found.Trace != nil && shrunk:
		t.Logf("shrunk interleaving (%d preemptions):\n%s", found.Trace.Preemptions(), found.Trace)
	case found.Trace != nil:
		t.Logf("failing interleaving, not shrunk (-v shrinks it; %d preemptions):\n%s", found.Trace.Preemptions(), found.Trace)
	}
	if correct == nil {
		return found
	}
	fixed := interleave.Hunt(t, correct)
	if fixed.Found {
		t.Fatalf("%s: the correct version failed too:\n%s", name, fixed.Message)
	}
	return found
}

// demoEnv is the environment prefix of the command that replays round
// k of a demo as a failing property.
func demoEnv(k int) string {
	if k == 0 {
		return DemoFailEnv + "=1 "
	}
	return fmt.Sprintf("%s=1 %s=%d ", DemoFailEnv, DemoRoundEnv, k)
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
