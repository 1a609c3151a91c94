package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS04ThreadFunc: on every explored schedule each Join returns only
// after its target returned, every target ran its whole sleep, and "all
// DONE" comes after every Join; under the all-zero schedule each loop
// returns exactly at its sleep and "all DONE" exactly at the longest.
func TestPropS04ThreadFunc(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S04ThreadFunc", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadFunctionConfig{Loops: drawLoops(rt, 4, 5000)}
		run := func() (scenarios.LoopsResult, error) { return scenarios.ThreadFunction(nil, cfg) }
		checkLoops(rt, cfg.Loops, exploreScenario(rt, cov, run), false, "")
		checkLoops(rt, cfg.Loops, runZero(rt, run), true, "")
	})
}

// checkLoops is S04–S06's loops property: the scenarios' own check
// (LoopsResult.Check, each thread named name unless name is ""), and the
// exact times of the all-zero schedule (LoopsResult.CheckAllZero) if exact.
func checkLoops(rt *rapid.T, loops []time.Duration, res scenarios.LoopsResult, exact bool, name string) {
	rt.Helper()
	err := res.Check(loops, name)
	if err == nil && exact {
		err = res.CheckAllZero(loops, 0)
	}
	if err != nil {
		rt.Fatalf("loops %v: %v", loops, err)
	}
}
