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
	"github.com/interleave-lab/interleave/scenarios"
)

type eventFunc func(io.Writer, scenarios.EventConfig) (scenarios.EventResult, error)

func TestEventBadParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		param string
		edit  func(*scenarios.EventConfig)
	}{
		{"Signals", func(c *scenarios.EventConfig) { c.Signals = 0 }},
		{"Signals", func(c *scenarios.EventConfig) { c.Signals = 1001 }},
		{"Interval", func(c *scenarios.EventConfig) { c.Interval = 0 }},
		{"Timeout", func(c *scenarios.EventConfig) { c.Timeout = -time.Second }},
	} {
		cfg := scenarios.DefaultEventConfig()
		tc.edit(&cfg)
		for name, fn := range map[string]eventFunc{"Event": scenarios.Event, "EventAsCounter": scenarios.EventAsCounter} {
			_, err := fn(io.Discard, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
				t.Errorf("%s(%+v) = %v, want an ErrBadParam naming %s", name, cfg, err, tc.param)
			}
		}
	}
}

// runEvent runs fn under opts (the all-zero schedule by default) and
// returns its result, the run's trace and the first error.
func runEvent(fn eventFunc, cfg scenarios.EventConfig, opts ...interleave.Option) (scenarios.EventResult, *interleave.Trace, error) {
	var res scenarios.EventResult
	var err error
	tr, rerr := interleave.Run(func() { res, err = fn(io.Discard, cfg) }, opts...)
	if rerr != nil {
		return res, tr, rerr
	}
	return res, tr, err
}

func seconds(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, s := range n {
		out[i] = time.Duration(s) * time.Second
	}
	return out
}

func TestEventDefault(t *testing.T) {
	t.Parallel()
	res, _, err := runEvent(scenarios.Event, scenarios.DefaultEventConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(scenarios.DefaultEventConfig()); err != nil {
		t.Error(err)
	}
	if res.Polls != 0 {
		t.Errorf("polls %d, want 0", res.Polls)
	}
	if want := seconds(1, 2, 3, 4, 5); !slices.Equal(res.SetAt, want) || !slices.Equal(res.SeenAt, want) {
		t.Errorf("SetAt %v SeenAt %v, want both %v: each wait returns at its set", res.SetAt, res.SeenAt, want)
	}
	if n := len(res.Lines); n != 11 {
		t.Errorf("Lines = %q; want 11", res.Lines)
	}
}

func TestEventAsCounterAllZero(t *testing.T) {
	t.Parallel()
	res, _, err := runEvent(scenarios.EventAsCounter, scenarios.DefaultEventConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := res.CheckSignals(scenarios.DefaultEventConfig()); err != nil {
		t.Errorf("%v: the all-zero schedule keeps up", err)
	}
	if want := seconds(1, 2, 3, 4, 5); !slices.Equal(res.SeenAt, want) {
		t.Errorf("SeenAt %v, want %v", res.SeenAt, want)
	}
	if last := res.Lines[len(res.Lines)-1]; last != "sent 5, seen 5" {
		t.Errorf("last line %q", last)
	}
}

// delayOnce returns the schedules that follow the all-zero schedule of fn
// except for one choice, which delays the running thread past the next
// pending timer: one per choice point of the all-zero run.
func delayOnce(t *testing.T, fn eventFunc, cfg scenarios.EventConfig) []interleave.Schedule {
	t.Helper()
	_, tr, err := runEvent(fn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// "0:248" is a choice code 248: a delay past the next pending timer
	// plus one tick (see failpoints' delay codes).
	var out []interleave.Schedule
	for i := range tr.Schedule {
		s := make(interleave.Schedule, i+1)
		s[i] = 248
		out = append(out, s)
	}
	return out
}

// TestEventAsCounterLosesASignal: delaying the waiter once, between its
// wait() and clear(), past the main thread's next sleep loses a set.
func TestEventAsCounterLosesASignal(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultEventConfig()
	var lossy *interleave.Trace
	for _, s := range delayOnce(t, scenarios.EventAsCounter, cfg) {
		res, tr, err := runEvent(scenarios.EventAsCounter, cfg, interleave.Replay(s))
		if err != nil {
			t.Fatalf("schedule %v: %v", s, err)
		}
		if res.Lost() > 0 {
			lossy = tr
			break
		}
	}
	if lossy == nil {
		t.Fatal("no single delay lost a signal")
	}
	if !strings.Contains(lossy.String(), "step") {
		t.Errorf("the lossy trace does not show the delay at the scenario's step:\n%s", lossy)
	}
	t.Logf("a lost signal:\n%s", lossy)
}

// TestEventNeverLoses: the same delays never break S10's invariant
// (EventResult.Check: no signal of the correct version is lost), and never
// change its printout.
func TestEventNeverLoses(t *testing.T) {
	t.Parallel()
	cfg := scenarios.DefaultEventConfig()
	want, _, err := runEvent(scenarios.Event, cfg)
	if err != nil {
		t.Fatal(err)
	}
	polled := 0
	for _, s := range delayOnce(t, scenarios.Event, cfg) {
		res, _, err := runEvent(scenarios.Event, cfg, interleave.Replay(s))
		if err != nil {
			t.Fatalf("schedule %v: %v", s, err)
		}
		if err := res.Check(cfg); err != nil {
			t.Fatalf("schedule %v: %v", s, err)
		}
		if !slices.Equal(res.Lines, want.Lines) {
			t.Fatalf("schedule %v: lines %q; want %q", s, res.Lines, want.Lines)
		}
		polled += res.Polls
	}
	if polled == 0 {
		t.Error("no delay ever made the main thread wait for a clear: the check is not exercised")
	}
}

// TestEventRealMode runs both versions on real goroutines with a short
// interval.
func TestEventRealMode(t *testing.T) {
	t.Parallel()
	cfg := scenarios.EventConfig{Signals: 3, Interval: time.Millisecond, Timeout: time.Millisecond}
	res, err := bounded.Call(t, "scenarios.Event in real mode", func() (scenarios.EventResult, error) { return scenarios.Event(io.Discard, cfg) })
	if err != nil || res.Seen != 3 || !res.TimedOut || res.Waited < time.Millisecond {
		t.Errorf("Event = %+v, %v", res, err)
	}
	res, err = bounded.Call(t, "scenarios.EventAsCounter in real mode", func() (scenarios.EventResult, error) { return scenarios.EventAsCounter(io.Discard, cfg) })
	if err != nil || res.Sent != 3 || res.Seen > 3 {
		t.Errorf("EventAsCounter = %+v, %v", res, err)
	}
}

// TestEventCheckCatchesEachBreak: CheckSignals and Check fail on each part
// of S10's invariant, one broken at a time from a good result.
func TestEventCheckCatchesEachBreak(t *testing.T) {
	t.Parallel()
	cfg := scenarios.EventConfig{Signals: 2, Interval: time.Second, Timeout: time.Second}
	good := func() scenarios.EventResult {
		return scenarios.EventResult{
			Lines: []string{"start wait", "0", "start wait", "1", "False"},
			Sent:  2, SetAt: seconds(1, 2), Seen: 2, SeenAt: seconds(1, 2),
			TimedOut: true, Waited: time.Second,
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.EventResult){
		"sent too few":     func(r *scenarios.EventResult) { r.Sent, r.SetAt, r.Seen, r.SeenAt = 1, r.SetAt[:1], 1, r.SeenAt[:1] },
		"lost one":         func(r *scenarios.EventResult) { r.Seen, r.SeenAt = 1, r.SeenAt[:1] },
		"times missing":    func(r *scenarios.EventResult) { r.SetAt = nil },
		"set too soon":     func(r *scenarios.EventResult) { r.SetAt[1], r.SeenAt[1] = time.Second, time.Second },
		"seen before set":  func(r *scenarios.EventResult) { r.SeenAt[1] = time.Second },
		"final wait true":  func(r *scenarios.EventResult) { r.TimedOut = false },
		"final wait short": func(r *scenarios.EventResult) { r.Waited = time.Second / 2 },
		"final wait long":  func(r *scenarios.EventResult) { r.Waited = 2 * time.Second },
		"no False":         func(r *scenarios.EventResult) { r.Lines = r.Lines[:4] },
		"no lines":         func(r *scenarios.EventResult) { r.Lines = nil },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
	r := good()
	r.Seen, r.SeenAt = 1, r.SeenAt[:1]
	if err := r.CheckSignals(cfg); err == nil {
		t.Errorf("lost one: CheckSignals = nil; want an error")
	}
	r = good()
	r.TimedOut, r.Lines = false, nil // EventAsCounter makes no final wait
	if err := r.CheckSignals(cfg); err != nil {
		t.Errorf("no final wait: CheckSignals = %v; want nil", err)
	}
}
