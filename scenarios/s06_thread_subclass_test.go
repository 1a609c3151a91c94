package scenarios_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

// The shared checks (parameters, join order, every schedule) are in
// s04_thread_func_test.go, over ThreadFunction, ThreadCallable and
// ThreadSubclass alike.

func TestThreadSubclassBadReadAfter(t *testing.T) {
	cfg := scenarios.DefaultThreadSubclassConfig()
	cfg.ReadAfter = -time.Second
	for name, f := range map[string]func() (scenarios.ThreadSubclassResult, error){
		"ThreadSubclass":   func() (scenarios.ThreadSubclassResult, error) { return scenarios.ThreadSubclass(nil, cfg) },
		"ResultBeforeJoin": func() (scenarios.ThreadSubclassResult, error) { return scenarios.ResultBeforeJoin(nil, cfg) },
	} {
		if _, err := f(); !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), "ReadAfter") {
			t.Errorf("%s(ReadAfter: -1s) error = %v; want ErrBadParam naming ReadAfter", name, err)
		}
	}
}

func runThreadSubclass(t *testing.T, f func(cfg scenarios.ThreadSubclassConfig) (scenarios.ThreadSubclassResult, error), cfg scenarios.ThreadSubclassConfig) scenarios.ThreadSubclassResult {
	t.Helper()
	var res scenarios.ThreadSubclassResult
	var err error
	if _, rerr := interleave.Run(func() { res, err = f(cfg) }); rerr != nil || err != nil {
		t.Fatalf("run error %v, error %v", rerr, err)
	}
	return res
}

func threadSubclass(cfg scenarios.ThreadSubclassConfig) (scenarios.ThreadSubclassResult, error) {
	return scenarios.ThreadSubclass(nil, cfg)
}

func resultBeforeJoin(cfg scenarios.ThreadSubclassConfig) (scenarios.ThreadSubclassResult, error) {
	return scenarios.ResultBeforeJoin(nil, cfg)
}

func TestThreadSubclassDefault(t *testing.T) {
	cfg := scenarios.DefaultThreadSubclassConfig()
	cfg.ReadAfter = time.Hour // ignored by the correct version
	res := runThreadSubclass(t, threadSubclass, cfg)
	if err := res.Check(cfg); err != nil {
		t.Fatal(err)
	}
	checkJoinOrder(t, "loop", 0, cfg.Loops, res.LoopsResult)
	for i := range cfg.Loops {
		if res.ReadAt[i] != res.Loops[i].JoinedAt {
			t.Errorf("thread %d: result read at %v; want at its join %v (all-zero schedule)", i, res.ReadAt[i], res.Loops[i].JoinedAt)
		}
	}
}

// TestResultBeforeJoinAllZero: under the all-zero schedule main reads at
// ReadAfter, and only the loops strictly shorter than that are done.
func TestResultBeforeJoinAllZero(t *testing.T) {
	s := time.Second
	loops := []time.Duration{4 * s, 2 * s, 0}
	for _, after := range []time.Duration{0, s, 2 * s, 3 * s, 5 * s} {
		res := runThreadSubclass(t, resultBeforeJoin, scenarios.ThreadSubclassConfig{Loops: loops, ReadAfter: after})
		checkJoinOrder(t, "loop", after, loops, res.LoopsResult)
		for i, d := range loops {
			there := d < after
			want := time.Duration(0)
			if there {
				want = d
			}
			if res.SawResult[i] != there || res.Results[i] != want || res.ReadAt[i] != after {
				t.Errorf("ReadAfter %v, thread %d: result %v (there %v) read at %v; want %v (there %v) at %v",
					after, i, res.Results[i], res.SawResult[i], res.ReadAt[i], want, there, after)
			}
		}
	}
}

// TestResultBeforeJoinSchedules: whether the early read sees the result
// depends on the schedule alone; the exhaustive explorer finds both
// outcomes, while the correct version sees every result on every schedule.
func TestResultBeforeJoinSchedules(t *testing.T) {
	cfg := scenarios.ThreadSubclassConfig{Loops: []time.Duration{0, 0}}
	seen := map[[2]bool]bool{}
	if _, err := interleave.Exhaustive(func() {
		res, err := scenarios.ResultBeforeJoin(nil, cfg)
		if err != nil {
			panic(err)
		}
		seen[[2]bool{res.SawResult[0], res.SawResult[1]}] = true
	}, 2); err != nil {
		t.Fatal(err)
	}
	if !seen[[2]bool{false, false}] || !seen[[2]bool{true, true}] || !seen[[2]bool{true, false}] {
		t.Errorf("ResultBeforeJoin outcomes = %v; want at least none, both, and only the first", seen)
	}
	if _, err := interleave.Exhaustive(func() {
		res, err := scenarios.ThreadSubclass(nil, cfg)
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			panic(err)
		}
	}, 2); err != nil {
		t.Errorf("ThreadSubclass: %v", err)
	}
}

// TestThreadSubclassRealMode runs the correct version on real threads (no
// sleeps): under -race it shows that reading the result after Join is not
// a data race, and the run keeps S06's invariant.
func TestThreadSubclassRealMode(t *testing.T) {
	cfg := scenarios.ThreadSubclassConfig{Loops: []time.Duration{0, 0, 0}}
	res, err := bounded.Call(t, "scenarios.ThreadSubclass in real mode", func() (scenarios.ThreadSubclassResult, error) { return scenarios.ThreadSubclass(nil, cfg) })
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
}

func TestMyThread(t *testing.T) {
	_, err := interleave.Run(func() {
		mt := scenarios.NewMyThread(func(s string) string {
			primitives.Sleep(time.Second)
			return strings.ToUpper(s)
		}, "cn", "download_one")
		if r, ok := mt.GetResult(); ok || r != "" {
			t.Errorf("GetResult before Start = %q, %v; want \"\", false", r, ok)
		}
		mt.Start()
		if !mt.IsAlive() || mt.Name() != "download_one" {
			t.Errorf("after Start: alive %v, name %q; want true, download_one", mt.IsAlive(), mt.Name())
		}
		mt.Join()
		if r, ok := mt.GetResult(); !ok || r != "CN" {
			t.Errorf("GetResult after Join = %q, %v; want \"CN\", true", r, ok)
		}
		if mt.Err() != nil {
			t.Errorf("Err() = %v; want nil", mt.Err())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMyThreadPanics: a function that panics leaves no result, and the
// Thread reports the panic.
func TestMyThreadPanics(t *testing.T) {
	quietExceptHook(t)
	boom := errors.New("boom")
	_, err := interleave.Run(func() {
		mt := scenarios.NewMyThread(func(int) int { panic(boom) }, 0, "")
		mt.Start()
		mt.Join()
		if _, ok := mt.GetResult(); ok {
			t.Errorf("GetResult after a panic: ok = true; want false")
		}
		if !errors.Is(mt.Err(), boom) {
			t.Errorf("Err() = %v; want boom", mt.Err())
		}
		if !strings.HasPrefix(mt.Name(), "Thread-") {
			t.Errorf("Name() = %q; want the automatic Thread-N", mt.Name())
		}
	}, interleave.ExpectPanics())
	if err != nil {
		t.Fatal(err)
	}
}

// TestThreadSubclassCheckCatchesEachBreak: Check fails on each part of
// S06's invariant, one broken at a time from a good result.
func TestThreadSubclassCheckCatchesEachBreak(t *testing.T) {
	s := time.Second
	cfg := scenarios.ThreadSubclassConfig{Loops: []time.Duration{s}}
	good := func() scenarios.ThreadSubclassResult {
		return scenarios.ThreadSubclassResult{
			LoopsResult: scenarios.LoopsResult{Loops: []scenarios.LoopRun{
				{Name: "loop", Sleep: s, Returned: true, ReturnedAt: s, Joined: true, JoinedAt: s},
			}, AllDoneAt: s},
			Results: []time.Duration{s}, SawResult: []bool{true}, ReadAt: []time.Duration{s},
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.ThreadSubclassResult){
		"S04's part":       func(r *scenarios.ThreadSubclassResult) { r.Loops[0].Joined = false },
		"automatic name":   func(r *scenarios.ThreadSubclassResult) { r.Loops[0].Name = "Thread-1" },
		"result missing":   func(r *scenarios.ThreadSubclassResult) { r.Results, r.SawResult, r.ReadAt = nil, nil, nil },
		"not there":        func(r *scenarios.ThreadSubclassResult) { r.SawResult[0], r.Results[0] = false, 0 },
		"wrong value":      func(r *scenarios.ThreadSubclassResult) { r.Results[0] = 2 * s },
		"read before join": func(r *scenarios.ThreadSubclassResult) { r.ReadAt[0] = s / 2 },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}
