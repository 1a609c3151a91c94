package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS09RLock: on every explored schedule the RLock balances (depth 2
// inside show, 1 back in test, owner none and depth 0 after test, unlocked
// at the end), a non-owner release fails with ErrNotOwner, and one
// thread's lines are never split by another's: each thread prints
// "NAME 0" .. "NAME Loops-1" in one unbroken run.
func TestPropS09RLock(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S09RLock", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.DefaultRLockConfig()
		cfg.Threads = rapid.IntRange(1, 3).Draw(rt, "threads")
		cfg.Loops = rapid.IntRange(0, 3).Draw(rt, "loops")
		cfg.Hold = drawMs(rt, "hold", 0, 200, 50)
		res := exploreScenario(rt, cov, func() (scenarios.RLockResult, error) { return scenarios.RLock(nil, cfg) })
		checkRLock(rt, cfg, res)
	})
}

// checkRLock is S09's property (and its demo's): the scenario's own check.
func checkRLock(rt *rapid.T, cfg scenarios.RLockConfig, res scenarios.RLockResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("RLock(%+v): %v", cfg, err)
	}
}
