package scenarios_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestSemaphoreBadParams(t *testing.T) {
	for _, tc := range []struct {
		param string
		mod   func(c *scenarios.SemaphoreConfig)
	}{
		{"Slots", func(c *scenarios.SemaphoreConfig) { c.Slots = 0 }},
		{"Slots", func(c *scenarios.SemaphoreConfig) { c.Slots = -1 }},
		{"Threads", func(c *scenarios.SemaphoreConfig) { c.Threads = -1 }},
		{"Work", func(c *scenarios.SemaphoreConfig) { c.Work = -time.Second }},
		{"Timers[1].Interval", func(c *scenarios.SemaphoreConfig) { c.Timers[1].Interval = -time.Second }},
	} {
		cfg := scenarios.DefaultSemaphoreConfig()
		tc.mod(&cfg)
		for name, f := range map[string]semFunc{"Semaphore": scenarios.Semaphore, "OverReleasedSemaphore": scenarios.OverReleasedSemaphore} {
			_, err := f(nil, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
				t.Errorf("%s(%+v) error = %v; want ErrBadParam naming %s", name, cfg, err, tc.param)
			}
		}
	}
}

// runSemaphoreScenario runs f under the all-zero schedule.
func runSemaphoreScenario(t *testing.T, f semFunc, cfg scenarios.SemaphoreConfig) scenarios.SemaphoreResult {
	t.Helper()
	var res scenarios.SemaphoreResult
	var err error
	if _, runErr := interleave.Run(func() { res, err = f(nil, cfg) }); runErr != nil {
		t.Fatalf("run: %v", runErr)
	}
	if err != nil {
		t.Fatalf("error = %v", err)
	}
	return res
}

// semFunc is Semaphore or OverReleasedSemaphore.
type semFunc = func(io.Writer, scenarios.SemaphoreConfig) (scenarios.SemaphoreResult, error)

// runSemaphore runs Semaphore under the all-zero schedule and checks S12's
// invariant and exact timer times (SemaphoreResult.Check, CheckAllZero).
func runSemaphore(t *testing.T, cfg scenarios.SemaphoreConfig) scenarios.SemaphoreResult {
	t.Helper()
	res := runSemaphoreScenario(t, scenarios.Semaphore, cfg)
	if err := res.Check(cfg); err != nil {
		t.Errorf("Semaphore(%+v): %v", cfg, err)
	}
	if err := res.CheckAllZero(cfg); err != nil {
		t.Errorf("Semaphore(%+v): %v", cfg, err)
	}
	return res
}

func TestSemaphoreDefault(t *testing.T) {
	res := runSemaphore(t, scenarios.DefaultSemaphoreConfig())
	if res.MaxHolders != 2 {
		t.Errorf("MaxHolders = %d; want 2", res.MaxHolders)
	}
	want := []scenarios.TimerOutcome{
		{Name: "timer-0", Interval: 2500 * time.Millisecond, Fired: 1, FiredAt: 2500 * time.Millisecond},
		{Name: "timer-1", Interval: 1500 * time.Millisecond, Cancelled: true, CancelledAt: 500 * time.Millisecond},
	}
	if fmt.Sprint(res.Timers) != fmt.Sprint(want) {
		t.Errorf("Timers = %+v; want %+v", res.Timers, want)
	}
}

// A plain Semaphore accepts main's extra release: the pool silently grows.
func TestSemaphorePlainProbeGrowsPool(t *testing.T) {
	cfg := scenarios.DefaultSemaphoreConfig()
	cfg.Bounded = false
	res := runSemaphore(t, cfg) // Check: no error, final value 3, 5 releases
	if res.FinalValue != 3 || res.MaxHolders != 2 {
		t.Errorf("result = %+v; want final value 3, max 2 holders", res)
	}
}

// Edge cases: no worker; a timer of interval 0; a cancel after the timer
// fired (too late: it fired once); a cancel at the very instant it is due.
func TestSemaphoreEdges(t *testing.T) {
	cfg := scenarios.SemaphoreConfig{Slots: 1, Timers: []scenarios.TimerSpec{
		{Interval: 0, CancelAfter: -1},
		{Interval: time.Second, CancelAfter: 2 * time.Second},
	}}
	res := runSemaphore(t, cfg) // Check: timer 0 fired once, at 0 s (CheckAllZero)
	if res.MaxHolders != 0 {
		t.Errorf("MaxHolders = %d; want no holder", res.MaxHolders)
	}
	if tm := res.Timers[1]; tm.Fired != 1 || tm.FiredAt != time.Second {
		t.Errorf("timer 1 = %+v; want fired at 1s, cancelled (too late) at 2s", tm)
	}
}

// maxHolders fails the model run when f's result breaks check: more than
// Slots workers held a slot ("max holders = N"), or (the correct pool's
// Check) any other part of S12's invariant.
func maxHolders(f semFunc, cfg scenarios.SemaphoreConfig, check func(scenarios.SemaphoreResult, scenarios.SemaphoreConfig) error) func() {
	return func() {
		res, err := f(nil, cfg)
		if err == nil {
			err = check(res, cfg)
		}
		if err != nil {
			panic(err)
		}
	}
}

// The correct pool never has more than Slots holders; the double release
// overflows it under some interleaving with one preemption (the 291st
// schedule of the enumeration), and not under the all-zero schedule.
func TestSemaphoreOverReleaseFound(t *testing.T) {
	cfg := scenarios.SemaphoreConfig{Slots: 2, Threads: 4, Work: time.Second}
	// The correct pool's whole enumeration at bound 1 runs 40,752
	// schedules (about 11 s; the Semaphore properties explore it under
	// rapid instead); the first thousand make a quick check here.
	if _, err := interleave.Exhaustive(maxHolders(scenarios.Semaphore, cfg, scenarios.SemaphoreResult.Check), 1, interleave.MaxSchedules(1000)); err != nil {
		t.Fatalf("Semaphore: %v", err)
	}
	if res := runSemaphoreScenario(t, scenarios.OverReleasedSemaphore, cfg); res.MaxHolders != 2 {
		t.Errorf("OverReleasedSemaphore under the all-zero schedule: max holders = %d; want 2 (hidden)", res.MaxHolders)
	}
	_, err := interleave.Exhaustive(maxHolders(scenarios.OverReleasedSemaphore, cfg, scenarios.SemaphoreResult.CheckHolders), 1)
	if err == nil || !strings.Contains(err.Error(), "max holders = 3") {
		t.Fatalf("OverReleasedSemaphore: exhaustive error = %v; want max holders = 3", err)
	}
	// A BoundedSemaphore refuses the extra releases once the value would
	// pass Slots, but the pool may overflow first.
	cfg.Bounded = true
	_, err = interleave.Exhaustive(maxHolders(scenarios.OverReleasedSemaphore, cfg, scenarios.SemaphoreResult.CheckHolders), 1)
	if err == nil || !strings.Contains(err.Error(), "max holders = 3") {
		t.Fatalf("OverReleasedSemaphore (bounded): exhaustive error = %v; want max holders = 3", err)
	}
	res := runSemaphoreScenario(t, scenarios.OverReleasedSemaphore, cfg)
	if !errors.Is(res.OverRelease, primitives.ErrOverRelease) || res.FinalValue != 2 {
		t.Errorf("OverReleasedSemaphore (bounded) = %+v; want an ErrOverRelease and final value 2", res)
	}
}

// Real mode, with every duration zero: the run still keeps S12's invariant
// (the pool never overflows, the bounded probe is refused).
func TestSemaphoreRealMode(t *testing.T) {
	cfg := scenarios.SemaphoreConfig{Slots: 2, Threads: 8, Bounded: true, ProbeOverRelease: true,
		Timers: []scenarios.TimerSpec{{Interval: 0, CancelAfter: -1}}}
	res, err := bounded.Call(t, "scenarios.Semaphore in real mode", func() (scenarios.SemaphoreResult, error) { return scenarios.Semaphore(nil, cfg) })
	if err == nil {
		err = res.Check(cfg) // at most 2 holders, 8 acquired, value 2, probe refused, timer fired
	}
	if err != nil {
		t.Errorf("Semaphore(%+v): %v", cfg, err)
	}
}

// TestSemaphoreCheckCatchesEachBreak: Check, CheckHolders and CheckAllZero
// fail on each part of S12's invariants, one broken at a time from a good
// result.
func TestSemaphoreCheckCatchesEachBreak(t *testing.T) {
	s := time.Second
	cfg := scenarios.SemaphoreConfig{Slots: 2, Threads: 3, Bounded: true, ProbeOverRelease: true,
		Timers: []scenarios.TimerSpec{{Interval: s, CancelAfter: -1}, {Interval: 2 * s, CancelAfter: s}}}
	good := func() scenarios.SemaphoreResult {
		return scenarios.SemaphoreResult{
			Slots: 2, MaxHolders: 2, Acquired: 3, Released: 3, FinalValue: 2,
			OverRelease: fmt.Errorf("probe: %w", primitives.ErrOverRelease),
			Timers: []scenarios.TimerOutcome{
				{Interval: s, Fired: 1, FiredAt: s},
				{Interval: 2 * s, Cancelled: true, CancelledAt: s},
			},
		}
	}
	for name, check := range map[string]func(scenarios.SemaphoreResult, scenarios.SemaphoreConfig) error{
		"Check": scenarios.SemaphoreResult.Check, "CheckHolders": scenarios.SemaphoreResult.CheckHolders,
		"CheckAllZero": scenarios.SemaphoreResult.CheckAllZero,
	} {
		if err := check(good(), cfg); err != nil {
			t.Fatalf("%s(good) = %v; want nil", name, err)
		}
	}
	for name, breakIt := range map[string]func(*scenarios.SemaphoreResult){
		"overflow":            func(r *scenarios.SemaphoreResult) { r.MaxHolders = 3 },
		"no holder":           func(r *scenarios.SemaphoreResult) { r.MaxHolders = 0 },
		"slot not taken":      func(r *scenarios.SemaphoreResult) { r.Acquired = 2 },
		"slot not given back": func(r *scenarios.SemaphoreResult) { r.Released = 2 },
		"probe accepted":      func(r *scenarios.SemaphoreResult) { r.Released, r.FinalValue, r.OverRelease = 4, 3, nil },
		"pool shrank":         func(r *scenarios.SemaphoreResult) { r.FinalValue = 1 },
		"other error":         func(r *scenarios.SemaphoreResult) { r.OverRelease = errors.New("other") },
		"timer missing":       func(r *scenarios.SemaphoreResult) { r.Timers = r.Timers[:1] },
		"fired twice":         func(r *scenarios.SemaphoreResult) { r.Timers[0].Fired = 2 },
		"fired early":         func(r *scenarios.SemaphoreResult) { r.Timers[0].FiredAt = s / 2 },
		"never fired":         func(r *scenarios.SemaphoreResult) { r.Timers[0].Fired = 0 },
		"not cancelled":       func(r *scenarios.SemaphoreResult) { r.Timers[1].Cancelled = false },
		"cancelled too":       func(r *scenarios.SemaphoreResult) { r.Timers[0].Cancelled = true },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
	for _, holders := range []int{0, 3} {
		r := good()
		r.MaxHolders = holders
		if err := r.CheckHolders(cfg); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("max holders = %d", holders)) {
			t.Errorf("%d holders: CheckHolders = %v; want max holders = %d", holders, err, holders)
		}
	}
	for name, breakIt := range map[string]func(*scenarios.SemaphoreResult){
		"fired late":            func(r *scenarios.SemaphoreResult) { r.Timers[0].FiredAt = 2 * s },
		"fired after cancelled": func(r *scenarios.SemaphoreResult) { r.Timers[1].Fired, r.Timers[1].FiredAt = 1, 2*s },
		"timer missing":         func(r *scenarios.SemaphoreResult) { r.Timers = r.Timers[:1] },
	} {
		r := good()
		breakIt(&r)
		if err := r.CheckAllZero(cfg); err == nil {
			t.Errorf("%s: CheckAllZero = nil; want an error", name)
		}
	}
	// A timer firing late, or after a cancel that a delay held up, is
	// what an explored schedule may do: Check accepts it.
	r := good()
	r.Timers[0].FiredAt = 2 * s
	r.Timers[1].Fired, r.Timers[1].FiredAt = 1, 2*s
	if err := r.Check(cfg); err != nil {
		t.Errorf("late timers: Check = %v; want nil", err)
	}
}
