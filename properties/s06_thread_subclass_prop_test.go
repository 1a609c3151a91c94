package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS06ThreadSubclass: S04's invariants, and every result is there
// when main reads it after Join, with the loop's value, read no earlier
// than the Join returned.
func TestPropS06ThreadSubclass(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S06ThreadSubclass", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadSubclassConfig{Loops: drawLoops(rt, 4, 5000)}
		run := func() (scenarios.ThreadSubclassResult, error) { return scenarios.ThreadSubclass(nil, cfg) }
		res := exploreScenario(rt, cov, run)
		checkLoops(rt, cfg.Loops, res.LoopsResult, false, "loop")
		checkResults(rt, cfg.Loops, res)
		zero := runZero(rt, run)
		checkLoops(rt, cfg.Loops, zero.LoopsResult, true, "loop")
		checkResults(rt, cfg.Loops, zero)
	})
}

// checkResults asserts that main saw every thread's result, the loop's
// sleep, no earlier than its Join returned.
func checkResults(rt *rapid.T, loops []time.Duration, res scenarios.ThreadSubclassResult) {
	rt.Helper()
	for i, d := range loops {
		if !res.SawResult[i] || res.Results[i] != d {
			rt.Fatalf("GetResult of thread %d = %v, %v; want %v, true", i, res.Results[i], res.SawResult[i], d)
		}
		if res.Loops[i].Joined && res.ReadAt[i] < res.Loops[i].JoinedAt {
			rt.Fatalf("thread %d: result read at %v; want no earlier than its Join, %v", i, res.ReadAt[i], res.Loops[i].JoinedAt)
		}
	}
}
