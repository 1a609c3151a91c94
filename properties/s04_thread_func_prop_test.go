package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS04ThreadFunc: on every explored schedule each Join returns only
// after its target returned, every target ran its whole sleep, and "all
// DONE" comes after every Join; under the all-zero schedule each loop
// returns exactly at its sleep and "all DONE" exactly at the longest.
func TestPropS04ThreadFunc(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S04ThreadFunc", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadFunctionConfig{Loops: drawLoops(rt, 4, 5000)}
		run := func() (scenarios.LoopsResult, error) { return scenarios.ThreadFunction(nil, cfg) }
		checkLoops(rt, cfg.Loops, exploreScenario(rt, cov, run), false, "")
		checkLoops(rt, cfg.Loops, runZero(rt, run), true, "")
	})
}

// checkLoops checks S04–S06's loops: joined only after returning, "all
// DONE" after every join; exact times if exact (the all-zero schedule);
// each thread named name unless name is "".
func checkLoops(rt *rapid.T, loops []time.Duration, res scenarios.LoopsResult, exact bool, name string) {
	rt.Helper()
	if len(res.Loops) != len(loops) {
		rt.Fatalf("len(Loops) = %d; want %d", len(res.Loops), len(loops))
	}
	for i, l := range res.Loops {
		switch {
		case l.Loop != i || l.Sleep != loops[i] || (name != "" && l.Name != name) || l.Name == "":
			rt.Fatalf("Loops[%d] = %+v; want loop %d sleeping %v, named %q", i, l, i, loops[i], name)
		case !l.Returned || !l.Joined:
			rt.Fatalf("Loops[%d]: returned %v, joined %v; want both", i, l.Returned, l.Joined)
		case l.ReturnedAt < loops[i] || l.JoinedAt < l.ReturnedAt || res.AllDoneAt < l.JoinedAt:
			rt.Fatalf("Loops[%d]: returned at %v, joined at %v, all DONE at %v; want %v <= returned <= joined <= all DONE",
				i, l.ReturnedAt, l.JoinedAt, res.AllDoneAt, loops[i])
		case exact && l.ReturnedAt != loops[i]:
			rt.Fatalf("Loops[%d].ReturnedAt (all-zero schedule) = %v; want %v", i, l.ReturnedAt, loops[i])
		}
	}
	if exact && res.AllDoneAt != maxDuration(loops) {
		rt.Fatalf("AllDoneAt (all-zero schedule) = %v; want the longest loop %v", res.AllDoneAt, maxDuration(loops))
	}
}
