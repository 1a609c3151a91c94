package properties_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS09RLock: on every explored schedule the RLock balances (depth 2
// inside show, 1 back in test, owner none and depth 0 after test, unlocked
// at the end), a non-owner release fails with ErrNotOwner, and one
// thread's lines are never split by another's: each thread prints
// "NAME 0" .. "NAME Loops-1" in one unbroken run.
func TestPropS09RLock(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S09RLock", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.DefaultRLockConfig()
		cfg.Threads = rapid.IntRange(1, 3).Draw(rt, "threads")
		cfg.Loops = rapid.IntRange(0, 3).Draw(rt, "loops")
		cfg.Hold = drawMs(rt, "hold", 0, 200, 50)
		res := exploreScenario(rt, cov, func() (scenarios.RLockResult, error) { return scenarios.RLock(nil, cfg) })
		checkRLock(rt, cfg, res)
	})
}

func checkRLock(rt *rapid.T, cfg scenarios.RLockConfig, res scenarios.RLockResult) {
	rt.Helper()
	if !res.Contiguous() {
		rt.Fatalf("RLock(%+v) lines = %v; want each thread's lines unbroken", cfg, res.Lines)
	}
	if len(res.Observations) != cfg.Threads*cfg.Loops || len(res.Lines) != len(res.Observations) {
		rt.Fatalf("RLock(%+v): %d observations, %d lines; want %d each", cfg, len(res.Observations), len(res.Lines), cfg.Threads*cfg.Loops)
	}
	for k, o := range res.Observations {
		if want := fmt.Sprintf("%s %d", o.Thread, k%max(cfg.Loops, 1)); res.Lines[k] != want || o.I != k%cfg.Loops {
			rt.Fatalf("RLock line %d = %q (i %d); want %q", k, res.Lines[k], o.I, want)
		}
		if o.Depth != 2 || !o.Owned || o.After != 1 {
			rt.Fatalf("RLock show(%d) in %s: depth %d, owned %v, depth after %d; want 2, true, 1", o.I, o.Thread, o.Depth, o.Owned, o.After)
		}
	}
	for _, e := range res.Exits {
		if e.Depth != 0 || e.Owned {
			rt.Fatalf("RLock after test() in %s: depth %d, owned %v; want 0, false", e.Thread, e.Depth, e.Owned)
		}
	}
	if res.Locked || !errors.Is(res.NonOwnerRelease, primitives.ErrNotOwner) {
		rt.Fatalf("RLock at the end: locked %v, non-owner Release = %v; want false, ErrNotOwner", res.Locked, res.NonOwnerRelease)
	}
}
