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

// checkJoinOrder asserts the all-zero schedule's outcome: loop i returns at
// its length, main's i'th Join returns when the longest of loops 0..i has
// returned, and "all DONE" comes at the longest loop.
func checkJoinOrder(t *testing.T, loops []time.Duration, res scenarios.LoopsResult) {
	t.Helper()
	checkJoinOrderFrom(t, 0, loops, res)
}

// checkJoinOrderFrom is checkJoinOrder for a main that starts joining at
// from.
func checkJoinOrderFrom(t *testing.T, from time.Duration, loops []time.Duration, res scenarios.LoopsResult) {
	t.Helper()
	if len(res.Loops) != len(loops) {
		t.Fatalf("len(Loops) = %d; want %d", len(res.Loops), len(loops))
	}
	longest := from
	for i, d := range loops {
		longest = max(longest, d)
		l := res.Loops[i]
		if l.Loop != i || l.Sleep != d || !l.Returned || l.ReturnedAt != d || !l.Joined || l.JoinedAt != longest {
			t.Errorf("Loops[%d] = %+v; want returned at %v, joined at %v", i, l, d, longest)
		}
	}
	if res.AllDoneAt != longest {
		t.Errorf("AllDoneAt = %v; want %v", res.AllDoneAt, longest)
	}
}

// checkJoinAfterReturn asserts what holds on every schedule: every Join
// returned, after its thread's loop returned, and "all DONE" after every
// Join.
func checkJoinAfterReturn(res scenarios.LoopsResult) error {
	for _, l := range res.Loops {
		if !l.Returned || !l.Joined || l.JoinedAt < l.ReturnedAt || res.AllDoneAt < l.JoinedAt {
			return errors.New("join before return: " + l.Name)
		}
	}
	return nil
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
			checkJoinOrder(t, loops, res)
		}
	}
}

// TestLoopsScenariosEverySchedule checks, over every schedule with up to two
// preemptions, that no Join returns before its thread's loop did.
func TestLoopsScenariosEverySchedule(t *testing.T) {
	loops := []time.Duration{time.Millisecond, 0}
	for name, f := range loopsScenarios {
		cov, err := interleave.Exhaustive(func() {
			res, err := f(nil, loops)
			if err == nil {
				err = checkJoinAfterReturn(res)
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
