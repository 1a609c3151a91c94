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

func TestSemaphoreDefault(t *testing.T) {
	res := runSemaphoreScenario(t, scenarios.Semaphore, scenarios.DefaultSemaphoreConfig())
	if res.MaxHolders != 2 || res.Acquired != 4 || res.Released != 4 || res.FinalValue != 2 {
		t.Errorf("result = %+v; want max 2 holders, 4 acquired, 4 released, final value 2", res)
	}
	if !errors.Is(res.OverRelease, primitives.ErrOverRelease) {
		t.Errorf("OverRelease = %v; want an error wrapping ErrOverRelease", res.OverRelease)
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
	res := runSemaphoreScenario(t, scenarios.Semaphore, cfg)
	if res.OverRelease != nil || res.FinalValue != 3 || res.Released != 5 || res.MaxHolders != 2 {
		t.Errorf("result = %+v; want no error, final value 3, 5 releases, max 2 holders", res)
	}
}

// Edge cases: no worker; a timer of interval 0; a cancel after the timer
// fired (too late: it fired once); a cancel at the very instant it is due.
func TestSemaphoreEdges(t *testing.T) {
	cfg := scenarios.SemaphoreConfig{Slots: 1, Timers: []scenarios.TimerSpec{
		{Interval: 0, CancelAfter: -1},
		{Interval: time.Second, CancelAfter: 2 * time.Second},
	}}
	res := runSemaphoreScenario(t, scenarios.Semaphore, cfg)
	if res.MaxHolders != 0 || res.FinalValue != 1 || res.OverRelease != nil {
		t.Errorf("result = %+v; want no holder, value 1", res)
	}
	if tm := res.Timers[0]; tm.Fired != 1 || tm.FiredAt != 0 {
		t.Errorf("timer 0 = %+v; want fired once at 0s", tm)
	}
	if tm := res.Timers[1]; tm.Fired != 1 || tm.FiredAt != time.Second || !tm.Cancelled {
		t.Errorf("timer 1 = %+v; want fired at 1s, cancelled (too late) at 2s", tm)
	}
}

// maxHolders fails the model run when more than Slots workers held a slot.
func maxHolders(f semFunc, cfg scenarios.SemaphoreConfig) func() {
	return func() {
		res, err := f(nil, cfg)
		if err != nil || res.MaxHolders > cfg.Slots {
			panic(fmt.Sprintf("max holders = %d, %v; want <= %d", res.MaxHolders, err, cfg.Slots))
		}
	}
}

// The correct pool never has more than Slots holders; the double release
// overflows it under some interleaving with one preemption (the 291st
// schedule of the enumeration), and not under the all-zero schedule.
func TestSemaphoreOverReleaseFound(t *testing.T) {
	cfg := scenarios.SemaphoreConfig{Slots: 2, Threads: 4, Work: time.Second}
	// The correct pool's full enumeration (44,264 schedules) is the
	// properties' job; the first thousand make a quick check here.
	if _, err := interleave.Exhaustive(maxHolders(scenarios.Semaphore, cfg), 1, interleave.MaxSchedules(1000)); err != nil {
		t.Fatalf("Semaphore: %v", err)
	}
	if res := runSemaphoreScenario(t, scenarios.OverReleasedSemaphore, cfg); res.MaxHolders != 2 {
		t.Errorf("OverReleasedSemaphore under the all-zero schedule: max holders = %d; want 2 (hidden)", res.MaxHolders)
	}
	_, err := interleave.Exhaustive(maxHolders(scenarios.OverReleasedSemaphore, cfg), 1)
	if err == nil || !strings.Contains(err.Error(), "max holders = 3") {
		t.Fatalf("OverReleasedSemaphore: exhaustive error = %v; want max holders = 3", err)
	}
	// A BoundedSemaphore refuses the extra releases once the value would
	// pass Slots, but the pool may overflow first.
	cfg.Bounded = true
	_, err = interleave.Exhaustive(maxHolders(scenarios.OverReleasedSemaphore, cfg), 1)
	if err == nil || !strings.Contains(err.Error(), "max holders = 3") {
		t.Fatalf("OverReleasedSemaphore (bounded): exhaustive error = %v; want max holders = 3", err)
	}
	res := runSemaphoreScenario(t, scenarios.OverReleasedSemaphore, cfg)
	if !errors.Is(res.OverRelease, primitives.ErrOverRelease) || res.FinalValue != 2 {
		t.Errorf("OverReleasedSemaphore (bounded) = %+v; want an ErrOverRelease and final value 2", res)
	}
}

// Real mode, with every duration zero: the pool still never overflows and
// the bounded probe is refused.
func TestSemaphoreRealMode(t *testing.T) {
	cfg := scenarios.SemaphoreConfig{Slots: 2, Threads: 8, Bounded: true, ProbeOverRelease: true,
		Timers: []scenarios.TimerSpec{{Interval: 0, CancelAfter: -1}}}
	res, err := bounded.Call(t, "scenarios.Semaphore in real mode", func() (scenarios.SemaphoreResult, error) { return scenarios.Semaphore(nil, cfg) })
	if err != nil || res.MaxHolders > 2 || res.Acquired != 8 || res.FinalValue != 2 ||
		!errors.Is(res.OverRelease, primitives.ErrOverRelease) || res.Timers[0].Fired != 1 {
		t.Errorf("Semaphore(%+v) = %+v, %v; want at most 2 holders, 8 acquired, value 2, probe refused, timer fired", cfg, res, err)
	}
}
