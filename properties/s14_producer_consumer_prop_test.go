package properties_test

import (
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

// checkProducerConsumer is S14's property (and its demo's): the
// scenario's own check.
func checkProducerConsumer(rt *rapid.T, cfg scenarios.ProducerConsumerConfig, res scenarios.ProducerConsumerResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("ProducerConsumer(%+v): %v", cfg, err)
	}
}
