package properties_test

import (
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
		if err := res.Check(cfg); err != nil {
			rt.Fatalf("Introspection(%d): %v", cfg.Threads, err)
		}
	})
}
