package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS13Daemon: on every explored schedule process exit waits for
// every non-daemon thread (each worker and the helper it started, which
// inherits its flag) and for no daemon (only daemons are alive at exit, and
// only daemons are unwound once the run ended); helpers and heartbeats
// inherit their creator's flag; setting the flag after start is refused with
// ErrThreadState; exit comes no earlier than the longest helper's work.
func TestPropS13Daemon(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S13Daemon", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.DaemonConfig{
			Workers:  rapid.IntRange(0, 2).Draw(rt, "workers"),
			Daemons:  rapid.IntRange(0, 2).Draw(rt, "daemons"),
			Work:     drawMs(rt, "work", 200, 2000, 200),
			Requests: rapid.IntRange(0, 3).Draw(rt, "requests"),
		}
		res := exploreScenario(rt, cov, func() (scenarios.DaemonResult, error) { return scenarios.Daemon(nil, cfg) })
		// The run has ended: every daemon still alive at exit was unwound.
		if err := res.Check(cfg); err != nil {
			rt.Fatalf("Daemon(%+v): %v", cfg, err)
		}
	})
}
