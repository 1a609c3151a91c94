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
		lower := checkGIL(rt, cfg, exploreScenario(rt, cov, run))
		zero := runZero(rt, run)
		checkGIL(rt, cfg, zero)

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
		if (exact && zero.Makespan != want) || zero.Makespan < lower || zero.Makespan > want {
			rt.Fatalf("GIL(%+v).Makespan (all-zero schedule) = %v; want %v (exact %v; lower bound %v)", cfg, zero.Makespan, want, exact, lower)
		}
	})
}

// checkGIL checks what holds on every schedule and returns the makespan's
// lower bound.
func checkGIL(rt *rapid.T, cfg scenarios.GILConfig, res scenarios.GILResult) time.Duration {
	rt.Helper()
	bt := cfg.BytecodeTime
	per, perTask := cfg.CPUBytecodes, time.Duration(cfg.CPUBytecodes)*bt
	if cfg.Workload == scenarios.IOBound {
		per, perTask = cfg.IOBytecodes, time.Duration(cfg.IOBytecodes)*bt+cfg.IOTime
	}
	switches := 0
	k := 0 // the busiest thread's tasks
	for i := range cfg.Threads {
		tasks := cfg.Tasks / cfg.Threads
		if i < cfg.Tasks%cfg.Threads {
			tasks++
		}
		k = max(k, tasks)
		if cfg.Workload == scenarios.CPUBound {
			switches += tasks * per / cfg.SwitchInterval // the ticks run on across a thread's tasks
		} else {
			switches += tasks * (per / cfg.SwitchInterval) // each I/O wait releases the GIL and resets them
		}
	}
	if res.Bytecodes != cfg.Tasks*per || res.Switches != switches {
		rt.Fatalf("GIL(%+v): %d bytecodes, %d switches; want %d, %d", cfg, res.Bytecodes, res.Switches, cfg.Tasks*per, switches)
	}
	maxRunning := min(1, res.Bytecodes)
	if cfg.FreeThreaded {
		maxRunning = min(cfg.Threads, cfg.Tasks)
	}
	if (!cfg.FreeThreaded && res.MaxRunning != maxRunning) || res.MaxRunning > maxRunning {
		rt.Fatalf("GIL(%+v): %d threads ran bytecodes at once; want %d at most (exactly under the GIL)", cfg, res.MaxRunning, maxRunning)
	}
	lower := time.Duration(k) * perTask
	if !cfg.FreeThreaded {
		lower = max(lower, time.Duration(res.Bytecodes)*bt)
	}
	if res.Makespan < lower {
		rt.Fatalf("GIL(%+v).Makespan = %v; want >= %v", cfg, res.Makespan, lower)
	}
	return lower
}
