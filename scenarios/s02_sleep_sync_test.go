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

func TestSleepSyncBadParams(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*scenarios.SleepSyncConfig)
	}{
		{"Loop", func(c *scenarios.SleepSyncConfig) { c.Loop = -time.Second }},
		{"Loop1", func(c *scenarios.SleepSyncConfig) { c.Loop1 = -1 }},
		{"Main", func(c *scenarios.SleepSyncConfig) { c.Main = -time.Second }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := scenarios.DefaultSleepSyncConfig()
			tc.edit(&cfg)
			var out bytes.Buffer
			_, err := scenarios.SleepSync(&out, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("SleepSync(%+v) error = %v; want ErrBadParam naming %s", cfg, err, tc.name)
			}
			if out.Len() != 0 {
				t.Errorf("SleepSync printed %q for a bad parameter; want nothing", out.String())
			}
		})
	}
}

// runSleepSync runs SleepSync under the all-zero schedule, checks S02's
// invariant and exact outcome (SleepSyncResult.Check, CheckAllZero) and
// returns its result and printout.
func runSleepSync(t *testing.T, cfg scenarios.SleepSyncConfig) (scenarios.SleepSyncResult, string) {
	t.Helper()
	var res scenarios.SleepSyncResult
	var err error
	var out bytes.Buffer
	if _, rerr := interleave.Run(func() { res, err = scenarios.SleepSync(&out, cfg) }); rerr != nil {
		t.Fatalf("SleepSync(%+v) run failed: %v", cfg, rerr)
	}
	if err != nil {
		t.Fatalf("SleepSync(%+v) error = %v", cfg, err)
	}
	if err := res.Check(cfg); err != nil {
		t.Fatalf("SleepSync(%+v): %v", cfg, err)
	}
	if err := res.CheckAllZero(cfg); err != nil {
		t.Errorf("SleepSync(%+v): %v", cfg, err)
	}
	return res, out.String()
}

func TestSleepSyncDefault(t *testing.T) {
	res, _ := runSleepSync(t, scenarios.DefaultSleepSyncConfig())
	want := scenarios.SleepSyncResult{
		Started:   [2]bool{true, true},
		Done:      [2]bool{true, true},
		DoneAt:    [2]time.Duration{4 * time.Second, 5 * time.Second},
		AllDoneAt: 6 * time.Second,
	}
	if res != want {
		t.Errorf("SleepSync(default) = %+v; want %+v", res, want)
	}
}

func TestSleepSyncLostWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  scenarios.SleepSyncConfig
		done [2]bool
	}{
		{"main shorter than both", scenarios.SleepSyncConfig{Loop: 4 * time.Second, Loop1: 5 * time.Second, Main: time.Second}, [2]bool{false, false}},
		{"main between", scenarios.SleepSyncConfig{Loop: 4 * time.Second, Loop1: 5 * time.Second, Main: 4500 * time.Millisecond}, [2]bool{true, false}},
		// A tie: main was started first, so under the all-zero schedule it
		// wakes first and exits before loop1 prints.
		{"main ties loop1", scenarios.SleepSyncConfig{Loop: 4 * time.Second, Loop1: 5 * time.Second, Main: 5 * time.Second}, [2]bool{true, false}},
		{"main does not sleep", scenarios.SleepSyncConfig{Main: 0}, [2]bool{false, false}},
		{"main outlasts both", scenarios.SleepSyncConfig{Loop: 2 * time.Second, Loop1: time.Second, Main: 3 * time.Second}, [2]bool{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, out := runSleepSync(t, tc.cfg)
			if res.Done != tc.done {
				t.Errorf("Done = %v; want %v", res.Done, tc.done)
			}
			if !strings.HasSuffix(out, "all DONE at: "+tc.cfg.Main.String()+"\n") {
				t.Errorf("printout does not end with main's line:\n%s", out)
			}
			if n := strings.Count(out, "done at"); n != btoi(tc.done[0])+btoi(tc.done[1]) {
				t.Errorf("printout has %d done lines; want %d:\n%s", n, btoi(tc.done[0])+btoi(tc.done[1]), out)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestSleepSyncTieEitherWay shows that main's sleep equal to a loop's is a
// race: every schedule that orders the two wake-ups differently gives a
// different answer, and the exhaustive explorer sees both; each keeps
// S02's invariant.
func TestSleepSyncTieEitherWay(t *testing.T) {
	cfg := scenarios.SleepSyncConfig{Loop: 2 * time.Second, Loop1: 2 * time.Second, Main: 2 * time.Second}
	seen := map[[2]bool]bool{}
	cov, err := interleave.Exhaustive(func() {
		res, err := scenarios.SleepSync(nil, cfg)
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			panic(err)
		}
		seen[res.Done] = true
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, done := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		if !seen[done] {
			t.Errorf("no schedule gave Done = %v (saw %v over %d schedules)", done, seen, cov.Runs())
		}
	}
}

// TestSleepSyncDaemons checks that the loops are daemon threads listed while
// they run, and that the run's end unwinds a loop still sleeping instead of
// waiting for it.
func TestSleepSyncDaemons(t *testing.T) {
	var during []*primitives.Thread
	tr, err := interleave.Run(func() {
		primitives.NewThread(func() {
			primitives.Sleep(500 * time.Millisecond) // while both loops sleep
			during = primitives.Enumerate()
		}, primitives.WithName("observer"), primitives.WithDaemon(true)).Start()
		_, _ = scenarios.SleepSync(nil, scenarios.SleepSyncConfig{Loop: time.Second, Loop1: 10 * time.Second, Main: 2 * time.Second})
	})
	if err != nil {
		t.Fatal(err)
	}
	daemons := 0
	for _, th := range during {
		if th.Daemon() && th.Name() != "observer" {
			daemons++
		}
	}
	if daemons != 2 {
		t.Errorf("daemon threads listed while the loops sleep = %d (%v); want 2", daemons, during)
	}
	if tr.Duration != 2*time.Second {
		t.Errorf("run ended at %v; want 2s (main's exit, without waiting for loop1)", tr.Duration)
	}
}

// TestSleepSyncCheckCatchesEachBreak: Check fails on each part of S02's
// invariant, one broken at a time from a good result.
func TestSleepSyncCheckCatchesEachBreak(t *testing.T) {
	cfg := scenarios.SleepSyncConfig{Loop: time.Second, Loop1: 3 * time.Second, Main: 2 * time.Second}
	good := func() scenarios.SleepSyncResult {
		return scenarios.SleepSyncResult{
			Started: [2]bool{true, true}, Done: [2]bool{true, false}, DoneAt: [2]time.Duration{time.Second},
			AllDoneAt: 2 * time.Second, Lost: true,
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	if err := good().CheckAllZero(cfg); err != nil {
		t.Fatalf("CheckAllZero(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.SleepSyncResult){
		"exit before main's sleep": func(r *scenarios.SleepSyncResult) { r.AllDoneAt = time.Second },
		"not lost":                 func(r *scenarios.SleepSyncResult) { r.Lost = false },
		"lost when all done": func(r *scenarios.SleepSyncResult) {
			r.Done[1], r.DoneAt[1], r.AllDoneAt = true, 3*time.Second, 3*time.Second
		},
		"done, never started": func(r *scenarios.SleepSyncResult) { r.Started[0] = false },
		"done before sleep":   func(r *scenarios.SleepSyncResult) { r.DoneAt[0] = time.Second / 2 },
		"done after exit":     func(r *scenarios.SleepSyncResult) { r.DoneAt[0] = 3 * time.Second },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}

// TestSleepSyncCheckAllZeroCatchesEachBreak: CheckAllZero fails on each
// part of S02's all-zero outcome, one broken at a time from a good result
// that Check accepts (a schedule's delays may give it).
func TestSleepSyncCheckAllZeroCatchesEachBreak(t *testing.T) {
	cfg := scenarios.SleepSyncConfig{Loop: time.Second, Loop1: 2 * time.Second, Main: 2 * time.Second}
	for name, r := range map[string]scenarios.SleepSyncResult{
		"main late": {Started: [2]bool{true, true}, Done: [2]bool{true, true}, DoneAt: [2]time.Duration{time.Second, 2 * time.Second},
			AllDoneAt: 3 * time.Second},
		"tie won by the loop": {Started: [2]bool{true, true}, Done: [2]bool{true, true}, DoneAt: [2]time.Duration{time.Second, 2 * time.Second},
			AllDoneAt: 2 * time.Second},
		"loop not done": {Started: [2]bool{true, true}, AllDoneAt: 2 * time.Second, Lost: true},
		"loop late": {Started: [2]bool{true, true}, Done: [2]bool{true}, DoneAt: [2]time.Duration{1500 * time.Millisecond},
			AllDoneAt: 2 * time.Second, Lost: true},
	} {
		if err := r.Check(cfg); err != nil {
			t.Fatalf("%s: Check = %v; want nil", name, err)
		}
		if err := r.CheckAllZero(cfg); err == nil {
			t.Errorf("%s: CheckAllZero = nil; want an error", name)
		}
	}
}
