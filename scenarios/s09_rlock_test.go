package scenarios_test

import (
	"errors"
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

// runRLock runs S09 under the all-zero schedule.
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
		if o.Depth != 2 || !o.Owned || o.After != 1 {
			t.Errorf("observation %d = %+v, want depth 2, owned, depth 1 after show", k, o)
		}
		if wantAt := time.Duration(k) * 100 * time.Millisecond; o.At != wantAt {
			t.Errorf("observation %d printed at %v, want %v (each show holds the lock 0.1 s)", k, o.At, wantAt)
		}
	}
	if len(res.Exits) != 2 {
		t.Fatalf("Exits = %+v, want one per thread", res.Exits)
	}
	for k, e := range res.Exits {
		if e.Depth != 0 || e.Owned || e.Thread != []string{"Thread-1", "Thread-2"}[k] {
			t.Errorf("exit %d = %+v, want depth 0, not owned", k, e)
		}
	}
	if res.Locked {
		t.Error("the RLock is still held after every thread ended")
	}
	if !errors.Is(res.NonOwnerRelease, primitives.ErrNotOwner) {
		t.Errorf("NonOwnerRelease = %v, want ErrNotOwner", res.NonOwnerRelease)
	}
	if !res.Contiguous() {
		t.Errorf("lines split: %q", res.Lines)
	}
}

func TestRLockManyThreadsContiguous(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultRLockConfig()
	cfg.Threads, cfg.Loops = 4, 5
	res := runRLock(t, cfg)
	if len(res.Lines) != 20 || !res.Contiguous() {
		t.Errorf("Lines = %q, want 20 lines, each thread's unbroken", res.Lines)
	}
}

// TestRLockRealMode runs S09 on real goroutines (no sleep inside show, so
// it takes no wall time): still unbroken, still balanced.
func TestRLockRealMode(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultRLockConfig()
	cfg.Threads, cfg.Hold = 8, 0
	res, err := bounded.Call(t, "scenarios.RLock in real mode", func() (scenarios.RLockResult, error) { return scenarios.RLock(io.Discard, cfg) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lines) != 24 || !res.Contiguous() || res.Locked {
		t.Errorf("Lines = %q (locked %v), want 24 lines, each thread's unbroken, lock free", res.Lines, res.Locked)
	}
	if !errors.Is(res.NonOwnerRelease, primitives.ErrNotOwner) {
		t.Errorf("NonOwnerRelease = %v, want ErrNotOwner", res.NonOwnerRelease)
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
	for _, want := range []string{"Thread-1 waits on Lock.Acquire", "Thread-2 waits on Lock.Acquire", "MainThread waits on Thread.Join", "s09_rlock.go"} {
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
