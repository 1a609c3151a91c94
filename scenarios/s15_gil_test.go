package scenarios_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestGILBadParams(t *testing.T) {
	for _, tc := range []struct {
		param string
		mod   func(c *scenarios.GILConfig)
	}{
		{"Workload", func(c *scenarios.GILConfig) { c.Workload = 9 }},
		{"Threads", func(c *scenarios.GILConfig) { c.Threads = 0 }},
		{"Tasks", func(c *scenarios.GILConfig) { c.Tasks = -1 }},
		{"CPUBytecodes", func(c *scenarios.GILConfig) { c.CPUBytecodes = -1 }},
		{"IOBytecodes", func(c *scenarios.GILConfig) { c.IOBytecodes = -1 }},
		{"IOTime", func(c *scenarios.GILConfig) { c.IOTime = -time.Second }},
		{"BytecodeTime", func(c *scenarios.GILConfig) { c.BytecodeTime = 0 }},
		{"SwitchInterval", func(c *scenarios.GILConfig) { c.SwitchInterval = 0 }},
	} {
		cfg := scenarios.DefaultGILConfig()
		tc.mod(&cfg)
		_, err := scenarios.GIL(nil, cfg)
		if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
			t.Errorf("GIL(%+v) error = %v; want ErrBadParam naming %s", cfg, err, tc.param)
		}
	}
}

// runGIL runs GIL under the all-zero schedule and checks S15's invariant
// (GILResult.Check).
func runGIL(t *testing.T, cfg scenarios.GILConfig) scenarios.GILResult {
	t.Helper()
	var res scenarios.GILResult
	var err error
	if _, runErr := interleave.Run(func() { res, err = scenarios.GIL(nil, cfg) }); runErr != nil || err != nil {
		t.Fatalf("run: %v, %v", runErr, err)
	}
	if err := res.Check(cfg); err != nil {
		t.Errorf("GIL(%+v): %v", cfg, err)
	}
	return res
}

// The makespans of the all-zero schedule, exact on the virtual clock.
func TestGILMakespans(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		workload   scenarios.Workload
		free       bool
		threads    int
		makespan   time.Duration
		maxRunning int
	}{
		{scenarios.CPUBound, false, 1, 4 * time.Second, 1},
		{scenarios.CPUBound, false, 2, 4 * time.Second, 1},
		{scenarios.CPUBound, false, 4, 4 * time.Second, 1},
		{scenarios.CPUBound, false, 8, 4 * time.Second, 1}, // more threads than tasks
		{scenarios.CPUBound, true, 2, 2 * time.Second, 2},
		{scenarios.CPUBound, true, 4, 1 * time.Second, 4},
		{scenarios.IOBound, false, 1, 4040 * ms, 1},
		{scenarios.IOBound, false, 2, 2030 * ms, 1},
		{scenarios.IOBound, false, 4, 1040 * ms, 1},
		{scenarios.IOBound, true, 4, 1010 * ms, 4},
	} {
		cfg := scenarios.DefaultGILConfig()
		cfg.Workload, cfg.FreeThreaded, cfg.Threads = tc.workload, tc.free, tc.threads
		res := runGIL(t, cfg) // Check: the bytecodes and switches
		if res.Makespan != tc.makespan || res.MaxRunning != tc.maxRunning {
			t.Errorf("GIL(%v, free %v, %d threads) = %+v; want makespan %v, max running %d",
				tc.workload, tc.free, tc.threads, res, tc.makespan, tc.maxRunning)
		}
	}
}

// Every schedule keeps S15's invariant (GILResult.Check): under the GIL
// one thread at a time runs bytecodes, and the CPU-bound makespan never
// beats the total CPU time.
func TestGILExplored(t *testing.T) {
	for _, workload := range []scenarios.Workload{scenarios.CPUBound, scenarios.IOBound} {
		cfg := scenarios.GILConfig{Workload: workload, Threads: 3, Tasks: 3, CPUBytecodes: 4, IOBytecodes: 2,
			IOTime: time.Second, BytecodeTime: time.Millisecond, SwitchInterval: 2}
		cov, err := interleave.Exhaustive(func() {
			res, err := scenarios.GIL(nil, cfg)
			if err == nil {
				err = res.Check(cfg)
			}
			if err != nil {
				panic(err)
			}
		}, 1, interleave.MaxSchedules(500))
		if err != nil {
			t.Fatalf("%v: after %v: %v", workload, cov, err)
		}
	}
}

// Real mode: the simulated GIL on real time (bytecodes of 1µs) still keeps
// S15's invariant: one thread at a time runs bytecodes, 120 of them, with
// 24 switches.
func TestGILRealMode(t *testing.T) {
	cfg := scenarios.GILConfig{Workload: scenarios.CPUBound, Threads: 3, Tasks: 6, CPUBytecodes: 20,
		BytecodeTime: time.Microsecond, SwitchInterval: 5}
	res, err := bounded.Call(t, "scenarios.GIL in real mode", func() (scenarios.GILResult, error) { return scenarios.GIL(nil, cfg) })
	if err == nil {
		err = res.Check(cfg)
	}
	if err != nil {
		t.Errorf("GIL(%+v): %v", cfg, err)
	}
}

// TestGILCheckCatchesEachBreak: Check fails on each part of S15's
// invariant, one broken at a time from a good result, under the GIL and
// without it.
func TestGILCheckCatchesEachBreak(t *testing.T) {
	ms := time.Millisecond
	cfg := scenarios.GILConfig{Workload: scenarios.CPUBound, Threads: 2, Tasks: 3, CPUBytecodes: 4,
		BytecodeTime: ms, SwitchInterval: 3}
	// Thread 0 runs 2 tasks (8 bytecodes, 2 switches), thread 1 one (4, 1).
	good := scenarios.GILResult{Makespan: 12 * ms, Bytecodes: 12, Switches: 3, MaxRunning: 1}
	free := cfg
	free.FreeThreaded = true
	goodFree := scenarios.GILResult{Makespan: 8 * ms, Bytecodes: 12, Switches: 3, MaxRunning: 2}
	ioCfg := cfg
	ioCfg.Workload, ioCfg.IOBytecodes, ioCfg.IOTime = scenarios.IOBound, 4, time.Second
	// Each I/O wait resets the ticks: one switch per task.
	goodIO := scenarios.GILResult{Makespan: 2*time.Second + 8*ms, Bytecodes: 12, Switches: 3, MaxRunning: 1}
	for _, tc := range []struct {
		name string
		cfg  scenarios.GILConfig
		good scenarios.GILResult
	}{{"GIL", cfg, good}, {"free-threaded", free, goodFree}, {"io-bound", ioCfg, goodIO}} {
		if err := tc.good.Check(tc.cfg); err != nil {
			t.Fatalf("%s: Check(good) = %v; want nil", tc.name, err)
		}
		for name, breakIt := range map[string]func(*scenarios.GILResult){
			"bytecode lost":    func(r *scenarios.GILResult) { r.Bytecodes-- },
			"switch lost":      func(r *scenarios.GILResult) { r.Switches-- },
			"switch too many":  func(r *scenarios.GILResult) { r.Switches++ },
			"too many running": func(r *scenarios.GILResult) { r.MaxRunning = 3 },
			"too fast":         func(r *scenarios.GILResult) { r.Makespan = 8*ms - 1 },
		} {
			r := tc.good
			breakIt(&r)
			if err := r.Check(tc.cfg); err == nil {
				t.Errorf("%s, %s: Check = nil; want an error", tc.name, name)
			}
		}
	}
	r := good
	r.MaxRunning = 0
	if err := r.Check(cfg); err == nil {
		t.Errorf("GIL, none running: Check = nil; want an error (exactly one under the GIL)")
	}
	r = good
	r.Makespan = 10 * ms // the busiest thread's share, but not the GIL's total
	if err := r.Check(cfg); err == nil {
		t.Errorf("GIL, below the total CPU time: Check = nil; want an error")
	}
}
