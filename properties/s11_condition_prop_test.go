package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS11Condition: on every explored schedule the guarded handshake
// prints the tutorial's order (tc1 0..WaitAt, tc2 0..Count-1, tc1 the rest)
// and follows it exactly: tc1 acquires and waits, tc2 acquires, notifies
// Count times (the first notify finds one waiter, the others none: notify
// took tc1 off the waiters), releases, and only then tc1 wakes — after the
// notify and after the notifier released the lock. WaitForVersion never
// hangs, and prints the tutorial's order whenever tc1 took the lock first.
func TestPropS11Condition(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S11Condition", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.DefaultConditionConfig()
		cfg.Count = rapid.IntRange(1, 5).Draw(rt, "count")
		cfg.WaitAt = rapid.IntRange(0, cfg.Count-1).Draw(rt, "wait at")
		cfg.Tc1Sleep = drawMs(rt, "tc1 sleep", 0, 500, 100)
		cfg.Tc2Sleep = drawMs(rt, "tc2 sleep", 0, 500, 100)
		waitFor := rapid.Bool().Draw(rt, "wait_for version")
		run := scenarios.Condition
		if waitFor {
			run = scenarios.WaitForVersion
		}
		res := exploreScenario(rt, cov, func() (scenarios.ConditionResult, error) { return run(nil, cfg) })
		check := res.Check
		if waitFor {
			check = res.CheckWaitFor
		}
		checkCondition(rt, cfg, check(cfg))
	})
}

// checkCondition is S11's property (and its demo's): err is the scenario's
// own check, ConditionResult.Check or CheckWaitFor.
func checkCondition(rt *rapid.T, cfg scenarios.ConditionConfig, err error) {
	rt.Helper()
	if err != nil {
		rt.Fatalf("Condition(%+v): %v", cfg, err)
	}
}
