package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS15GIL: on every explored schedule at most one thread runs
// bytecodes under the GIL (exactly one when there are bytecodes), the
// bytecodes and switch-interval releases are exactly what the tasks make,
// and the makespan is never below the work's lower bound (the total CPU time
// under the GIL; each thread's own share). Under the all-zero schedule the
// makespans are exact: CPU-bound under the GIL takes the total CPU time
// whatever the number of threads; free-threaded it shrinks to the busiest
// thread's share; I/O-bound shrinks about N times even under the GIL.
func TestPropS15GIL(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S15GIL", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.GILConfig{
			Workload:       rapid.SampledFrom([]scenarios.Workload{scenarios.CPUBound, scenarios.IOBound}).Draw(rt, "workload"),
			Threads:        rapid.IntRange(1, 3).Draw(rt, "threads"),
			Tasks:          rapid.IntRange(0, 4).Draw(rt, "tasks"),
			CPUBytecodes:   rapid.IntRange(0, 12).Draw(rt, "cpu bytecodes"),
			IOBytecodes:    rapid.IntRange(0, 4).Draw(rt, "io bytecodes"),
			IOTime:         drawMs(rt, "io time", 0, 1000, 250),
			BytecodeTime:   time.Millisecond,
			SwitchInterval: rapid.IntRange(1, 6).Draw(rt, "switch interval"),
			FreeThreaded:   rapid.Bool().Draw(rt, "free-threaded"),
		}
		run := func() (scenarios.GILResult, error) { return scenarios.GIL(nil, cfg) }
		checkGIL(rt, cfg, exploreScenario(rt, cov, run))
		zero := runZero(rt, run)
		checkGIL(rt, cfg, zero) // and so the makespan's lower bound

		k := time.Duration((cfg.Tasks + cfg.Threads - 1) / cfg.Threads) // the busiest thread's tasks
		bt := cfg.BytecodeTime
		var want time.Duration
		exact := true
		switch {
		case cfg.Workload == scenarios.CPUBound && !cfg.FreeThreaded:
			want = time.Duration(cfg.Tasks*cfg.CPUBytecodes) * bt
		case cfg.Workload == scenarios.CPUBound:
			want = k * time.Duration(cfg.CPUBytecodes) * bt
		case cfg.FreeThreaded:
			want = k * (time.Duration(cfg.IOBytecodes)*bt + cfg.IOTime)
		default: // I/O-bound under the GIL: at most N-1 other tasks' bytecodes delay each of the busiest thread's tasks
			exact = false
			want = k * (cfg.IOTime + time.Duration(cfg.Threads*cfg.IOBytecodes)*bt)
		}
		if (exact && zero.Makespan != want) || zero.Makespan > want {
			rt.Fatalf("GIL(%+v).Makespan (all-zero schedule) = %v; want %v (exact %v)", cfg, zero.Makespan, want, exact)
		}
	})
}

// checkGIL is S15's property: the scenario's own check.
func checkGIL(rt *rapid.T, cfg scenarios.GILConfig, res scenarios.GILResult) {
	rt.Helper()
	if err := res.Check(cfg); err != nil {
		rt.Fatalf("GIL(%+v): %v", cfg, err)
	}
}
