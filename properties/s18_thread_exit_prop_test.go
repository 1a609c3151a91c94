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

// TestPropS18ThreadExit: on every explored schedule each of the three
// threads (returning, ExitThread in the middle, stopped cooperatively)
// runs its deferred clean-up exactly once, as its last event, ends without
// an error, is listed by Enumerate while it runs and is neither alive nor
// listed once joined; the exiter takes exactly ExitAfter steps and nothing
// after ExitThread runs; the returner takes every step; the stoppable
// thread stops only once the stop was set.
func TestPropS18ThreadExit(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S18ThreadExit", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.ThreadExitConfig{
			Steps:     rapid.IntRange(1, 4).Draw(rt, "steps"),
			StepTime:  drawMs(rt, "step time", 250, 1000, 250), // > 0: the stoppable thread's wait must let time pass
			StopAfter: drawMs(rt, "stop after", 0, 3000, 250),
		}
		cfg.ExitAfter = rapid.IntRange(0, cfg.Steps).Draw(rt, "exit after")
		res := exploreScenario(rt, cov, func() (scenarios.ThreadExitResult, error) { return scenarios.ThreadExit(nil, cfg) })
		for _, e := range []scenarios.ThreadEnd{res.Returner, res.Exiter, res.Stoppable} {
			if !e.CleanedUp || e.Err != nil || !e.ListedWhileLive || e.AliveAfterJoin || e.ListedAfterJoin {
				rt.Fatalf("ThreadExit(%+v) %s = %+v; want cleaned up, no error, listed while live, neither alive nor listed after Join", cfg, e.Name, e)
			}
			var mine []string
			for _, ev := range res.Events {
				if name, what, _ := cut(ev); name == e.Name {
					mine = append(mine, what)
				}
			}
			if mine[len(mine)-1] != "cleanup" || slices.Index(mine, "cleanup") != len(mine)-1 {
				rt.Fatalf("%s's events = %v; want its clean-up once, last", e.Name, mine)
			}
			var want []string
			switch e.Name {
			case "returner":
				want = append(stepEvents(cfg.Steps), "return", "cleanup")
			case "exiter":
				want = append(stepEvents(cfg.ExitAfter), "ExitThread", "cleanup")
			default:
				want = append(stepEvents(e.Steps), "stop seen", "cleanup")
			}
			if !slices.Equal(mine, want) {
				rt.Fatalf("%s's events = %v; want %v", e.Name, mine, want)
			}
		}
		switch {
		case res.Returner.Steps != cfg.Steps || res.Returner.ExitThread:
			rt.Fatalf("returner: %d steps, ExitThread %v; want %d, false", res.Returner.Steps, res.Returner.ExitThread, cfg.Steps)
		case res.Exiter.Steps != cfg.ExitAfter || !res.Exiter.ExitThread:
			rt.Fatalf("exiter: %d steps, ExitThread %v; want %d, true", res.Exiter.Steps, res.Exiter.ExitThread, cfg.ExitAfter)
		case res.Stoppable.CleanedUpAt < res.StopSetAt || res.StopSetAt < cfg.StopAfter || res.JoinedAt < res.StopSetAt:
			rt.Fatalf("stop set at %v, stoppable cleaned up at %v, joined at %v; want stop >= %v, clean-up and join after the stop",
				res.StopSetAt, res.Stoppable.CleanedUpAt, res.JoinedAt, cfg.StopAfter)
		case !slices.Equal(res.RegistryAfter, []string{"MainThread"}) || !slices.Contains(res.RegistryBefore, "MainThread"):
			rt.Fatalf("registry before %v, after %v; want MainThread in both, alone after", res.RegistryBefore, res.RegistryAfter)
		}
	})
}

func cut(event string) (name, what string, ok bool) {
	for i := 0; i+1 < len(event); i++ {
		if event[i] == ':' && event[i+1] == ' ' {
			return event[:i], event[i+2:], true
		}
	}
	return "", event, false
}

func stepEvents(n int) []string {
	steps := []string{}
	for i := range n {
		steps = append(steps, fmt.Sprintf("step %d", i))
	}
	return steps
}
