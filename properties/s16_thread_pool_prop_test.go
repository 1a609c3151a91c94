package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS16ThreadPool: on every explored schedule, with either shutdown,
// every item is consumed exactly once (each worker in FIFO order), every
// worker exits exactly once, and join() returns only when every item is
// done.
func TestPropS16ThreadPool(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S16ThreadPool", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadPoolConfig{
			Workers:   rapid.IntRange(1, 3).Draw(rt, "workers"),
			Items:     rapid.IntRange(0, 6).Draw(rt, "items"),
			QueueSize: rapid.IntRange(0, 3).Draw(rt, "queue size"),
			Work:      drawMs(rt, "work", 0, 1000, 250),
			Mode:      rapid.SampledFrom([]scenarios.ShutdownMode{scenarios.ShutdownSentinel, scenarios.ShutdownJoin}).Draw(rt, "mode"),
		}
		res := exploreScenario(rt, cov, func() (scenarios.ThreadPoolResult, error) { return scenarios.ThreadPool(nil, cfg) })
		checkThreadPool(rt, cfg, res)
	})
}

// checkThreadPool is S16's property (and its demo's): the scenario's own
// check.
func checkThreadPool(rt *rapid.T, cfg scenarios.ThreadPoolConfig, res scenarios.ThreadPoolResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("ThreadPool(%+v): %v", cfg, err)
	}
}
