package properties_test

import (
	"slices"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS08Introspection: on every explored schedule active_count() and
// enumerate() match the threads actually alive at each step (the main
// thread, then the started ones, in start order), current_thread() names
// the calling thread, and the trace and profile hooks each see exactly one
// "call" then one "return" of every thread. (SetTrace and SetProfile are per
// model run inside one, so the test may run in parallel.)
func TestPropS08Introspection(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S08Introspection", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.IntrospectionConfig{Threads: rapid.IntRange(1, 4).Draw(rt, "threads")}
		res := exploreScenario(rt, cov, func() (scenarios.IntrospectionResult, error) { return scenarios.Introspection(nil, cfg) })
		n := cfg.Threads
		if len(res.Threads) != n || len(res.Snapshots) != 2*n+2 {
			rt.Fatalf("Introspection(%d): %d threads, %d snapshots; want %d, %d", n, len(res.Threads), len(res.Snapshots), n, 2*n+2)
		}
		if !slices.Equal(res.Current, res.Threads) {
			rt.Fatalf("current_thread() in the threads = %v; want %v", res.Current, res.Threads)
		}
		for k, s := range res.Snapshots {
			var alive []string // exactly: before the release every started thread is blocked
			exact := true
			switch {
			case k == 0:
			case k <= n:
				alive = res.Threads[:k]
			case k == n+1:
				alive = res.Threads
			default: // after joining thread j, only threads after j may be alive
				exact = false
				j := k - n - 2
				for _, a := range s.Alive {
					if !slices.Contains(res.Threads[j+1:], a) {
						rt.Fatalf("snapshot %q: %s alive; want only threads not joined yet", s.Step, a)
					}
				}
				alive = s.Alive
			}
			want := append([]string{"MainThread"}, alive...)
			if s.Current != "MainThread" || s.ActiveCount != len(want) || !slices.Equal(s.Names, want) || (exact && !slices.Equal(s.Alive, alive)) {
				rt.Fatalf("snapshot %q = current %q, active_count %d, enumerate %v, alive %v; want MainThread, %d, %v, %v",
					s.Step, s.Current, s.ActiveCount, s.Names, s.Alive, len(want), want, alive)
			}
		}
		for hook, events := range map[string][]scenarios.HookEvent{"trace": res.Trace, "profile": res.Profile} {
			seen := map[string][]string{}
			for _, e := range events {
				seen[e.Thread] = append(seen[e.Thread], e.Event)
			}
			for _, name := range res.Threads {
				if got := seen[name]; !slices.Equal(got, []string{"call", "return"}) {
					rt.Fatalf("%s hook events of %s = %v; want [call return]", hook, name, got)
				}
			}
			if len(events) != 2*n {
				rt.Fatalf("%s hook saw %d events; want %d", hook, len(events), 2*n)
			}
		}
	})
}
