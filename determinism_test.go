package interleave_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"pgregory.net/rapid"
)

// busyBody is three threads that lock, sleep, time out and race, so a
// schedule has many choices of every kind. The timed waits park on their
// own queue: on the lock's queue, Release's WakeOne could wake a timed
// waiter instead of an Acquire and lose that wake-up (the yielders mode
// found the deadlock on random seeds).
func busyBody() {
	var l toyLock
	var idle sched.WaitQueue // guarded by l.mu
	var g toyGroup
	shared := 0
	for i := range 3 {
		g.Go(fmt.Sprintf("T%d", i+1), func() {
			for j := range 3 {
				l.Acquire()
				v := shared
				failpoints.Hit(fpRead, nil)
				shared = v + 1
				l.Release()
				sched.Sleep(time.Duration(i+j) * time.Millisecond)
				l.mu.Lock()
				idle.Wait(&l.mu, "toyLock.Wait", sched.Deadline(time.Millisecond))
				l.mu.Unlock()
			}
		})
	}
	g.Wait()
}

// busyBudget is busyBody's step budget: a run takes under 200 steps. A
// broken scheduler that livelocks it then fails at once rather than at the
// default 200,000 steps, each failing trace printed in full (TraceLimit(0))
// while rapid shrinks it: a pick that ran parked threads kept
// TestReplayScheduleGivesSameTrace running for minutes.
var busyBudget = interleave.MaxSteps(5000)

// withRapidSeed runs fn with -rapid.seed set to seed (and, if checks is
// not empty, -rapid.checks to checks).
func withRapidSeed(t *testing.T, seed string, fn func(), checks ...string) {
	set := func(name, v string) {
		f := flag.Lookup(name)
		old := f.Value.String()
		if err := f.Value.Set(v); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Value.Set(old) })
	}
	set("rapid.seed", seed)
	for _, c := range checks {
		set("rapid.checks", c)
	}
	fn()
}

// tracesForSeed returns the traces of the 20 schedules rapid runs for seed
// (rapid runs a fifth of -rapid.checks under -short: 100 then).
func tracesForSeed(t *testing.T, seed string) []string {
	checks := "20"
	if testing.Short() {
		checks = "100"
	}
	var traces []string
	withRapidSeed(t, seed, func() {
		rapid.Check(t, func(rt *rapid.T) {
			traces = append(traces, interleave.Explore(rt, busyBody, interleave.TraceLimit(0), busyBudget).String())
		})
	}, checks)
	return traces
}

// TestSameSeedSameTraces runs seed 42's 20 schedules 101 times (26 under
// -race, where a run costs several times more and a difference in the
// interleaving shows as much) and wants the same traces, byte for byte.
func TestSameSeedSameTraces(t *testing.T) {
	want := tracesForSeed(t, "42")
	repeats := 100
	if raceEnabled {
		repeats = 25
	}
	for i := range repeats {
		got := tracesForSeed(t, "42")
		if strings.Join(got, "") != strings.Join(want, "") {
			t.Fatalf("run %d of seed 42 differs from the first", i)
		}
	}
	distinct := map[string]bool{}
	for _, tr := range want {
		distinct[tr] = true
	}
	if len(distinct) < 5 {
		t.Fatalf("seed 42 gave only %d distinct traces in %d schedules; the schedule is not being explored", len(distinct), len(want))
	}
}

func TestReplayScheduleGivesSameTrace(t *testing.T) {
	withRapidSeed(t, "7", func() {
		rapid.Check(t, func(rt *rapid.T) {
			tr := interleave.Explore(rt, busyBody, interleave.TraceLimit(0), busyBudget)
			sched, err := interleave.ParseSchedule(tr.Schedule.String())
			if err != nil {
				rt.Fatal(err)
			}
			again, err := interleave.Run(busyBody, interleave.Replay(sched), interleave.TraceLimit(0), busyBudget)
			if err != nil {
				rt.Fatal(err)
			}
			if again.String() != tr.String() {
				rt.Fatalf("Replay(%q) differs:\n%s\nwant\n%s", tr.Schedule, again, tr)
			}
		})
	})
}

// TestTracesAcrossProcesses runs the same seed in two child processes and
// compares what they print, byte for byte.
func TestTracesAcrossProcesses(t *testing.T) {
	if os.Getenv("INTERLEAVE_CHILD_TRACE") != "" {
		for _, tr := range tracesForSeed(t, os.Getenv("INTERLEAVE_CHILD_TRACE")) {
			fmt.Print(tr)
		}
		return
	}
	out := func() string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTracesAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "INTERLEAVE_CHILD_TRACE=99")
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, b)
		}
		return string(b)
	}
	a, b := out(), out()
	if a != b {
		t.Fatalf("two processes with seed 99 printed different traces (%d and %d bytes)", len(a), len(b))
	}
	if strings.Count(a, "interleaving ") != 20 {
		t.Fatalf("child printed %d traces; want one per schedule", strings.Count(a, "interleaving "))
	}
}
