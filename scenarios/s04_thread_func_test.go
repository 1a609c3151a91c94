package scenarios_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// loopsScenario is ThreadFunction, ThreadCallable or ThreadSubclass, seen
// through what they share.
type loopsScenario func(w io.Writer, loops []time.Duration) (scenarios.LoopsResult, error)

var loopsScenarios = map[string]loopsScenario{
	"ThreadFunction": func(w io.Writer, loops []time.Duration) (scenarios.LoopsResult, error) {
		return scenarios.ThreadFunction(w, scenarios.ThreadFunctionConfig{Loops: loops})
	},
	"ThreadCallable": func(w io.Writer, loops []time.Duration) (scenarios.LoopsResult, error) {
		return scenarios.ThreadCallable(w, scenarios.ThreadCallableConfig{Loops: loops})
	},
	"ThreadSubclass": func(w io.Writer, loops []time.Duration) (scenarios.LoopsResult, error) {
		res, err := scenarios.ThreadSubclass(w, scenarios.ThreadSubclassConfig{Loops: loops})
		return res.LoopsResult, err
	},
}

func TestLoopsScenariosBadParams(t *testing.T) {
	for name, f := range loopsScenarios {
		for param, loops := range map[string][]time.Duration{
			"Loops[1] =": {time.Second, -time.Second},
			"Loops =":    make([]time.Duration, 1001),
		} {
			var out bytes.Buffer
			_, err := f(&out, loops)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), param) {
				t.Errorf("%s(%s bad) error = %v; want ErrBadParam naming it", name, param, err)
			}
			if out.Len() != 0 {
				t.Errorf("%s printed %q for a bad parameter; want nothing", name, out.String())
			}
		}
	}
}

// loopsNames is the name every thread of each loopsScenario has ("":
// automatic names).
var loopsNames = map[string]string{"ThreadCallable": "loop", "ThreadSubclass": "loop"}

// checkJoinOrder asserts S04's invariant (LoopsResult.Check) and the
// all-zero schedule's exact times (LoopsResult.CheckAllZero, main joining
// from from).
func checkJoinOrder(t *testing.T, name string, from time.Duration, loops []time.Duration, res scenarios.LoopsResult) {
	t.Helper()
	if err := res.Check(loops, name); err != nil {
		t.Fatal(err)
	}
	if err := res.CheckAllZero(loops, from); err != nil {
		t.Error(err)
	}
}

func TestLoopsScenariosShapes(t *testing.T) {
	s := time.Second
	for name, f := range loopsScenarios {
		for _, loops := range [][]time.Duration{
			{4 * s, 2 * s}, // the tutorial's
			nil,
			{0},
			{2 * s, 4 * s},
			{s, 3 * s, 2 * s, 0, 3 * s},
		} {
			var res scenarios.LoopsResult
			var err error
			if _, rerr := interleave.Run(func() { res, err = f(nil, loops) }); rerr != nil || err != nil {
				t.Fatalf("%s(%v): run error %v, error %v", name, loops, rerr, err)
			}
			checkJoinOrder(t, loopsNames[name], 0, loops, res)
		}
	}
}

// TestLoopsScenariosEverySchedule checks S04's invariant (LoopsResult.Check:
// no Join returns before its thread's loop did) over every schedule with up
// to two preemptions.
func TestLoopsScenariosEverySchedule(t *testing.T) {
	loops := []time.Duration{time.Millisecond, 0}
	for name, f := range loopsScenarios {
		cov, err := interleave.Exhaustive(func() {
			res, err := f(nil, loops)
			if err == nil {
				err = res.Check(loops, loopsNames[name])
			}
			if err != nil {
				panic(err)
			}
		}, 2)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %v", name, cov)
		if cov.Runs() < 10 {
			t.Errorf("%s: Exhaustive ran %d schedules; want several", name, cov.Runs())
		}
	}
}

func TestThreadFunctionNames(t *testing.T) {
	var res scenarios.LoopsResult
	if _, err := interleave.Run(func() { res, _ = scenarios.ThreadFunction(nil, scenarios.DefaultThreadFunctionConfig()) }); err != nil {
		t.Fatal(err)
	}
	// Automatic names, counted per model run, as Python's Thread-N.
	for i, want := range []string{"Thread-1", "Thread-2"} {
		if got := res.Loops[i].Name; !strings.HasPrefix(got, want) {
			t.Errorf("Loops[%d].Name = %q; want %q...", i, got, want)
		}
	}
}

// TestLoopsCheckCatchesEachBreak: Check and CheckAllZero fail on each part
// of S04's invariants, one broken at a time from a good result.
func TestLoopsCheckCatchesEachBreak(t *testing.T) {
	s := time.Second
	loops := []time.Duration{2 * s, s}
	good := func() scenarios.LoopsResult {
		return scenarios.LoopsResult{Loops: []scenarios.LoopRun{
			{Name: "loop", Loop: 0, Sleep: 2 * s, Returned: true, ReturnedAt: 2 * s, Joined: true, JoinedAt: 2 * s},
			{Name: "loop", Loop: 1, Sleep: s, Returned: true, ReturnedAt: s, Joined: true, JoinedAt: 2 * s},
		}, AllDoneAt: 2 * s}
	}
	if err := good().Check(loops, "loop"); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	if err := good().Check(loops, ""); err != nil {
		t.Fatalf("Check(good, any name) = %v; want nil", err)
	}
	if err := good().CheckAllZero(loops, 0); err != nil {
		t.Fatalf("CheckAllZero(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.LoopsResult){
		"loop missing":      func(r *scenarios.LoopsResult) { r.Loops = r.Loops[:1] },
		"out of order":      func(r *scenarios.LoopsResult) { r.Loops[0].Loop = 1 },
		"wrong sleep":       func(r *scenarios.LoopsResult) { r.Loops[1].Sleep = 2 * s },
		"not returned":      func(r *scenarios.LoopsResult) { r.Loops[1].Returned = false },
		"not joined":        func(r *scenarios.LoopsResult) { r.Loops[1].Joined = false },
		"before its sleep":  func(r *scenarios.LoopsResult) { r.Loops[0].ReturnedAt = s },
		"join before end":   func(r *scenarios.LoopsResult) { r.Loops[1].ReturnedAt, r.Loops[1].JoinedAt = 2*s, s },
		"all DONE too soon": func(r *scenarios.LoopsResult) { r.AllDoneAt = s },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(loops, ""); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
		if err := r.CheckAllZero(loops, 0); err == nil {
			t.Errorf("%s: CheckAllZero = nil; want an error", name)
		}
	}
	r := good()
	r.Loops[1].Name = "Thread-2"
	if err := r.Check(loops, "loop"); err == nil {
		t.Errorf("misnamed: Check = nil; want an error")
	}
	r.Loops[1].Name = ""
	if err := r.Check(loops, ""); err == nil {
		t.Errorf("unnamed: Check = nil; want an error")
	}
	// Times a schedule's delays can give, but not the all-zero schedule.
	for name, breakIt := range map[string]func(*scenarios.LoopsResult){
		"returned late": func(r *scenarios.LoopsResult) { r.Loops[1].ReturnedAt = 2 * s },
		"joined late":   func(r *scenarios.LoopsResult) { r.Loops[1].JoinedAt, r.AllDoneAt = 3*s, 3*s },
		"all DONE late": func(r *scenarios.LoopsResult) { r.AllDoneAt = 3 * s },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(loops, "loop"); err != nil {
			t.Errorf("%s: Check = %v; want nil (a delay may do it)", name, err)
		}
		if err := r.CheckAllZero(loops, 0); err == nil {
			t.Errorf("%s: CheckAllZero = nil; want an error", name)
		}
	}
	if err := good().CheckAllZero(loops, 3*s); err == nil {
		t.Errorf("CheckAllZero(from 3s) = nil; want an error (main joins from 3 s)")
	}
}
