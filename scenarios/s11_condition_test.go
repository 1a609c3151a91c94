package scenarios_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/scenarios"
)

// tutorialCondLines is the printout the tutorial gives for S11.
var tutorialCondLines = []string{
	"Thread-1 0", "Thread-1 1", "Thread-1 2", "Thread-1 3",
	"Thread-2 0", "Thread-2 1", "Thread-2 2", "Thread-2 3", "Thread-2 4",
	"Thread-1 4",
}

// tc2FirstLines is what WaitForVersion prints when tc2 takes the lock first.
var tc2FirstLines = []string{
	"Thread-2 0", "Thread-2 1", "Thread-2 2", "Thread-2 3", "Thread-2 4",
	"Thread-1 0", "Thread-1 1", "Thread-1 2", "Thread-1 3", "Thread-1 4",
}

type condFunc func(io.Writer, scenarios.ConditionConfig) (scenarios.ConditionResult, error)

var condVersions = map[string]condFunc{
	"Condition": scenarios.Condition, "UnguardedWait": scenarios.UnguardedWait, "WaitForVersion": scenarios.WaitForVersion,
}

func TestConditionBadParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		param string
		edit  func(*scenarios.ConditionConfig)
	}{
		{"Count", func(c *scenarios.ConditionConfig) { c.Count = 0 }},
		{"Count", func(c *scenarios.ConditionConfig) { c.Count = 1001 }},
		{"WaitAt", func(c *scenarios.ConditionConfig) { c.WaitAt = -1 }},
		{"WaitAt", func(c *scenarios.ConditionConfig) { c.WaitAt = 5 }},
		{"Tc1Sleep", func(c *scenarios.ConditionConfig) { c.Tc1Sleep = -1 }},
		{"Tc2Sleep", func(c *scenarios.ConditionConfig) { c.Tc2Sleep = -1 }},
		{"GiveUp", func(c *scenarios.ConditionConfig) { c.GiveUp = 0 }},
	} {
		cfg := scenarios.DefaultConditionConfig()
		tc.edit(&cfg)
		for name, fn := range condVersions {
			_, err := fn(io.Discard, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
				t.Errorf("%s(%+v) = %v, want an ErrBadParam naming %s", name, cfg, err, tc.param)
			}
		}
	}
}

// runCond runs one version of S11 under opts (the all-zero schedule by
// default) and returns its result and the run's error.
func runCond(fn condFunc, cfg scenarios.ConditionConfig, opts ...interleave.Option) (scenarios.ConditionResult, error) {
	var res scenarios.ConditionResult
	var err error
	_, rerr := interleave.Run(func() { res, err = fn(io.Discard, cfg) }, opts...)
	if rerr != nil {
		return res, rerr
	}
	return res, err
}

func TestConditionDefault(t *testing.T) {
	t.Parallel()
	for name, fn := range condVersions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, err := runCond(fn, scenarios.DefaultConditionConfig())
			if err != nil {
				t.Fatal(err)
			}
			// Every version's all-zero schedule has tc1 take the lock
			// first: the guarded handshake, with the tutorial's lines.
			if err := res.Check(scenarios.DefaultConditionConfig()); err != nil {
				t.Error(err)
			}
			if res.Tc1 != "Thread-1" || res.Tc2 != "Thread-2" {
				t.Errorf("threads named %q and %q, want Thread-1 and Thread-2", res.Tc1, res.Tc2)
			}
			// The handshake's virtual times.
			var got []string
			for _, e := range res.Events {
				got = append(got, fmt.Sprintf("%v %s %s %d", e.At, e.Thread, e.What, e.Waiters))
			}
			want := []string{
				"0s Thread-1 acquired 0", "1.2s Thread-1 wait 0",
				"1.2s Thread-2 acquired 0",
				"1.3s Thread-2 notify 1", "1.4s Thread-2 notify 0", "1.5s Thread-2 notify 0",
				"1.6s Thread-2 notify 0", "1.7s Thread-2 notify 0", "1.7s Thread-2 release 0",
				"1.7s Thread-1 woke 0", "2s Thread-1 release 0",
			}
			if !slices.Equal(got, want) {
				t.Errorf("Events =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestConditionEverySchedule enumerates S11's schedules (up to two
// preemptions): the guarded version keeps S11's handshake
// (ConditionResult.Check) on every one of them.
func TestConditionEverySchedule(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultConditionConfig()
	bad := ""
	cov, err := interleave.Exhaustive(func() {
		res, err := scenarios.Condition(io.Discard, cfg)
		if err == nil {
			err = res.Check(cfg)
		}
		if bad == "" && err != nil {
			bad = err.Error()
		}
	}, 2, interleave.MaxSchedules(3000))
	if err != nil {
		t.Fatal(err)
	}
	if bad != "" {
		t.Fatalf("a schedule broke the handshake: %s", bad)
	}
	t.Logf("Condition: %v", cov)
}

// TestUnguardedWaitLostWakeup: the explorer finds the schedule where tc2
// takes the lock first, and reports tc1's endless wait as a deadlock.
func TestUnguardedWaitLostWakeup(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultConditionConfig()
	cov, err := interleave.Exhaustive(func() { _, _ = scenarios.UnguardedWait(io.Discard, cfg) }, 1)
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("Exhaustive = %v (%v), want a deadlock", err, cov)
	}
	msg := err.Error()
	for _, want := range []string{"\n  Thread-1 waits on Condition#1 (Condition.Wait) for a Notify at scenarios/s11_condition.go:", "\n  MainThread waits on Thread-1 (Thread.Join) at scenarios/s11_condition.go:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("deadlock report lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Thread-2 waits") {
		t.Errorf("Thread-2 should have finished:\n%s", msg)
	}
	t.Logf("found after %d schedules:\n%s", cov.Runs(), firstLines(msg, 6))
}

// TestWaitForVersionNeverHangs enumerates the fix's schedules: it never
// deadlocks, keeps S11's invariant (ConditionResult.CheckWaitFor: tc1
// always gets past its wait), and prints either of the two orders.
func TestWaitForVersionNeverHangs(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultConditionConfig()
	bad := ""
	orders := map[string]bool{}
	cov, err := interleave.Exhaustive(func() {
		res, err := scenarios.WaitForVersion(io.Discard, cfg)
		orders[fmt.Sprint(slices.Equal(res.Lines, tutorialCondLines), slices.Equal(res.Lines, tc2FirstLines))] = true
		if err == nil {
			err = res.CheckWaitFor(cfg)
		}
		if bad == "" && err != nil {
			bad = err.Error()
		}
	}, 2, interleave.MaxSchedules(3000))
	if err != nil {
		t.Fatal(err)
	}
	if bad != "" {
		t.Fatalf("a schedule broke the fix: %s", bad)
	}
	if !orders["true false"] || !orders["false true"] {
		t.Errorf("orders seen = %v, want both the tutorial's and tc2 first", orders)
	}
	t.Logf("WaitForVersion: %v", cov)
}

// TestConditionRealMode runs the three versions on real goroutines, with
// no sleeps: the guarded version and the fix keep S11's invariant (the
// tutorial's output or, the fix only, tc2's first); the buggy one either
// prints the tutorial's too or reports the lost wake-up after GiveUp
// instead of hanging.
func TestConditionRealMode(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultConditionConfig()
	cfg.Tc1Sleep, cfg.Tc2Sleep, cfg.GiveUp = 0, 0, 10*time.Millisecond
	for range 20 {
		res, err := bounded.Call(t, "scenarios.Condition in real mode", func() (scenarios.ConditionResult, error) { return scenarios.Condition(io.Discard, cfg) })
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			t.Fatalf("Condition: %v", err)
		}
		res, err = bounded.Call(t, "scenarios.WaitForVersion in real mode", func() (scenarios.ConditionResult, error) { return scenarios.WaitForVersion(io.Discard, cfg) })
		if err == nil {
			err = res.CheckWaitFor(cfg)
		}
		if err != nil {
			t.Fatalf("WaitForVersion: %v", err)
		}
		res, err = bounded.Call(t, "scenarios.UnguardedWait in real mode", func() (scenarios.ConditionResult, error) { return scenarios.UnguardedWait(io.Discard, cfg) })
		switch {
		case err == nil && res.Woke && slices.Equal(modelNames(res), tutorialCondLines):
		case errors.Is(err, interleave.ErrDeadlock) && !res.Woke && strings.Contains(err.Error(), "Condition.Wait"):
			t.Logf("real mode lost the wake-up: %v", err)
		default:
			t.Fatalf("UnguardedWait = %q, woke %v, %v", res.Lines, res.Woke, err)
		}
	}
}

// modelNames returns res.Lines with the real-mode thread names replaced by
// the names the threads have in a model run.
func modelNames(res scenarios.ConditionResult) []string {
	r := strings.NewReplacer(res.Tc1+" ", "Thread-1 ", res.Tc2+" ", "Thread-2 ")
	out := make([]string, len(res.Lines))
	for i, l := range res.Lines {
		out[i] = r.Replace(l)
	}
	return out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestConditionCheckCatchesEachBreak: Check and CheckWaitFor fail on each
// part of S11's invariants, one broken at a time from a good result.
func TestConditionCheckCatchesEachBreak(t *testing.T) {
	t.Parallel()
	cfg := scenarios.ConditionConfig{Count: 2, WaitAt: 0, GiveUp: time.Second}
	ev := func(thread, what string, waiters int) scenarios.ConditionEvent {
		return scenarios.ConditionEvent{Thread: thread, What: what, Waiters: waiters}
	}
	good := func() scenarios.ConditionResult {
		return scenarios.ConditionResult{
			Tc1: "T1", Tc2: "T2",
			Lines: []string{"T1 0", "T2 0", "T2 1", "T1 1"},
			Events: []scenarios.ConditionEvent{
				ev("T1", "acquired", 0), ev("T1", "wait", 0), ev("T2", "acquired", 0), ev("T2", "notify", 1),
				ev("T2", "notify", 0), ev("T2", "release", 0), ev("T1", "woke", 0), ev("T1", "release", 0),
			},
			Waited: true, Woke: true, Notifies: 2, Heard: 1,
		}
	}
	tc2First := func() scenarios.ConditionResult {
		return scenarios.ConditionResult{
			Tc1: "T1", Tc2: "T2",
			Lines: []string{"T2 0", "T2 1", "T1 0", "T1 1"},
			Events: []scenarios.ConditionEvent{
				ev("T2", "acquired", 0), ev("T2", "notify", 0), ev("T2", "notify", 0), ev("T2", "release", 0),
				ev("T1", "acquired", 0), ev("T1", "woke", 0), ev("T1", "release", 0),
			},
			Woke: true, Notifies: 2,
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	if err := good().CheckWaitFor(cfg); err != nil {
		t.Fatalf("CheckWaitFor(good) = %v; want nil", err)
	}
	if err := tc2First().CheckWaitFor(cfg); err != nil {
		t.Fatalf("CheckWaitFor(tc2 first) = %v; want nil", err)
	}
	if err := tc2First().Check(cfg); err == nil {
		t.Errorf("Check(tc2 first) = nil; want an error (not the guarded handshake)")
	}
	for name, breakIt := range map[string]func(*scenarios.ConditionResult){
		"never woke":       func(r *scenarios.ConditionResult) { r.Woke = false },
		"one notify":       func(r *scenarios.ConditionResult) { r.Notifies = 1 },
		"lines split":      func(r *scenarios.ConditionResult) { r.Lines[2], r.Lines[3] = r.Lines[3], r.Lines[2] },
		"event missing":    func(r *scenarios.ConditionResult) { r.Events = append(r.Events[:4], r.Events[5:]...) },
		"woke too soon":    func(r *scenarios.ConditionResult) { r.Events[5], r.Events[6] = r.Events[6], r.Events[5] },
		"notify unheard":   func(r *scenarios.ConditionResult) { r.Events[3].Waiters = 0 },
		"did not wait":     func(r *scenarios.ConditionResult) { r.Waited = false },
		"heard twice":      func(r *scenarios.ConditionResult) { r.Heard = 2 },
		"woke in the past": func(r *scenarios.ConditionResult) { r.Events[5].At = time.Second },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
		if err := r.CheckWaitFor(cfg); err == nil {
			t.Errorf("%s: CheckWaitFor = nil; want an error", name)
		}
	}
	for name, breakIt := range map[string]func(*scenarios.ConditionResult){
		"never woke":   func(r *scenarios.ConditionResult) { r.Woke = false },
		"one notify":   func(r *scenarios.ConditionResult) { r.Notifies = 1 },
		"waited":       func(r *scenarios.ConditionResult) { r.Waited = true },
		"heard":        func(r *scenarios.ConditionResult) { r.Heard = 1 },
		"tc1's first":  func(r *scenarios.ConditionResult) { r.Lines[0], r.Lines[2] = r.Lines[2], r.Lines[0] },
		"line missing": func(r *scenarios.ConditionResult) { r.Lines = r.Lines[:3] },
	} {
		r := tc2First()
		breakIt(&r)
		if err := r.CheckWaitFor(cfg); err == nil {
			t.Errorf("tc2 first, %s: CheckWaitFor = nil; want an error", name)
		}
	}
}
