package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS02SleepSync: on every explored schedule what S02 reports is
// consistent (a loop done was started, finished no earlier than its sleep
// and before main's exit; Lost is exactly "some loop not done"; main exits
// no earlier than its sleep), and under the all-zero schedule the work is
// lost exactly when main's sleep is not strictly longer than both loops,
// with every time exact.
func TestPropS02SleepSync(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S02SleepSync", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.SleepSyncConfig{
			Loop:  drawMs(rt, "loop", 0, 6000, 1000),
			Loop1: drawMs(rt, "loop1", 0, 6000, 1000),
			Main:  drawMs(rt, "main", 0, 7000, 1000),
		}
		run := func() (scenarios.SleepSyncResult, error) { return scenarios.SleepSync(nil, cfg) }
		res := exploreScenario(rt, cov, run)
		checkSleepSync(rt, cfg, res)

		zero := runZero(rt, run)
		checkSleepSync(rt, cfg, zero)
		if err := zero.CheckAllZero(cfg); err != nil {
			rt.Fatalf("SleepSync(%+v): %v", cfg, err)
		}
	})
}

// checkSleepSync is S02's property: the scenario's own check.
func checkSleepSync(rt *rapid.T, cfg scenarios.SleepSyncConfig, res scenarios.SleepSyncResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("SleepSync(%+v): %v", cfg, err)
	}
}
