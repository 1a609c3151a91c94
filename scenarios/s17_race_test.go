package scenarios_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestRaceBadParams(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   scenarios.RaceConfig
		param string
	}{
		{"no threads", scenarios.RaceConfig{Threads: 0, Increments: 1}, "Threads"},
		{"negative threads", scenarios.RaceConfig{Threads: -1, Increments: 1}, "Threads"},
		{"negative increments", scenarios.RaceConfig{Threads: 2, Increments: -3}, "Increments"},
	} {
		for name, f := range map[string]func(io.Writer, scenarios.RaceConfig) (scenarios.RaceResult, error){
			"Race": scenarios.Race, "ReadThenWriteCounter": scenarios.ReadThenWriteCounter,
			"UnsyncCounter": scenarios.UnsyncCounter, // validation comes first: no goroutine starts
		} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				_, err := f(io.Discard, tc.cfg)
				if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
					t.Fatalf("%s(%+v) error = %v; want ErrBadParam naming %s", name, tc.cfg, err, tc.param)
				}
			})
		}
	}
}

func TestRaceDefault(t *testing.T) {
	for name, f := range map[string]func(io.Writer, scenarios.RaceConfig) (scenarios.RaceResult, error){
		"Race": scenarios.Race, "ReadThenWriteCounter": scenarios.ReadThenWriteCounter,
	} {
		var res scenarios.RaceResult
		var err error
		if _, runErr := interleave.Run(func() { res, err = f(nil, scenarios.DefaultRaceConfig()) }); runErr != nil {
			t.Fatalf("%s: run: %v", name, runErr)
		}
		want := scenarios.RaceResult{Counter: 6, Want: 6}
		if err != nil || res != want {
			t.Errorf("%s(default) = %+v, %v; want %+v (the all-zero schedule never preempts)", name, res, err, want)
		}
	}
}

// lostUpdate panics (failing the model run) when a counter breaks S17's
// invariant (RaceResult.Check): it lost an update.
func lostUpdate(f func(io.Writer, scenarios.RaceConfig) (scenarios.RaceResult, error), cfg scenarios.RaceConfig) func() {
	return func() {
		res, err := f(nil, cfg)
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			panic(err)
		}
	}
}

// The locked counter survives every schedule with up to two preemptions;
// the read-then-write counter loses an update with one.
func TestRaceExhaustive(t *testing.T) {
	cfg := scenarios.RaceConfig{Threads: 2, Increments: 2}
	if cov, err := interleave.Exhaustive(lostUpdate(scenarios.Race, cfg), 2); err != nil {
		t.Fatalf("Race: %v", err)
	} else if cov.Runs() < 2 {
		t.Fatalf("Race: %d schedules explored; want several", cov.Runs())
	}
	_, err := interleave.Exhaustive(lostUpdate(scenarios.ReadThenWriteCounter, cfg), 1)
	if err == nil || !strings.Contains(err.Error(), "counter = 2") {
		t.Fatalf("ReadThenWriteCounter: exhaustive error = %v; want a lost update (counter = 2: one thread reads 1, the other makes two increments, the first writes 2)", err)
	}
	var re *interleave.RunError
	if errors.As(err, &re) && re.Trace.Preemptions() != 1 {
		t.Errorf("ReadThenWriteCounter: preemptions = %d; want 1", re.Trace.Preemptions())
	}
}

// Real mode: the locked counter is exact with real goroutines too.
func TestRaceRealMode(t *testing.T) {
	cfg := scenarios.RaceConfig{Threads: 4, Increments: 500}
	res, err := bounded.Call(t, "scenarios.Race in real mode", func() (scenarios.RaceResult, error) { return scenarios.Race(io.Discard, cfg) })
	if err == nil {
		err = res.Check(cfg) // counter 2000
	}
	if err != nil {
		t.Errorf("Race(%+v): %v", cfg, err)
	}
}

// TestRaceCheckCatchesEachBreak: Check and CheckConsistent fail on each
// part of S17's invariant, one broken at a time from a good result.
func TestRaceCheckCatchesEachBreak(t *testing.T) {
	cfg := scenarios.RaceConfig{Threads: 2, Increments: 2}
	good := scenarios.RaceResult{Counter: 4, Want: 4}
	lossy := scenarios.RaceResult{Counter: 2, Want: 4, Lost: 2}
	if err := good.Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	if err := lossy.CheckConsistent(cfg); err != nil {
		t.Fatalf("CheckConsistent(lost 2) = %v; want nil", err)
	}
	if err := lossy.Check(cfg); err == nil || !strings.Contains(err.Error(), "counter = 2") {
		t.Errorf("Check(lost 2) = %v; want counter = 2", err)
	}
	for name, r := range map[string]scenarios.RaceResult{
		"wrong want":       {Counter: 4, Want: 3, Lost: -1},
		"counted too many": {Counter: 5, Want: 4, Lost: -1},
		"lost miscounted":  {Counter: 2, Want: 4, Lost: 1},
		"nothing counted":  {Counter: 0, Want: 4, Lost: 4},
	} {
		if err := r.CheckConsistent(cfg); err == nil {
			t.Errorf("%s: CheckConsistent = nil; want an error", name)
		}
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
	if err := (scenarios.RaceResult{}).Check(scenarios.RaceConfig{Threads: 3}); err != nil {
		t.Errorf("Check(no increments) = %v; want nil", err)
	}
}
