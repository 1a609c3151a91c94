package properties_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

// The smallest scenarios, checked over every schedule up to a preemption
// bound with interleave.Exhaustive. Each test asserts the exact number of
// schedules: it depends only on the scheduling points the primitives and
// the scenario reach (and on the explorer's enumeration), so a change in
// it means those changed — look at the all-zero trace (interleave.Run) to
// see the new points, and update the constant with the reason.
//
// How the counts arise: at every scheduling point where another thread is
// ready, a schedule may preempt the running thread in favour of each ready
// thread (one option per ready thread, each costing one preemption, up to
// the bound), and every tie between threads ready at the same instant (a
// thread blocking while two others are ready, say) is always enumerated
// without costing a preemption. Bound 0 therefore counts only the ties; each
// further unit of bound multiplies in the preemption choices of the points
// left after the previous one.

// exhaustive runs body under every schedule with at most bound preemptions
// and returns how many it ran, failing t on any failing schedule.
//
// The counts it returns are the unreduced search's (NoReduction): every
// schedule, the numbers the tests below derive from the step counts. It
// also runs the reduced search (the default) over the same body, which
// must pass too, and logs how many schedules that one needed.
func exhaustive(t *testing.T, name string, body func(), bound int) int {
	t.Helper()
	cov, err := interleave.Exhaustive(body, bound, interleave.NoReduction())
	if err != nil {
		t.Fatalf("%s: Exhaustive(bound %d, NoReduction) after %v: %v", name, bound, cov, err)
	}
	red, err := interleave.Exhaustive(body, bound)
	if err != nil {
		t.Fatalf("%s: Exhaustive(bound %d) after %v: %v", name, bound, red, err)
	}
	if red.Runs() > cov.Runs() {
		t.Errorf("%s: bound %d: the reduced search ran %d schedules, more than the unreduced %d", name, bound, red.Runs(), cov.Runs())
	}
	t.Logf("%s: bound %d: %v; reduced: %v", name, bound, cov, red)
	return cov.Runs()
}

// TestExhaustiveS17Race: two threads of two locked increments each end at
// 4 on every schedule with up to 2 preemptions. The all-zero trace has 34
// steps: main starts both threads and joins them, each thread takes the
// Lock, reaches the read-write point and releases it, twice. Bound 0 runs
// 3 schedules (the ties between the two threads and main when main blocks
// in Join), bound 1 runs 50, bound 2 runs 647.
func TestExhaustiveS17Race(t *testing.T) {
	t.Parallel()
	cfg := scenarios.RaceConfig{Threads: 2, Increments: 2}
	body := func() {
		res, err := scenarios.Race(nil, cfg)
		if err != nil || res.Counter != 4 || res.Lost != 0 {
			panic(fmt.Sprintf("Race(%+v) = %+v, %v; want counter 4", cfg, res, err))
		}
	}
	for bound, want := range []int{3, 50, 647} {
		if got := exhaustive(t, "Race", body, bound); got != want {
			t.Errorf("Race(%+v): schedules with at most %d preemptions = %d; want %d", cfg, bound, got, want)
		}
	}
}

// TestExhaustiveS17ReadThenWrite: the same threads, one increment each,
// without the lock: bound 0 (ties only, 3 schedules) never loses an update,
// and bound 1 finds the lost update — a thread preempted between its read
// and its write — on its 5th schedule, with exactly one preemption.
func TestExhaustiveS17ReadThenWrite(t *testing.T) {
	t.Parallel()
	cfg := scenarios.RaceConfig{Threads: 2, Increments: 1}
	body := func() {
		res, err := scenarios.ReadThenWriteCounter(nil, cfg)
		if err != nil || res.Counter != 2 {
			panic(fmt.Sprintf("ReadThenWriteCounter: counter = %d, %v; want 2", res.Counter, err))
		}
	}
	if got := exhaustive(t, "ReadThenWriteCounter", body, 0); got != 3 {
		t.Errorf("ReadThenWriteCounter: schedules without preemption = %d; want 3", got)
	}
	if _, err := interleave.Exhaustive(body, 1); err == nil || !strings.Contains(err.Error(), "counter = 1") {
		t.Fatalf("ReadThenWriteCounter: reduced Exhaustive(bound 1) = %v; want the lost update (counter = 1)", err)
	}
	cov, err := interleave.Exhaustive(body, 1, interleave.NoReduction())
	var re *interleave.RunError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "counter = 1") {
		t.Fatalf("ReadThenWriteCounter: Exhaustive(bound 1) = %v; want the lost update (counter = 1)", err)
	}
	if p := re.Trace.Preemptions(); p != 1 || cov.Runs() != readThenWriteFoundAt {
		t.Errorf("ReadThenWriteCounter: lost update on schedule %d with %d preemptions; want schedule %d, 1 preemption\n%s",
			cov.Runs(), p, readThenWriteFoundAt, re.Trace)
	}
	t.Logf("lost update found on schedule %d:\n%s", cov.Runs(), re.Trace)
}

// readThenWriteFoundAt is the depth-first index (1-based) of the first
// schedule with one preemption that loses an update, in the unreduced
// search.
const readThenWriteFoundAt = 5

// TestExhaustiveS11Handshake: the guarded Condition handshake (two lines
// each, tc1 waiting at its first, no sleeps) prints the tutorial's order
// and follows the exact handshake on every schedule with up to 2
// preemptions: 1 schedule at bound 0 (main starts tc2 only once tc1 holds
// the lock, so nothing ties), 17 at bound 1, 205 at bound 2.
func TestExhaustiveS11Handshake(t *testing.T) {
	t.Parallel()
	cfg := scenarios.ConditionConfig{Count: 2, WaitAt: 0, GiveUp: time.Second}
	body := func() {
		res, err := scenarios.Condition(nil, cfg)
		want := []string{"Thread-1 0", "Thread-2 0", "Thread-2 1", "Thread-1 1"}
		var events []string
		for _, e := range res.Events {
			events = append(events, fmt.Sprintf("%s %s %d", e.Thread, e.What, e.Waiters))
		}
		wantEvents := []string{"Thread-1 acquired 0", "Thread-1 wait 0", "Thread-2 acquired 0", "Thread-2 notify 1",
			"Thread-2 notify 0", "Thread-2 release 0", "Thread-1 woke 0", "Thread-1 release 0"}
		if err != nil || !slices.Equal(res.Lines, want) || !slices.Equal(events, wantEvents) {
			panic(fmt.Sprintf("Condition(%+v) = lines %v, handshake %v, %v; want %v, %v", cfg, res.Lines, events, err, want, wantEvents))
		}
	}
	for bound, want := range []int{1, 17, 205} {
		if got := exhaustive(t, "Condition", body, bound); got != want {
			t.Errorf("Condition(%+v): schedules with at most %d preemptions = %d; want %d", cfg, bound, got, want)
		}
	}
}

// TestExhaustiveS09RLockNested: two threads each take the RLock in test()
// and again in show(0) (no sleep); on every schedule with up to 2
// preemptions the depths are 2 then 1 then 0, lines are unbroken, the lock
// ends free and a non-owner release fails. The all-zero trace has 28 steps
// (each thread: acquire, acquired, nested acquire, acquired, two releases);
// bound 0 runs 3 schedules (the join ties), bound 1 runs 46, bound 2 runs
// 525.
func TestExhaustiveS09RLockNested(t *testing.T) {
	t.Parallel()
	cfg := scenarios.RLockConfig{Threads: 2, Loops: 1, GiveUp: time.Second}
	body := func() {
		res, err := scenarios.RLock(nil, cfg)
		ok := err == nil && res.Contiguous() && len(res.Observations) == 2 && !res.Locked &&
			errors.Is(res.NonOwnerRelease, primitives.ErrNotOwner)
		for _, o := range res.Observations {
			ok = ok && o.Depth == 2 && o.Owned && o.After == 1
		}
		for _, e := range res.Exits {
			ok = ok && e.Depth == 0 && !e.Owned
		}
		if !ok {
			panic(fmt.Sprintf("RLock(%+v) = %+v, %v; want balanced depths and unbroken lines", cfg, res, err))
		}
	}
	for bound, want := range []int{3, 46, 525} {
		if got := exhaustive(t, "RLock", body, bound); got != want {
			t.Errorf("RLock(%+v): schedules with at most %d preemptions = %d; want %d", cfg, bound, got, want)
		}
	}
}
