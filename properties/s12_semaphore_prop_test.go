package properties_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS12Semaphore: on every explored schedule the holders never
// exceed the slots (nor the workers), every worker takes and gives back
// exactly one slot, the over-release probe is refused by a
// BoundedSemaphore (ErrOverRelease, the pool keeps its size) and silently
// grows a plain Semaphore by one; a timer fires at most once, never before
// its interval, always if it was not cancelled, and never if it was
// cancelled before its interval ran out.
func TestPropS12Semaphore(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S12Semaphore", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.SemaphoreConfig{
			Slots:            rapid.IntRange(1, 3).Draw(rt, "slots"),
			Threads:          rapid.IntRange(0, 4).Draw(rt, "threads"),
			Work:             drawMs(rt, "work", 0, 2000, 500),
			Bounded:          rapid.Bool().Draw(rt, "bounded"),
			ProbeOverRelease: rapid.Bool().Draw(rt, "probe"),
		}
		for range rapid.IntRange(0, 2).Draw(rt, "timers") {
			spec := scenarios.TimerSpec{Interval: drawMs(rt, "interval", 0, 3000, 500), CancelAfter: -1}
			if rapid.Bool().Draw(rt, "cancel") {
				spec.CancelAfter = drawMs(rt, "cancel after", 0, 3000, 500)
			}
			cfg.Timers = append(cfg.Timers, spec)
		}
		run := func() (scenarios.SemaphoreResult, error) { return scenarios.Semaphore(nil, cfg) }
		checkSemaphore(rt, cfg, exploreScenario(rt, cov, run).Check(cfg))
		zero := runZero(rt, run)
		checkSemaphore(rt, cfg, zero.Check(cfg))
		checkSemaphore(rt, cfg, zero.CheckAllZero(cfg))
	})
}

// checkSemaphore is S12's property (and, with CheckHolders, its demo's):
// err is one of the scenario's own checks.
func checkSemaphore(rt *rapid.T, cfg scenarios.SemaphoreConfig, err error) {
	rt.Helper()
	if err != nil {
		rt.Fatalf("Semaphore(%+v): %v", cfg, err)
	}
}
