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
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestRLockBadParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		param string
		edit  func(*scenarios.RLockConfig)
	}{
		{"Threads", func(c *scenarios.RLockConfig) { c.Threads = 0 }},
		{"Threads", func(c *scenarios.RLockConfig) { c.Threads = 101 }},
		{"Loops", func(c *scenarios.RLockConfig) { c.Loops = -1 }},
		{"Loops", func(c *scenarios.RLockConfig) { c.Loops = 1001 }},
		{"Hold", func(c *scenarios.RLockConfig) { c.Hold = -time.Second }},
		{"GiveUp", func(c *scenarios.RLockConfig) { c.GiveUp = 0 }},
	} {
		cfg := scenarios.DefaultRLockConfig()
		tc.edit(&cfg)
		for name, fn := range map[string]func(io.Writer, scenarios.RLockConfig) (scenarios.RLockResult, error){
			"RLock": scenarios.RLock, "NestedPlainLock": scenarios.NestedPlainLock,
		} {
			_, err := fn(io.Discard, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
				t.Errorf("%s(%+v) = %v, want an ErrBadParam naming %s", name, cfg, err, tc.param)
			}
		}
	}
}

// runRLock runs S09 under the all-zero schedule and checks S09's
// invariant (RLockResult.Check).
func runRLock(t *testing.T, cfg scenarios.RLockConfig) scenarios.RLockResult {
	t.Helper()
	var res scenarios.RLockResult
	var err error
	if _, rerr := interleave.Run(func() { res, err = scenarios.RLock(io.Discard, cfg) }); rerr != nil {
		t.Fatalf("run failed: %v", rerr)
	}
	if err != nil {
		t.Fatalf("RLock: %v", err)
	}
	if err := res.Check(cfg); err != nil {
		t.Fatalf("RLock(%+v): %v", cfg, err)
	}
	return res
}

func TestRLockDefault(t *testing.T) {
	t.Parallel()
	res := runRLock(t, scenarios.DefaultRLockConfig())
	want := []string{"Thread-1 0", "Thread-1 1", "Thread-1 2", "Thread-2 0", "Thread-2 1", "Thread-2 2"}
	if !slices.Equal(res.Lines, want) {
		t.Errorf("Lines = %q, want %q", res.Lines, want)
	}
	for k, o := range res.Observations {
		if wantAt := time.Duration(k) * 100 * time.Millisecond; o.At != wantAt {
			t.Errorf("observation %d printed at %v, want %v (each show holds the lock 0.1 s)", k, o.At, wantAt)
		}
	}
	for k, e := range res.Exits {
		if e.Thread != []string{"Thread-1", "Thread-2"}[k] {
			t.Errorf("exit %d = %+v, want Thread-%d", k, e, k+1)
		}
	}
}

func TestRLockManyThreadsContiguous(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultRLockConfig()
	cfg.Threads, cfg.Loops = 4, 5
	runRLock(t, cfg) // 20 lines, each thread's unbroken
}

// TestRLockRealMode runs S09 on real goroutines (no sleep inside show, so
// it takes no wall time): it still keeps S09's invariant, unbroken and
// balanced.
func TestRLockRealMode(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultRLockConfig()
	cfg.Threads, cfg.Hold = 8, 0
	res, err := bounded.Call(t, "scenarios.RLock in real mode", func() (scenarios.RLockResult, error) { return scenarios.RLock(io.Discard, cfg) })
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
}

func TestRLockContiguous(t *testing.T) {
	t.Parallel()
	obs := func(names ...string) scenarios.RLockResult {
		var r scenarios.RLockResult
		for _, n := range names {
			r.Observations = append(r.Observations, scenarios.RLockObservation{Thread: n})
		}
		return r
	}
	for _, tc := range []struct {
		names []string
		want  bool
	}{
		{nil, true},
		{[]string{"a", "a", "b", "b", "c"}, true},
		{[]string{"a", "b", "a"}, false},
		{[]string{"a", "b", "c", "b"}, false},
	} {
		if got := obs(tc.names...).Contiguous(); got != tc.want {
			t.Errorf("Contiguous(%q) = %v, want %v", tc.names, got, tc.want)
		}
	}
}

// TestRLockCheckCatchesEachBreak: Check fails on each part of S09's
// invariant, one broken at a time from a good result.
func TestRLockCheckCatchesEachBreak(t *testing.T) {
	t.Parallel()
	cfg := scenarios.RLockConfig{Threads: 2, Loops: 2, GiveUp: time.Second}
	good := func() scenarios.RLockResult {
		r := scenarios.RLockResult{NonOwnerRelease: primitives.ErrNotOwner}
		for _, name := range []string{"Thread-1", "Thread-2"} {
			for i := range 2 {
				r.Lines = append(r.Lines, fmt.Sprintf("%s %d", name, i))
				r.Observations = append(r.Observations, scenarios.RLockObservation{Thread: name, I: i, Depth: 2, Owned: true, After: 1})
			}
			r.Exits = append(r.Exits, scenarios.RLockExit{Thread: name})
		}
		return r
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.RLockResult){
		"split": func(r *scenarios.RLockResult) {
			r.Observations[1], r.Observations[2] = r.Observations[2], r.Observations[1]
			r.Lines[1], r.Lines[2] = r.Lines[2], r.Lines[1]
		},
		"line missing":      func(r *scenarios.RLockResult) { r.Lines = r.Lines[:3] },
		"call missing":      func(r *scenarios.RLockResult) { r.Lines, r.Observations = r.Lines[:3], r.Observations[:3] },
		"wrong line":        func(r *scenarios.RLockResult) { r.Lines[0] = "Thread-2 0" },
		"out of order":      func(r *scenarios.RLockResult) { r.Observations[0].I, r.Lines[0] = 1, "Thread-1 1" },
		"depth 1 in show":   func(r *scenarios.RLockResult) { r.Observations[3].Depth = 1 },
		"not owned in show": func(r *scenarios.RLockResult) { r.Observations[3].Owned = false },
		"depth 2 after":     func(r *scenarios.RLockResult) { r.Observations[3].After = 2 },
		"exit missing":      func(r *scenarios.RLockResult) { r.Exits = r.Exits[:1] },
		"held after test":   func(r *scenarios.RLockResult) { r.Exits[1].Depth, r.Exits[1].Owned = 1, true },
		"locked at the end": func(r *scenarios.RLockResult) { r.Locked = true },
		"non-owner release": func(r *scenarios.RLockResult) { r.NonOwnerRelease = nil },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}

// TestNestedPlainLockDeadlock: with a plain Lock, test's nested acquire in
// show deadlocks; the explorer reports it, naming both threads and the
// operation they wait on, instead of hanging.
func TestNestedPlainLockDeadlock(t *testing.T) {
	t.Parallel()
	returned := false
	_, err := interleave.Run(func() {
		_, _ = scenarios.NestedPlainLock(io.Discard, scenarios.DefaultRLockConfig())
		returned = true
	})
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("run error = %v, want a deadlock", err)
	}
	if returned {
		t.Error("NestedPlainLock returned inside a deadlocked run")
	}
	msg := err.Error()
	for _, want := range []string{"\n  MainThread waits on Thread-1 (Thread.Join) at scenarios/s09_rlock.go:",
		"\n  Thread-1 holds Lock#1 and waits on Lock#1 (Lock.Acquire) at scenarios/s09_rlock.go:",
		"\n  Thread-2 waits on Lock#1 (Lock.Acquire) at scenarios/s09_rlock.go:",
		"\n  cycle: Thread-1 → Lock#1 → Thread-1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("deadlock report lacks %q:\n%s", want, msg)
		}
	}
}

// TestNestedPlainLockRealMode: outside a model run the nested acquire gives
// up after GiveUp and each thread's deadlock is returned, not hung.
func TestNestedPlainLockRealMode(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultRLockConfig()
	cfg.Hold, cfg.GiveUp = 0, 5*time.Millisecond
	res, err := bounded.Call(t, "scenarios.NestedPlainLock in real mode", func() (scenarios.RLockResult, error) { return scenarios.NestedPlainLock(io.Discard, cfg) })
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("err = %v, want a deadlock error", err)
	}
	if n := strings.Count(err.Error(), "Lock.Acquire"); n != 2 {
		t.Errorf("err = %v, want one Lock.Acquire deadlock per thread", err)
	}
	if len(res.Lines) != 0 {
		t.Errorf("Lines = %q, want none: show never got the lock", res.Lines)
	}
}
