package properties_test

import (
	"testing"
	"time"

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

// checkEvent is the property of S10: every set seen, in order, and the
// final wait times out.
func checkEvent(rt *rapid.T, cfg scenarios.EventConfig, res scenarios.EventResult) {
	rt.Helper()
	if res.Sent != cfg.Signals || res.Seen != res.Sent || res.Lost() != 0 {
		rt.Fatalf("Event(%+v): sent %d, seen %d; want %d each (no signal lost)", cfg, res.Sent, res.Seen, cfg.Signals)
	}
	for k := range res.SeenAt {
		if after := cfg.Interval * time.Duration(k+1); res.SeenAt[k] < res.SetAt[k] || res.SetAt[k] < after {
			rt.Fatalf("Event(%+v) signal %d: set at %v, wait returned at %v; want the wait after the set, the set after %v",
				cfg, k, res.SetAt[k], res.SeenAt[k], after)
		}
	}
	if len(res.Lines) == 0 || !res.TimedOut || res.Waited != cfg.Timeout || res.Lines[len(res.Lines)-1] != "False" {
		rt.Fatalf("Event(%+v) final wait(timeout): timed out %v after %v, printed %q; want true after %v, \"False\"",
			cfg, res.TimedOut, res.Waited, res.Lines[len(res.Lines)-1], cfg.Timeout)
	}
}
