package scenarios_test

import (
	"errors"
	"fmt"
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

func runGIL(t *testing.T, cfg scenarios.GILConfig) scenarios.GILResult {
	t.Helper()
	var res scenarios.GILResult
	var err error
	if _, runErr := interleave.Run(func() { res, err = scenarios.GIL(nil, cfg) }); runErr != nil || err != nil {
		t.Fatalf("run: %v, %v", runErr, err)
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
		res := runGIL(t, cfg)
		bytecodes, switches := 4*cfg.CPUBytecodes, 4*cfg.CPUBytecodes/cfg.SwitchInterval
		if tc.workload == scenarios.IOBound {
			bytecodes, switches = 4*cfg.IOBytecodes, 0
		}
		if res.Makespan != tc.makespan || res.MaxRunning != tc.maxRunning || res.Bytecodes != bytecodes || res.Switches != switches {
			t.Errorf("GIL(%v, free %v, %d threads) = %+v; want makespan %v, max running %d, %d bytecodes, %d switches",
				tc.workload, tc.free, tc.threads, res, tc.makespan, tc.maxRunning, bytecodes, switches)
		}
	}
}

// Under the GIL at most one thread runs bytecodes on every schedule, and
// the CPU-bound makespan never beats the total CPU time.
func TestGILExplored(t *testing.T) {
	for _, workload := range []scenarios.Workload{scenarios.CPUBound, scenarios.IOBound} {
		cfg := scenarios.GILConfig{Workload: workload, Threads: 3, Tasks: 3, CPUBytecodes: 4, IOBytecodes: 2,
			IOTime: time.Second, BytecodeTime: time.Millisecond, SwitchInterval: 2}
		cov, err := interleave.Exhaustive(func() {
			res, err := scenarios.GIL(nil, cfg)
			switch {
			case err != nil:
				panic(err)
			case res.MaxRunning != 1:
				panic(fmt.Sprintf("%d threads ran bytecodes at once under the GIL", res.MaxRunning))
			case workload == scenarios.CPUBound && res.Makespan < 12*time.Millisecond:
				panic(fmt.Sprintf("makespan %v < 12ms of CPU", res.Makespan))
			}
		}, 1, interleave.MaxSchedules(500))
		if err != nil {
			t.Fatalf("%v: after %v: %v", workload, cov, err)
		}
	}
}

// Real mode: the simulated GIL on real time (bytecodes of 1µs) still lets
// one thread at a time run bytecodes.
func TestGILRealMode(t *testing.T) {
	cfg := scenarios.GILConfig{Workload: scenarios.CPUBound, Threads: 3, Tasks: 6, CPUBytecodes: 20,
		BytecodeTime: time.Microsecond, SwitchInterval: 5}
	res, err := bounded.Call(t, "scenarios.GIL in real mode", func() (scenarios.GILResult, error) { return scenarios.GIL(nil, cfg) })
	if err != nil || res.MaxRunning != 1 || res.Bytecodes != 120 || res.Switches != 24 {
		t.Errorf("GIL(%+v) = %+v, %v; want 1 running at most, 120 bytecodes, 24 switches", cfg, res, err)
	}
}
