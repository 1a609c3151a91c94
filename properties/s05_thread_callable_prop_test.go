package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS05ThreadCallable: S04's invariants with a ThreadFunc as the
// target, and every thread carries the ThreadFunc's name, "loop".
func TestPropS05ThreadCallable(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S05ThreadCallable", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadCallableConfig{Loops: drawLoops(rt, 4, 5000)}
		run := func() (scenarios.LoopsResult, error) { return scenarios.ThreadCallable(nil, cfg) }
		checkLoops(rt, cfg.Loops, exploreScenario(rt, cov, run), false, "loop")
		checkLoops(rt, cfg.Loops, runZero(rt, run), true, "loop")
	})
}
