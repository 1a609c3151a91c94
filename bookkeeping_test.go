package interleave_test

import (
	"errors"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/interleave-lab/interleave/primitives"
)

// Tests of the explorer's own bookkeeping: each fails when the count,
// clock or state it names is kept wrong, rather than hanging.

// TestStepBudgetCountsEveryPoint: a body of exactly ten scheduling points
// passes a budget of ten and fails a budget of nine, at the tenth.
func TestStepBudgetCountsEveryPoint(t *testing.T) {
	body := func() {
		for range 10 {
			failpoints.Hit(fpStep, nil)
		}
	}
	if _, err := interleave.Run(body, interleave.MaxSteps(10)); err != nil {
		t.Fatalf("ten points under MaxSteps(10): %v; want a pass", err)
	}
	_, err := bounded.Call(t, "Run under MaxSteps(9)", func() (*interleave.Trace, error) {
		return interleave.Run(body, interleave.MaxSteps(9))
	})
	if !errors.Is(err, interleave.ErrStepBudget) {
		t.Fatalf("ten points under MaxSteps(9): %v; want ErrStepBudget", err)
	}
}

// TestClockJumpsToTheEarliestTimer: three threads sleep 3 s, 1 s and 2 s;
// with nothing else to run, the clock must jump to each pending wake-up in
// turn, earliest first, never past one.
func TestClockJumpsToTheEarliestTimer(t *testing.T) {
	var woke []time.Duration
	var order []string
	_, err := interleave.Run(func() {
		var g toyGroup
		for _, s := range []struct {
			name string
			d    time.Duration
		}{{"three", 3 * time.Second}, {"one", time.Second}, {"two", 2 * time.Second}} {
			g.Go(s.name, func() {
				sched.Sleep(s.d)
				woke = append(woke, sched.Now().Sub(sched.Epoch))
				order = append(order, s.name)
			})
		}
		g.Wait()
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if len(woke) != 3 || woke[0] != want[0] || woke[1] != want[1] || woke[2] != want[2] ||
		order[0] != "one" || order[1] != "two" || order[2] != "three" {
		t.Fatalf("woke %v at %v; want one, two, three at %v", order, woke, want)
	}
}

// TestTimedOutStateDoesNotOutliveItsPark: a thread's wait times out, then
// the same thread waits again, longer, and a Set wakes it in time (the flag
// cleared again before it runs): the second wait must report the wake-up,
// not the first one's timeout. Event.WaitTimeout reports exactly what the
// park said, where a Semaphore would re-check its value and hide it.
func TestTimedOutStateDoesNotOutliveItsPark(t *testing.T) {
	var first, second bool
	var at time.Duration
	_, err := interleave.Run(func() {
		var ev primitives.Event
		var g toyGroup
		g.Go("waiter", func() {
			first = ev.WaitTimeout(time.Second)
			second = ev.WaitTimeout(time.Hour)
			at = sched.Now().Sub(sched.Epoch)
		})
		sched.Sleep(2 * time.Second)
		ev.Set()
		ev.Clear() // the waiter runs after this: only its wake-up says it was set
		g.Wait()
	})
	if err != nil {
		t.Fatal(err)
	}
	if first || !second || at != 2*time.Second {
		t.Fatalf("WaitTimeout(1s) = %v, then WaitTimeout(1h) = %v at %v; want false, then true at 2s", first, second, at)
	}
}

// TestDelayedThreadKeepsItsTurnOnATie: B is delayed one tick at its point
// while the main thread sleeps exactly one tick, so both may run at the
// same instant. The delayed thread keeps its turn (it was only delayed,
// never blocked), deterministically and without drawing a tie choice:
// B's next step comes first, and the schedule holds only the two delay
// choices.
func TestDelayedThreadKeepsItsTurnOnATie(t *testing.T) {
	var order []string
	tr, err := interleave.Run(func() {
		var g toyGroup
		g.Go("B", func() {
			failpoints.Hit(fpStep, nil) // delayed one tick: ready again at Tick
			order = append(order, "B")
		})
		sched.Sleep(interleave.Tick) // wakes at Tick too
		order = append(order, "main")
		g.Wait()
	}, interleave.Replay(interleave.Schedule{0, sched.PreemptFrom}))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != "B" {
		t.Fatalf("after the tie at %v: %v ran first; want B (the delayed thread keeps its turn)\n%s", interleave.Tick, order, tr)
	}
	if got := tr.Schedule.String(); got != (interleave.Schedule{0, sched.PreemptFrom}).String() {
		t.Fatalf("schedule %q; want only the two delay choices, no tie drawn\n%s", got, tr)
	}
}
