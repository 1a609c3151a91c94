package scenarios_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestThreadExitBadParams(t *testing.T) {
	def := scenarios.DefaultThreadExitConfig()
	for _, tc := range []struct {
		param string
		mod   func(c *scenarios.ThreadExitConfig)
	}{
		{"Steps", func(c *scenarios.ThreadExitConfig) { c.Steps = 0 }},
		{"Steps", func(c *scenarios.ThreadExitConfig) { c.Steps = -2 }},
		{"ExitAfter", func(c *scenarios.ThreadExitConfig) { c.ExitAfter = -1 }},
		{"ExitAfter", func(c *scenarios.ThreadExitConfig) { c.ExitAfter = c.Steps + 1 }},
		{"StepTime", func(c *scenarios.ThreadExitConfig) { c.StepTime = -time.Second }},
		{"StopAfter", func(c *scenarios.ThreadExitConfig) { c.StopAfter = -time.Second }},
	} {
		cfg := def
		tc.mod(&cfg)
		_, err := scenarios.ThreadExit(nil, cfg)
		if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
			t.Errorf("ThreadExit(%+v) error = %v; want ErrBadParam naming %s", cfg, err, tc.param)
		}
	}
}

// runThreadExit runs ThreadExit under the all-zero schedule and checks
// S18's invariant (ThreadExitResult.Check).
func runThreadExit(t *testing.T, cfg scenarios.ThreadExitConfig) scenarios.ThreadExitResult {
	t.Helper()
	var res scenarios.ThreadExitResult
	var err error
	if _, runErr := interleave.Run(func() { res, err = scenarios.ThreadExit(nil, cfg) }); runErr != nil {
		t.Fatalf("run: %v", runErr)
	}
	if err != nil {
		t.Fatalf("ThreadExit(%+v) error = %v", cfg, err)
	}
	if err := res.Check(cfg); err != nil {
		t.Errorf("ThreadExit(%+v): %v", cfg, err)
	}
	return res
}

func TestThreadExitDefault(t *testing.T) {
	res := runThreadExit(t, scenarios.DefaultThreadExitConfig())
	if want := []string{"MainThread", "returner", "exiter", "stoppable"}; !slices.Equal(res.RegistryBefore, want) {
		t.Errorf("RegistryBefore = %v; want %v", res.RegistryBefore, want)
	}
	// Check: the returner's 3 steps and the exiter's 1, ExitThread followed
	// by its clean-up and no later step.
	if res.Returner.CleanedUpAt != 3*time.Second || res.Exiter.CleanedUpAt != time.Second {
		t.Errorf("returner = %+v, exiter = %+v; want cleanups at 3s, 1s", res.Returner, res.Exiter)
	}
	if res.Stoppable.Steps != 3 || res.Stoppable.CleanedUpAt != res.StopSetAt || res.StopSetAt != 2500*time.Millisecond {
		t.Errorf("stoppable = %+v, stop set at %v; want 3 steps, cleanup at the stop, 2.5s", res.Stoppable, res.StopSetAt)
	}
	if res.JoinedAt != 3*time.Second {
		t.Errorf("JoinedAt = %v; want 3s", res.JoinedAt)
	}
}

func TestThreadExitEdges(t *testing.T) {
	// ExitThread before any step; the stop before the stoppable thread ran.
	// Check: the exiter takes no step.
	res := runThreadExit(t, scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 0, StepTime: time.Second})
	if res.Stoppable.Steps != 0 {
		t.Errorf("stoppable %d steps; want 0", res.Stoppable.Steps)
	}
	// ExitThread after the last step instead of returning (Check: 2 steps
	// then ExitThread, no return).
	res = runThreadExit(t, scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 2, StepTime: time.Second, StopAfter: 5 * time.Second})
	if res.Stoppable.Steps != 5 {
		t.Errorf("stoppable steps = %d; want 5 (0s..4s, stopped at 5s)", res.Stoppable.Steps)
	}
}

// Real mode (plain goroutines, real time; every duration zero so no test
// waits): ExitThread unwinds a real goroutine the same way, and the threads
// end as S18 says (ThreadExitResult.CheckEnds; the registry holds the
// process's threads, not a model run's).
func TestThreadExitRealMode(t *testing.T) {
	cfg := scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 1}
	res, err := bounded.Call(t, "scenarios.ThreadExit in real mode", func() (scenarios.ThreadExitResult, error) { return scenarios.ThreadExit(nil, cfg) })
	if err != nil {
		t.Fatal(err)
	}
	if err := res.CheckEnds(cfg); err != nil {
		t.Error(err)
	}
}

// TestThreadExitCheckCatchesEachBreak: Check and CheckEnds fail on each
// part of S18's invariant, one broken at a time from a good result.
func TestThreadExitCheckCatchesEachBreak(t *testing.T) {
	s := time.Second
	cfg := scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 1, StepTime: s, StopAfter: s / 2}
	end := func(name string, steps int) scenarios.ThreadEnd {
		return scenarios.ThreadEnd{Name: name, Steps: steps, CleanedUp: true, ListedWhileLive: true}
	}
	good := func() scenarios.ThreadExitResult {
		r := scenarios.ThreadExitResult{
			Returner: end("returner", 2), Exiter: end("exiter", 1), Stoppable: end("stoppable", 1),
			Events: []string{
				"returner: step 0", "exiter: step 0", "stoppable: step 0", "stoppable: stop seen", "stoppable: cleanup",
				"exiter: ExitThread", "exiter: cleanup", "returner: step 1", "returner: return", "returner: cleanup",
			},
			RegistryBefore: []string{"MainThread", "returner", "exiter", "stoppable"},
			RegistryAfter:  []string{"MainThread"},
			StopSetAt:      s / 2, JoinedAt: 2 * s,
		}
		r.Exiter.ExitThread = true
		r.Returner.CleanedUpAt, r.Exiter.CleanedUpAt, r.Stoppable.CleanedUpAt = 2*s, s, s/2
		return r
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.ThreadExitResult){
		"no clean-up":         func(r *scenarios.ThreadExitResult) { r.Exiter.CleanedUp = false },
		"an error":            func(r *scenarios.ThreadExitResult) { r.Stoppable.Err = errors.New("boom") },
		"not listed":          func(r *scenarios.ThreadExitResult) { r.Returner.ListedWhileLive = false },
		"alive after join":    func(r *scenarios.ThreadExitResult) { r.Returner.AliveAfterJoin = true },
		"listed after join":   func(r *scenarios.ThreadExitResult) { r.Exiter.ListedAfterJoin = true },
		"clean-up twice":      func(r *scenarios.ThreadExitResult) { r.Events = append(r.Events, "exiter: cleanup") },
		"step after exit":     func(r *scenarios.ThreadExitResult) { r.Events = append(r.Events, "exiter: step 1") },
		"clean-up not last":   func(r *scenarios.ThreadExitResult) { r.Events[8], r.Events[9] = r.Events[9], r.Events[8] },
		"returner short":      func(r *scenarios.ThreadExitResult) { r.Returner.Steps = 1 },
		"returner exited":     func(r *scenarios.ThreadExitResult) { r.Returner.ExitThread = true },
		"exiter's steps":      func(r *scenarios.ThreadExitResult) { r.Exiter.Steps = 2 },
		"exiter returned":     func(r *scenarios.ThreadExitResult) { r.Exiter.ExitThread = false },
		"stoppable exited":    func(r *scenarios.ThreadExitResult) { r.Stoppable.ExitThread = true },
		"stopped before stop": func(r *scenarios.ThreadExitResult) { r.Stoppable.CleanedUpAt = s / 4 },
		"stop too soon":       func(r *scenarios.ThreadExitResult) { r.StopSetAt, r.Stoppable.CleanedUpAt = s/4, s/4 },
		"joined before stop":  func(r *scenarios.ThreadExitResult) { r.JoinedAt = s / 4 },
		"renamed":             func(r *scenarios.ThreadExitResult) { r.Returner.Name = "other" },
	} {
		r := good()
		breakIt(&r)
		if err := r.CheckEnds(cfg); err == nil {
			t.Errorf("%s: CheckEnds = nil; want an error", name)
		}
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
	for name, breakIt := range map[string]func(*scenarios.ThreadExitResult){
		"thread left":    func(r *scenarios.ThreadExitResult) { r.RegistryAfter = append(r.RegistryAfter, "exiter") },
		"no main before": func(r *scenarios.ThreadExitResult) { r.RegistryBefore = r.RegistryBefore[1:] },
		"no main after":  func(r *scenarios.ThreadExitResult) { r.RegistryAfter = nil },
	} {
		r := good()
		breakIt(&r)
		if err := r.CheckEnds(cfg); err != nil {
			t.Errorf("%s: CheckEnds = %v; want nil (the registry is Check's)", name, err)
		}
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}
