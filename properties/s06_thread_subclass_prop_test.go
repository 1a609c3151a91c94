package properties_test

import (
	"testing"

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
		checkThreadSubclass(rt, cfg, exploreScenario(rt, cov, run), false)
		checkThreadSubclass(rt, cfg, runZero(rt, run), true)
	})
}

// checkThreadSubclass is S06's property: the scenario's own check
// (ThreadSubclassResult.Check), and the exact times of the all-zero
// schedule (LoopsResult.CheckAllZero) if exact.
func checkThreadSubclass(rt *rapid.T, cfg scenarios.ThreadSubclassConfig, res scenarios.ThreadSubclassResult, exact bool) {
	rt.Helper()
	err := res.Check(cfg)
	if err == nil && exact {
		err = res.CheckAllZero(cfg.Loops, 0)
	}
	if err != nil {
		rt.Fatalf("ThreadSubclass(%+v): %v", cfg, err)
	}
}
