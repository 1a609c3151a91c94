package properties_test

import (
	"slices"
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

// checkThreadPool is S16's property (and its demo's).
func checkThreadPool(rt *rapid.T, cfg scenarios.ThreadPoolConfig, res scenarios.ThreadPoolResult) {
	rt.Helper()
	for i, c := range res.Counts {
		if c != 1 {
			rt.Fatalf("item %d consumed %d times; want once", i, c)
		}
	}
	n := 0
	for w, items := range res.ByWorker {
		if !slices.IsSorted(items) {
			rt.Fatalf("worker %d consumed %v; want FIFO order", w, items)
		}
		n += len(items)
	}
	if len(res.Counts) != cfg.Items || n != cfg.Items || res.DoneAtJoin != cfg.Items {
		rt.Fatalf("ThreadPool(%+v): %d items counted, %d consumed, %d done when join() returned; want %d each",
			cfg, len(res.Counts), n, res.DoneAtJoin, cfg.Items)
	}
	exited := slices.Sorted(slices.Values(res.Exited))
	if want := slices.Sorted(slices.Values(res.Workers)); len(res.Workers) != cfg.Workers || !slices.Equal(exited, want) {
		rt.Fatalf("ThreadPool(%+v): workers exited %v; want each of %v once", cfg, res.Exited, res.Workers)
	}
}
