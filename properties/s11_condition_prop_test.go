package properties_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS11Condition: on every explored schedule the guarded handshake
// prints the tutorial's order (tc1 0..WaitAt, tc2 0..Count-1, tc1 the rest)
// and follows it exactly: tc1 acquires and waits, tc2 acquires, notifies
// Count times (the first notify finds one waiter, the others none: notify
// took tc1 off the waiters), releases, and only then tc1 wakes — after the
// notify and after the notifier released the lock. WaitForVersion never
// hangs, and prints the tutorial's order whenever tc1 took the lock first.
func TestPropS11Condition(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S11Condition", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.DefaultConditionConfig()
		cfg.Count = rapid.IntRange(1, 5).Draw(rt, "count")
		cfg.WaitAt = rapid.IntRange(0, cfg.Count-1).Draw(rt, "wait at")
		cfg.Tc1Sleep = drawMs(rt, "tc1 sleep", 0, 500, 100)
		cfg.Tc2Sleep = drawMs(rt, "tc2 sleep", 0, 500, 100)
		waitFor := rapid.Bool().Draw(rt, "wait_for version")
		run := scenarios.Condition
		if waitFor {
			run = scenarios.WaitForVersion
		}
		res := exploreScenario(rt, cov, func() (scenarios.ConditionResult, error) { return run(nil, cfg) })
		checkConditionCounts(rt, cfg, res)
		if waitFor && res.Events[0].Thread == res.Tc2 { // tc2 first: tc1 does not wait at all
			want := append(conditionLines(res.Tc2, 0, cfg.Count), conditionLines(res.Tc1, 0, cfg.Count)...)
			if res.Waited || !slices.Equal(res.Lines, want) {
				rt.Fatalf("WaitForVersion(%+v), tc2 first: waited %v, lines %v; want false, %v", cfg, res.Waited, res.Lines, want)
			}
			return
		}
		checkHandshake(rt, cfg, res)
	})
}

// checkConditionCounts: tc1 got past its wait, tc2 notified Count times.
func checkConditionCounts(rt *rapid.T, cfg scenarios.ConditionConfig, res scenarios.ConditionResult) {
	rt.Helper()
	if !res.Woke || res.Notifies != cfg.Count {
		rt.Fatalf("Condition(%+v): woke %v, %d notifies; want true, %d", cfg, res.Woke, res.Notifies, cfg.Count)
	}
}

// checkHandshake asserts the tutorial's printout and the exact handshake.
func checkHandshake(rt *rapid.T, cfg scenarios.ConditionConfig, res scenarios.ConditionResult) {
	rt.Helper()
	want := conditionLines(res.Tc1, 0, cfg.WaitAt+1)
	want = append(want, conditionLines(res.Tc2, 0, cfg.Count)...)
	want = append(want, conditionLines(res.Tc1, cfg.WaitAt+1, cfg.Count)...)
	if !slices.Equal(res.Lines, want) {
		rt.Fatalf("Condition(%+v) lines = %v; want %v", cfg, res.Lines, want)
	}
	wantEvents := []string{res.Tc1 + " acquired 0", res.Tc1 + " wait 0", res.Tc2 + " acquired 0", res.Tc2 + " notify 1"}
	for range cfg.Count - 1 {
		wantEvents = append(wantEvents, res.Tc2+" notify 0")
	}
	wantEvents = append(wantEvents, res.Tc2+" release 0", res.Tc1+" woke 0", res.Tc1+" release 0")
	var got []string
	for _, e := range res.Events {
		got = append(got, fmt.Sprintf("%s %s %d", e.Thread, e.What, e.Waiters))
	}
	if !slices.Equal(got, wantEvents) || !res.Waited || res.Heard != 1 {
		rt.Fatalf("Condition(%+v) handshake = %v (waited %v, heard %d); want %v (waited, heard 1)", cfg, got, res.Waited, res.Heard, wantEvents)
	}
	if woke, released := res.Events[len(res.Events)-2], res.Events[len(res.Events)-3]; woke.At < released.At {
		rt.Fatalf("Condition(%+v): tc1 woke at %v, before tc2 released the lock at %v", cfg, woke.At, released.At)
	}
}

func conditionLines(name string, from, to int) []string {
	var lines []string
	for i := from; i < to; i++ {
		lines = append(lines, fmt.Sprintf("%s %d", name, i))
	}
	return lines
}
