package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS17Race: on every explored schedule the locked counter ends at
// exactly N*k; the read-then-write counter (run on the same schedule
// choices) never counts more than N*k, and its Lost is exactly what it
// counted less.
func TestPropS17Race(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S17Race", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.RaceConfig{
			Threads:    rapid.IntRange(1, 4).Draw(rt, "threads"),
			Increments: rapid.IntRange(0, 5).Draw(rt, "increments"),
		}
		res := exploreScenario(rt, cov, func() (scenarios.RaceResult, error) { return scenarios.Race(nil, cfg) })
		checkCounter(rt, cfg, res.Check(cfg))
		rw := exploreScenario(rt, cov, func() (scenarios.RaceResult, error) { return scenarios.ReadThenWriteCounter(nil, cfg) })
		checkCounter(rt, cfg, rw.CheckConsistent(cfg))
	})
}

// checkCounter is S17's property (and, with Check, its demo's): err is the
// scenario's own check, RaceResult.Check or CheckConsistent.
func checkCounter(rt *rapid.T, cfg scenarios.RaceConfig, err error) {
	rt.Helper()
	if err != nil {
		rt.Fatalf("Race(%+v): %v", cfg, err)
	}
}
