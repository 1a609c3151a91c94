package scenarios_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestLockSyncBadParams(t *testing.T) {
	for _, tc := range []struct {
		param string
		edit  func(*scenarios.LockSyncConfig)
	}{
		{"Loops[1]", func(c *scenarios.LockSyncConfig) { c.Loops = []time.Duration{time.Second, -time.Second} }},
		{"Loops", func(c *scenarios.LockSyncConfig) { c.Loops = make([]time.Duration, 1001) }},
		{"PollInterval", func(c *scenarios.LockSyncConfig) { c.PollInterval = 0 }},
		{"PollInterval", func(c *scenarios.LockSyncConfig) { c.PollInterval = -time.Millisecond }},
		{"Timeout", func(c *scenarios.LockSyncConfig) { c.Timeout = -time.Second }},
	} {
		cfg := scenarios.DefaultLockSyncConfig()
		tc.edit(&cfg)
		for name, f := range map[string]lockSyncFunc{"LockSync": lockSync, "LockSyncAcquireAfterStart": lockSyncAcquireAfterStart} {
			var out bytes.Buffer
			_, err := f(&out, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param+" =") {
				t.Errorf("%s(%s bad) error = %v; want ErrBadParam naming %s", name, tc.param, err, tc.param)
			}
			if out.Len() != 0 {
				t.Errorf("%s printed %q for a bad parameter; want nothing", name, out.String())
			}
		}
	}
}

// lockSyncFunc is LockSync or LockSyncAcquireAfterStart.
type lockSyncFunc func(w *bytes.Buffer, cfg scenarios.LockSyncConfig) (scenarios.LockSyncResult, error)

func runLockSync(t *testing.T, f lockSyncFunc, cfg scenarios.LockSyncConfig, opts ...interleave.Option) (scenarios.LockSyncResult, string) {
	t.Helper()
	var res scenarios.LockSyncResult
	var err error
	var out bytes.Buffer
	if _, rerr := interleave.Run(func() { res, err = f(&out, cfg) }, opts...); rerr != nil {
		t.Fatalf("run failed: %v", rerr)
	}
	if err != nil {
		t.Fatalf("error = %v", err)
	}
	return res, out.String()
}

func lockSync(w *bytes.Buffer, cfg scenarios.LockSyncConfig) (scenarios.LockSyncResult, error) {
	return scenarios.LockSync(w, cfg)
}

func lockSyncAcquireAfterStart(w *bytes.Buffer, cfg scenarios.LockSyncConfig) (scenarios.LockSyncResult, error) {
	return scenarios.LockSyncAcquireAfterStart(w, cfg)
}

// checkLockSync asserts the correct outcome under the all-zero schedule:
// every loop returned at its own length, and main finished at the first
// poll strictly after the longest loop.
func checkLockSync(t *testing.T, cfg scenarios.LockSyncConfig, res scenarios.LockSyncResult) {
	t.Helper()
	if err := res.Check(cfg); err != nil {
		t.Fatalf("%v", err)
	}
	longest := time.Duration(0)
	for i, d := range cfg.Loops {
		longest = max(longest, d)
		if l := res.Loops[i]; l.ReturnedAt != d || l.Loop != i || l.Sleep != d {
			t.Errorf("Loops[%d] = %+v; want returned at %v", i, l, d)
		}
	}
	want := time.Duration(0)
	if len(cfg.Loops) > 0 {
		want = (longest/cfg.PollInterval + 1) * cfg.PollInterval
	}
	if res.AllDoneAt != want || res.GaveUp {
		t.Errorf("AllDoneAt, GaveUp = %v, %v; want %v, false", res.AllDoneAt, res.GaveUp, want)
	}
	if want := int(want / cfg.PollInterval); res.Polls != want {
		t.Errorf("Polls = %d; want %d", res.Polls, want)
	}
}

func TestLockSyncDefault(t *testing.T) {
	for name, f := range map[string]lockSyncFunc{"LockSync": lockSync, "LockSyncAcquireAfterStart": lockSyncAcquireAfterStart} {
		t.Run(name, func(t *testing.T) {
			cfg := scenarios.DefaultLockSyncConfig()
			res, _ := runLockSync(t, f, cfg)
			checkLockSync(t, cfg, res)
			if res.AllDoneAt != 4005*time.Millisecond {
				t.Errorf("AllDoneAt = %v; want 4.005s", res.AllDoneAt)
			}
		})
	}
}

func TestLockSyncShapes(t *testing.T) {
	ms := time.Millisecond
	for _, cfg := range []scenarios.LockSyncConfig{
		{Loops: nil, PollInterval: ms},
		{Loops: []time.Duration{0}, PollInterval: ms},
		{Loops: []time.Duration{0, 0, 0}, PollInterval: ms},
		{Loops: []time.Duration{3 * ms, 7 * ms, 5 * ms}, PollInterval: 2 * ms},
		{Loops: []time.Duration{time.Second, 2 * time.Second}, PollInterval: 300 * ms},
		{Loops: []time.Duration{time.Second}, PollInterval: 10 * time.Second},
	} {
		res, _ := runLockSync(t, lockSync, cfg)
		checkLockSync(t, cfg, res)
	}
}

// TestLockSyncEverySchedule runs LockSync under every schedule with up to
// two preemptions: main never finishes before a loop released its lock,
// and never later than one poll after the last release.
func TestLockSyncEverySchedule(t *testing.T) {
	ms := time.Millisecond
	cfg := scenarios.LockSyncConfig{Loops: []time.Duration{2 * ms, 0}, PollInterval: ms}
	cov, err := interleave.Exhaustive(func() {
		res, err := scenarios.LockSync(nil, cfg)
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			panic(err)
		}
		// Exhaustive only switches threads, never delays one, so main
		// also sees the last release at its next poll.
		last := time.Duration(0)
		for _, l := range res.Loops {
			last = max(last, l.ReturnedAt)
		}
		if res.AllDoneAt > last+cfg.PollInterval {
			panic("all DONE at " + res.AllDoneAt.String() + ", last release at " + last.String())
		}
	}, 2)
	if err != nil {
		t.Fatalf("a schedule broke LockSync: %v", err)
	}
	t.Logf("LockSync: %v", cov)
	if cov.Runs() < 10 {
		t.Errorf("Exhaustive ran %d schedules; want several", cov.Runs())
	}
}

// TestLockSyncAcquireAfterStartBreaks shows the tutorial's warning: with a
// fast thread, one preemption at the failpoint between Start and Acquire
// lets the thread release a lock nobody holds. The explorer reports the
// thread's ErrReleaseUnlocked; replayed with ExpectPanics, main acquires
// the orphaned lock and polls until its Timeout.
func TestLockSyncAcquireAfterStartBreaks(t *testing.T) {
	quietExceptHook(t)
	cfg := scenarios.LockSyncConfig{Loops: []time.Duration{0, time.Second}, PollInterval: 100 * time.Millisecond, Timeout: 3 * time.Second}
	body := func() { _, _ = scenarios.LockSyncAcquireAfterStart(nil, cfg) }
	_, err := interleave.Exhaustive(body, 1)
	if !errors.Is(err, interleave.ErrThreadPanic) || !errors.Is(err, primitives.ErrReleaseUnlocked) {
		t.Fatalf("Exhaustive(LockSyncAcquireAfterStart) error = %v; want a thread panic wrapping ErrReleaseUnlocked", err)
	}
	var rerr *interleave.RunError
	if !errors.As(err, &rerr) {
		t.Fatalf("error %T is not a *interleave.RunError", err)
	}
	if p := rerr.Trace.Preemptions(); p != 1 {
		t.Errorf("failing schedule has %d preemptions; want 1", p)
	}

	// The same schedule, with the thread's panic expected: main waits for a
	// lock nobody will release.
	res, out := runLockSync(t, lockSyncAcquireAfterStart, cfg, interleave.Replay(rerr.Trace.Schedule), interleave.ExpectPanics())
	if !res.GaveUp || res.AllDoneAt != cfg.Timeout {
		t.Errorf("GaveUp, AllDoneAt = %v, %v; want true, %v", res.GaveUp, res.AllDoneAt, cfg.Timeout)
	}
	if res.Loops[0].Returned {
		t.Errorf("Loops[0].Returned = true; want false (its Release panicked)")
	}
	if !strings.Contains(out, "gave up at: 3s") {
		t.Errorf("printout lacks main giving up:\n%s", out)
	}

	// The correct version survives the same exploration.
	if _, err := interleave.Exhaustive(func() { _, _ = scenarios.LockSync(nil, cfg) }, 1); err != nil {
		t.Errorf("Exhaustive(LockSync) error = %v; want nil", err)
	}
}

// quietExceptHook silences the default report of a thread's panic (to
// stderr) for the test: the test expects the panic and checks it. The test
// must not be parallel (ExceptHook is a package variable).
func quietExceptHook(t *testing.T) {
	old := primitives.ExceptHook
	primitives.ExceptHook = func(primitives.ExceptHookArgs) {}
	t.Cleanup(func() { primitives.ExceptHook = old })
}

// TestLockSyncCheckCatchesEachBreak: Check fails on each part of S03's
// invariant, one broken at a time from a good result.
func TestLockSyncCheckCatchesEachBreak(t *testing.T) {
	cfg := scenarios.LockSyncConfig{Loops: []time.Duration{time.Second, 0}, PollInterval: time.Second}
	good := func() scenarios.LockSyncResult {
		return scenarios.LockSyncResult{
			Loops:     []scenarios.LoopRun{{Loop: 0, Returned: true, ReturnedAt: time.Second}, {Loop: 1, Returned: true}},
			AllDoneAt: 2 * time.Second, Polls: 2,
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.LockSyncResult){
		"gave up":        func(r *scenarios.LockSyncResult) { r.GaveUp = true },
		"loop missing":   func(r *scenarios.LockSyncResult) { r.Loops = r.Loops[:1] },
		"not returned":   func(r *scenarios.LockSyncResult) { r.Loops[1].Returned = false },
		"before sleep":   func(r *scenarios.LockSyncResult) { r.Loops[0].ReturnedAt = time.Second / 2 },
		"after all DONE": func(r *scenarios.LockSyncResult) { r.AllDoneAt = time.Second / 2 },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}
