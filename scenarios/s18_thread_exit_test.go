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
	return res
}

// checkEnds checks what holds for every S18 thread on every schedule.
func checkEnds(t *testing.T, res scenarios.ThreadExitResult) {
	t.Helper()
	for _, e := range []scenarios.ThreadEnd{res.Returner, res.Exiter, res.Stoppable} {
		if !e.CleanedUp || !e.ListedWhileLive || e.Err != nil || e.AliveAfterJoin || e.ListedAfterJoin {
			t.Errorf("%s ended as %+v; want cleaned up, listed while live, Err nil, gone after Join", e.Name, e)
		}
	}
	if want := []string{"MainThread"}; !slices.Equal(res.RegistryAfter, want) {
		t.Errorf("RegistryAfter = %v; want %v", res.RegistryAfter, want)
	}
}

func TestThreadExitDefault(t *testing.T) {
	res := runThreadExit(t, scenarios.DefaultThreadExitConfig())
	checkEnds(t, res)
	if want := []string{"MainThread", "returner", "exiter", "stoppable"}; !slices.Equal(res.RegistryBefore, want) {
		t.Errorf("RegistryBefore = %v; want %v", res.RegistryBefore, want)
	}
	if res.Returner.Steps != 3 || res.Returner.ExitThread || res.Returner.CleanedUpAt != 3*time.Second {
		t.Errorf("returner = %+v; want 3 steps, no ExitThread, cleanup at 3s", res.Returner)
	}
	if res.Exiter.Steps != 1 || !res.Exiter.ExitThread || res.Exiter.CleanedUpAt != time.Second {
		t.Errorf("exiter = %+v; want 1 step, ExitThread, cleanup at 1s", res.Exiter)
	}
	if res.Stoppable.Steps != 3 || res.Stoppable.CleanedUpAt != res.StopSetAt || res.StopSetAt != 2500*time.Millisecond {
		t.Errorf("stoppable = %+v, stop set at %v; want 3 steps, cleanup at the stop, 2.5s", res.Stoppable, res.StopSetAt)
	}
	if res.JoinedAt != 3*time.Second {
		t.Errorf("JoinedAt = %v; want 3s", res.JoinedAt)
	}
	// ExitThread stops the thread where it is called: no step after it.
	i := slices.Index(res.Events, "exiter: ExitThread")
	if i < 0 || res.Events[i+1] != "exiter: cleanup" || slices.Contains(res.Events, "exiter: step 1") {
		t.Errorf("events = %v; want exiter's ExitThread followed by its cleanup and no later step", res.Events)
	}
}

func TestThreadExitEdges(t *testing.T) {
	// ExitThread before any step; the stop before the stoppable thread ran.
	res := runThreadExit(t, scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 0, StepTime: time.Second})
	checkEnds(t, res)
	if res.Exiter.Steps != 0 || res.Stoppable.Steps != 0 {
		t.Errorf("exiter %d steps, stoppable %d steps; want 0 and 0", res.Exiter.Steps, res.Stoppable.Steps)
	}
	// ExitThread after the last step instead of returning.
	res = runThreadExit(t, scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 2, StepTime: time.Second, StopAfter: 5 * time.Second})
	checkEnds(t, res)
	if res.Exiter.Steps != 2 || !res.Exiter.ExitThread || slices.Contains(res.Events, "exiter: return") {
		t.Errorf("exiter = %+v; want 2 steps then ExitThread, no return", res.Exiter)
	}
	if res.Stoppable.Steps != 5 {
		t.Errorf("stoppable steps = %d; want 5 (0s..4s, stopped at 5s)", res.Stoppable.Steps)
	}
}

// Real mode (plain goroutines, real time; every duration zero so no test
// waits): ExitThread unwinds a real goroutine the same way.
func TestThreadExitRealMode(t *testing.T) {
	res, err := bounded.Call(t, "scenarios.ThreadExit in real mode", func() (scenarios.ThreadExitResult, error) {
		return scenarios.ThreadExit(nil, scenarios.ThreadExitConfig{Steps: 2, ExitAfter: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []scenarios.ThreadEnd{res.Returner, res.Exiter, res.Stoppable} {
		if !e.CleanedUp || !e.ListedWhileLive || e.Err != nil || e.AliveAfterJoin || e.ListedAfterJoin {
			t.Errorf("%s ended as %+v; want cleaned up, listed while live, Err nil, gone after Join", e.Name, e)
		}
	}
	if res.Exiter.Steps != 1 {
		t.Errorf("exiter steps = %d; want 1", res.Exiter.Steps)
	}
}
