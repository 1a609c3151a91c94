package scenarios_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestIntrospectionBadParams(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1, 101} {
		_, err := scenarios.Introspection(io.Discard, scenarios.IntrospectionConfig{Threads: n})
		if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), "Threads") {
			t.Errorf("Threads = %d: %v, want an ErrBadParam naming Threads", n, err)
		}
	}
}

func TestIntrospectionDefault(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			var res scenarios.IntrospectionResult
			var err error
			var hooksAfter bool
			if _, rerr := interleave.Run(func() {
				res, err = scenarios.Introspection(io.Discard, scenarios.IntrospectionConfig{Threads: n})
				hooksAfter = primitives.GetTrace() != nil || primitives.GetProfile() != nil
			}); rerr != nil {
				t.Fatal(rerr)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Check(scenarios.IntrospectionConfig{Threads: n}); err != nil {
				t.Error(err)
			}
			if hooksAfter {
				t.Error("the scenario left its hooks installed")
			}
		})
	}
}

// TestIntrospectionEverySchedule: the invariants hold on every schedule
// with up to one preemption (two threads).
func TestIntrospectionEverySchedule(t *testing.T) {
	t.Parallel()
	bad := ""
	cov, err := interleave.Exhaustive(func() {
		res, err := scenarios.Introspection(io.Discard, scenarios.IntrospectionConfig{Threads: 2})
		if err == nil {
			err = res.Check(scenarios.IntrospectionConfig{Threads: 2})
		}
		if err != nil && bad == "" {
			bad = err.Error()
		}
	}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if bad != "" {
		t.Fatal(bad)
	}
	t.Logf("Introspection: %v", cov)
}

// TestIntrospectionChainsHooks: a hook installed before the scenario still
// sees the threads started after it, and never the scenario's own.
func TestIntrospectionChainsHooks(t *testing.T) {
	t.Parallel()
	var foreign []string
	var res scenarios.IntrospectionResult
	if _, err := interleave.Run(func() {
		primitives.SetTrace(func(th *primitives.Thread, event string) { foreign = append(foreign, th.Name()+" "+event) })
		res, _ = scenarios.Introspection(io.Discard, scenarios.DefaultIntrospectionConfig())
		other := primitives.NewThread(nil, primitives.WithName("other"))
		other.Start()
		other.Join()
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"other call", "other return"}; !slices.Equal(foreign, want) {
		t.Errorf("the earlier hook saw %q, want %q", foreign, want)
	}
	if len(res.Trace) != 6 {
		t.Errorf("the scenario's hook saw %v", res.Trace)
	}
}

// TestIntrospectionRealMode runs S08 on real goroutines. It is not
// parallel: real-mode hooks are process-wide, as Python's are.
func TestIntrospectionRealMode(t *testing.T) {
	res, err := bounded.Call(t, "scenarios.Introspection in real mode", func() (scenarios.IntrospectionResult, error) {
		return scenarios.Introspection(io.Discard, scenarios.DefaultIntrospectionConfig())
	})
	if err != nil {
		t.Fatal(err)
	}
	if primitives.GetTrace() != nil || primitives.GetProfile() != nil {
		t.Error("the scenario left its hooks installed")
	}
	if !slices.Equal(res.Current, res.Threads) || len(res.Trace) != 6 || len(res.Profile) != 6 {
		t.Errorf("current %q threads %q trace %v profile %v", res.Current, res.Threads, res.Trace, res.Profile)
	}
	waiting := res.Snapshots[len(res.Threads)+1]
	if waiting.ActiveCount < 4 || !slices.Equal(waiting.Alive, res.Threads) {
		t.Errorf("all waiting: %+v", waiting)
	}
	for _, name := range res.Threads {
		if !slices.Contains(waiting.Names, name) {
			t.Errorf("enumerate() %q lacks %s while it waits", waiting.Names, name)
		}
	}
	if last := res.Snapshots[len(res.Snapshots)-1]; len(last.Alive) != 0 || !slices.Contains(last.Names, "MainThread") {
		t.Errorf("after the joins: %+v", last)
	}
}

// TestIntrospectionCheckRejects feeds IntrospectionResult.Check a good
// result of a model run, then copies of it broken one way each.
func TestIntrospectionCheckRejects(t *testing.T) {
	t.Parallel()
	cfg := scenarios.IntrospectionConfig{Threads: 2}
	var good scenarios.IntrospectionResult
	if _, err := interleave.Run(func() { good, _ = scenarios.Introspection(io.Discard, cfg) }); err != nil {
		t.Fatal(err)
	}
	if err := good.Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	// clone copies r deeply enough for each edit below.
	clone := func(r scenarios.IntrospectionResult) scenarios.IntrospectionResult {
		c := r
		c.Snapshots = slices.Clone(r.Snapshots)
		for i := range c.Snapshots {
			c.Snapshots[i].Alive = slices.Clone(r.Snapshots[i].Alive)
			c.Snapshots[i].Names = slices.Clone(r.Snapshots[i].Names)
		}
		c.Current = slices.Clone(r.Current)
		c.Trace = slices.Clone(r.Trace)
		return c
	}
	for name, edit := range map[string]func(r *scenarios.IntrospectionResult){
		"a snapshot missing":        func(r *scenarios.IntrospectionResult) { r.Snapshots = r.Snapshots[:len(r.Snapshots)-1] },
		"current is not MainThread": func(r *scenarios.IntrospectionResult) { r.Snapshots[1].Current = r.Threads[0] },
		"active_count off by one":   func(r *scenarios.IntrospectionResult) { r.Snapshots[2].ActiveCount++ },
		"a started thread not alive": func(r *scenarios.IntrospectionResult) {
			r.Snapshots[2].Alive = r.Snapshots[2].Alive[:1]
			r.Snapshots[2].Names = r.Snapshots[2].Names[:2]
			r.Snapshots[2].ActiveCount = 2
		},
		"the joined thread still alive": func(r *scenarios.IntrospectionResult) {
			s := &r.Snapshots[len(r.Snapshots)-2] // joined the first thread
			s.Alive = []string{r.Threads[0]}
			s.Names = []string{"MainThread", r.Threads[0]}
			s.ActiveCount = 2
		},
		"a thread saw another as current": func(r *scenarios.IntrospectionResult) { r.Current[0] = r.Threads[1] },
		"a trace event lost":              func(r *scenarios.IntrospectionResult) { r.Trace = r.Trace[1:] },
	} {
		bad := clone(good)
		edit(&bad)
		if err := bad.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}
