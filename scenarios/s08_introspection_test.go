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

// checkIntrospection checks S08's invariants on a model run's result:
// enumerate() lists exactly the main thread and the scenario's live threads,
// active_count() is its length, and each hook saw every thread's call and
// return, in that order.
func checkIntrospection(res scenarios.IntrospectionResult, n int) error {
	if len(res.Threads) != n || len(res.Snapshots) != 2*n+2 {
		return fmt.Errorf("%d threads, %d snapshots, want %d and %d", len(res.Threads), len(res.Snapshots), n, 2*n+2)
	}
	for i, s := range res.Snapshots {
		want := append([]string{"MainThread"}, s.Alive...)
		if !slices.Equal(s.Names, want) || s.ActiveCount != len(s.Names) || s.Current != "MainThread" {
			return fmt.Errorf("snapshot %d (%s): active_count %d enumerate %q current %q, alive %q",
				i, s.Step, s.ActiveCount, s.Names, s.Current, s.Alive)
		}
	}
	// Alive after each step: none, 1..n started, all n waiting, then the
	// joined one is gone (others may have ended already).
	for k := 0; k <= n; k++ {
		if got := res.Snapshots[k].Alive; !slices.Equal(got, res.Threads[:k]) {
			return fmt.Errorf("snapshot %q: alive %q, want %q", res.Snapshots[k].Step, got, res.Threads[:k])
		}
	}
	if got := res.Snapshots[n+1].Alive; !slices.Equal(got, res.Threads) {
		return fmt.Errorf("all waiting: alive %q, want every thread", got)
	}
	for k, name := range res.Threads {
		s := res.Snapshots[n+2+k]
		if s.Step != "joined "+name || slices.Contains(s.Alive, name) {
			return fmt.Errorf("snapshot %q: alive %q after joining %s", s.Step, s.Alive, name)
		}
	}
	if !slices.Equal(res.Current, res.Threads) {
		return fmt.Errorf("threads saw current_thread %q, want %q", res.Current, res.Threads)
	}
	for hook, events := range map[string][]scenarios.HookEvent{"trace": res.Trace, "profile": res.Profile} {
		seen := map[string]string{}
		for _, e := range events {
			seen[e.Thread] += e.Event + " "
		}
		if len(events) != 2*n || len(seen) != n {
			return fmt.Errorf("%s hook saw %v, want call and return of each thread", hook, events)
		}
		for _, name := range res.Threads {
			if seen[name] != "call return " {
				return fmt.Errorf("%s hook saw %q of %s, want call then return", hook, seen[name], name)
			}
		}
	}
	return nil
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
			if err := checkIntrospection(res, n); err != nil {
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
			err = checkIntrospection(res, 2)
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
