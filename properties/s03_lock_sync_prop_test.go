package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS03LockSync: on every explored schedule main prints "all DONE"
// only after every loop released its lock (every loop returned, no later
// than main's exit and no earlier than its sleep) and without giving up;
// under the all-zero schedule "all DONE" comes at the first multiple of the
// poll interval strictly after the longest loop.
func TestPropS03LockSync(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S03LockSync", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.LockSyncConfig{
			Loops:        drawLoops(rt, 3, 4000),
			PollInterval: drawMs(rt, "poll", 100, 1000, 100),
		}
		run := func() (scenarios.LockSyncResult, error) { return scenarios.LockSync(nil, cfg) }
		res := exploreScenario(rt, cov, run)
		checkLockSync(rt, cfg, res)

		zero := runZero(rt, run)
		checkLockSync(rt, cfg, zero)
		longest := maxDuration(cfg.Loops)
		want := time.Duration(0)
		if len(cfg.Loops) > 0 {
			want = (longest/cfg.PollInterval + 1) * cfg.PollInterval
		}
		if zero.AllDoneAt != want {
			rt.Fatalf("LockSync(%+v).AllDoneAt (all-zero schedule) = %v; want %v (first poll after %v)", cfg, zero.AllDoneAt, want, longest)
		}
	})
}

// checkLockSync is S03's property: the scenario's own check.
func checkLockSync(rt *rapid.T, cfg scenarios.LockSyncConfig, res scenarios.LockSyncResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("LockSync(%+v): %v", cfg, err)
	}
}
