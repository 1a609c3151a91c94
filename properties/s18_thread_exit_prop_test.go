package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS18ThreadExit: on every explored schedule each of the three
// threads (returning, ExitThread in the middle, stopped cooperatively)
// runs its deferred clean-up exactly once, as its last event, ends without
// an error, is listed by Enumerate while it runs and is neither alive nor
// listed once joined; the exiter takes exactly ExitAfter steps and nothing
// after ExitThread runs; the returner takes every step; the stoppable
// thread stops only once the stop was set.
func TestPropS18ThreadExit(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S18ThreadExit", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadExitConfig{
			Steps:     rapid.IntRange(1, 4).Draw(rt, "steps"),
			StepTime:  drawMs(rt, "step time", 250, 1000, 250), // > 0: the stoppable thread's wait must let time pass
			StopAfter: drawMs(rt, "stop after", 0, 3000, 250),
		}
		cfg.ExitAfter = rapid.IntRange(0, cfg.Steps).Draw(rt, "exit after")
		res := exploreScenario(rt, cov, func() (scenarios.ThreadExitResult, error) { return scenarios.ThreadExit(nil, cfg) })
		if err := res.Check(cfg); err != nil {
			rt.Fatalf("ThreadExit(%+v): %v", cfg, err)
		}
	})
}
