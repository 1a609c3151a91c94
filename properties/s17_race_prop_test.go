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
		checkCounter(rt, cfg, res)
		rw := exploreScenario(rt, cov, func() (scenarios.RaceResult, error) { return scenarios.ReadThenWriteCounter(nil, cfg) })
		if want := cfg.Threads * cfg.Increments; rw.Want != want || rw.Counter > want || rw.Lost != want-rw.Counter ||
			(cfg.Increments > 0 && rw.Counter < 1) {
			rt.Fatalf("ReadThenWriteCounter(%+v) = %+v; want counter in 1..%d, Lost = %d - counter", cfg, rw, want, want)
		}
	})
}

// checkCounter is S17's property (and its demo's): no update lost.
func checkCounter(rt *rapid.T, cfg scenarios.RaceConfig, res scenarios.RaceResult) {
	rt.Helper()
	if want := cfg.Threads * cfg.Increments; res.Counter != want || res.Want != want || res.Lost != 0 {
		rt.Fatalf("counter = %d (lost %d); want %d", res.Counter, res.Lost, want)
	}
}
