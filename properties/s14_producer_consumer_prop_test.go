package properties_test

import (
	"slices"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS14ProducerConsumer: on every explored schedule no item is lost
// or duplicated (the readers' items are exactly 0..Items-1), each reader
// gets its items in FIFO order (one reader gets them in put order), 0 <=
// qsize <= maxsize at every print, nothing is left, no act fails, and both
// sides finish.
func TestPropS14ProducerConsumer(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S14ProducerConsumer", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ProducerConsumerConfig{
			Seed:       rapid.Uint64().Draw(rt, "seed"),
			MinItems:   rapid.IntRange(0, 4).Draw(rt, "min items"),
			QueueSize:  rapid.IntRange(0, 3).Draw(rt, "queue size"),
			Readers:    rapid.IntRange(1, 3).Draw(rt, "readers"),
			WriteSleep: rapid.IntRange(0, 2).Draw(rt, "write sleep"),
		}
		cfg.MaxItems = cfg.MinItems + rapid.IntRange(0, 3).Draw(rt, "more items")
		cfg.MinReadSleep = rapid.IntRange(0, 2).Draw(rt, "min read sleep")
		cfg.MaxReadSleep = cfg.MinReadSleep + rapid.IntRange(0, 2).Draw(rt, "more read sleep")
		res := exploreScenario(rt, cov, func() (scenarios.ProducerConsumerResult, error) {
			return scenarios.ProducerConsumer(nil, cfg)
		})
		checkProducerConsumer(rt, cfg, res)
	})
}

// checkProducerConsumer is S14's property (and its demo's).
func checkProducerConsumer(rt *rapid.T, cfg scenarios.ProducerConsumerConfig, res scenarios.ProducerConsumerResult) {
	rt.Helper()
	if len(res.Failures) > 0 || res.Left != 0 {
		rt.Fatalf("failures = %v, %d items left; want none, 0", res.Failures, res.Left)
	}
	if res.Items < cfg.MinItems || res.Items > cfg.MaxItems {
		rt.Fatalf("Items = %d; want %d..%d", res.Items, cfg.MinItems, cfg.MaxItems)
	}
	var all []int
	for i, got := range res.Got {
		if !slices.IsSorted(got) {
			rt.Fatalf("reader %d got %v; want FIFO order", i, got)
		}
		all = append(all, got...)
	}
	slices.Sort(all)
	want := make([]int, res.Items)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(all, want) || !slices.Equal(res.Put, want) {
		rt.Fatalf("put %v, got (sorted) %v; want %v each: no item lost or duplicated", res.Put, all, want)
	}
	if cfg.Readers == 1 && !slices.Equal(res.Got[0], res.Put) {
		rt.Fatalf("the reader got %v; want the put order %v", res.Got[0], res.Put)
	}
	if res.MinQsize < 0 || res.MinQsize > res.MaxQsize || (cfg.QueueSize > 0 && res.MaxQsize > cfg.QueueSize) {
		rt.Fatalf("qsize in [%d, %d]; want within [0, %d]", res.MinQsize, res.MaxQsize, cfg.QueueSize)
	}
}
