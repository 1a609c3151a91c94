package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS10Event: on every explored schedule every signal is seen
// (Event checks that the last set was consumed), each wait() returns only
// once its set happened, and the final wait(timeout) on the unset event
// returns false after exactly the timeout (the waiter has ended: main is
// alone, so no delay can stretch it).
func TestPropS10Event(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S10Event", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.EventConfig{
			Signals:  rapid.IntRange(1, 4).Draw(rt, "signals"),
			Interval: drawMs(rt, "interval", 100, 2000, 100),
			Timeout:  drawMs(rt, "timeout", 100, 1000, 100),
		}
		res := exploreScenario(rt, cov, func() (scenarios.EventResult, error) { return scenarios.Event(nil, cfg) })
		checkEvent(rt, cfg, res)
	})
}

// checkEvent is the property of S10: the scenario's own check.
func checkEvent(rt *rapid.T, cfg scenarios.EventConfig, res scenarios.EventResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("Event(%+v): %v", cfg, err)
	}
}
