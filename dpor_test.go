package interleave_test

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// The reduced search (partial-order reduction, the default) against the
// unreduced one (NoReduction): random small programs must reach exactly the
// same outcomes at every bound, and the measurement kernels must fail under
// both or neither.

const fpShared = "github.com/interleave-lab/interleave/failpoints/dpor-shared"

// A toyOp is one operation of a generated thread.
type toyOp struct {
	kind  int // 0 read var, 1 write var, 2 locked increment, 3 set event, 4 wait event (with timeout), 5 sleep
	v     int // variable (kinds 0, 1), event (3, 4)
	sleep time.Duration
}

func (o toyOp) String() string {
	if o.kind == 5 {
		return "sleep" + o.sleep.String()
	}
	return fmt.Sprintf("%s%d", [...]string{"r", "w", "inc", "set", "wait", "sleep"}[o.kind], o.v)
}

// toyProgram runs threads of ops on two shared variables (touched next to
// a failpoint without an object, as the label contract asks), a third one
// touched only under a Lock, two Events and the virtual clock, and returns the body and a function that
// reads its outcome: every value each thread read or waited for, in order,
// and the final variables.
func toyProgram(threads [][]toyOp) (func(), func() string) {
	var obs []string
	var vars [3]int
	return func() {
			obs = make([]string, len(threads))
			vars = [3]int{}
			var lock primitives.Lock
			var evs [2]primitives.Event
			var fns []func()
			for i, ops := range threads {
				fns = append(fns, func() {
					var b strings.Builder
					for _, o := range ops {
						switch o.kind {
						case 0:
							failpoints.Hit(fpShared, nil)
							fmt.Fprintf(&b, "%d,", vars[o.v])
						case 1:
							failpoints.Hit(fpShared, nil)
							vars[o.v] = i + 1
						case 2:
							lock.Acquire()
							vars[2] += 10 // only ever touched under the lock
							lock.Release()
						case 3:
							evs[o.v].Set()
						case 4:
							fmt.Fprintf(&b, "%v,", evs[o.v].WaitTimeout(time.Millisecond))
						case 5:
							primitives.Sleep(o.sleep)
						}
					}
					obs[i] = b.String()
				})
			}
			runThreads(fns...)
		}, func() string {
			return fmt.Sprintf("%v %v", obs, vars)
		}
}

// outcomes runs Exhaustive over body and returns every outcome it reached.
func outcomes(t *rapid.T, body func(), outcome func() string, bound int, opts ...interleave.Option) (map[string]bool, int) {
	seen := map[string]bool{}
	cov, err := interleave.Exhaustive(func() { body(); seen[outcome()] = true }, bound, opts...)
	if err != nil {
		t.Fatalf("Exhaustive(bound %d): %v", bound, err)
	}
	return seen, cov.Runs()
}

// TestReductionKeepsOutcomes: on random programs of two threads of up to
// three operations each, five in all, or three threads of four in all (sleeps and timed waits included, so delays
// past timers matter), the reduced search reaches every outcome the
// unreduced one reaches, at bounds up to 2 (two threads of four operations
// in all) or 1, with the default relation and ConservativeReduction, and
// never runs more schedules. Before the
// sleep-set check of dporNode.sleepSafe it lost an outcome of
// [[r0] [inc0 w0] [r0]] at bound 0, and before delays past timers were
// kept unreduced, outcomes of programs with sleeps and timed waits.
//
// Under -race it checks 30 programs unless -rapid.checks says otherwise
// (the race detector adds nothing to a comparison of outcomes, and its 8 s
// for 100 programs was a quarter of the root package's time); without, 100.
func TestReductionKeepsOutcomes(t *testing.T) {
	if f := flag.Lookup("rapid.checks"); raceEnabled && f.Value.String() == f.DefValue {
		setFlag(t, "rapid.checks", "30")
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 3).Draw(t, "threads")
		threads := make([][]toyOp, n)
		left := 7 - n // operations in all: 5 for two threads, 4 for three
		for i := range threads {
			// Three threads of three operations at bound 2 run thousands
			// of schedules; the sizes keep the unreduced search to a few
			// hundred at most so the test fits CI's budget under -race.
			k := rapid.IntRange(1, min(3, left-(n-1-i))).Draw(t, fmt.Sprintf("ops%d", i))
			left -= k
			for range k {
				threads[i] = append(threads[i], toyOp{
					kind:  rapid.IntRange(0, 5).Draw(t, "kind"),
					v:     rapid.IntRange(0, 1).Draw(t, "v"),
					sleep: time.Duration(rapid.IntRange(0, 2).Draw(t, "sleep")) * time.Millisecond,
				})
			}
		}
		conservative := rapid.Bool().Draw(t, "conservative")
		maxBound := 1
		if n == 2 && len(threads[0])+len(threads[1]) <= 4 {
			maxBound = 2 // bound 2 on larger programs costs seconds under -race
		}
		bound := rapid.IntRange(0, maxBound).Draw(t, "bound")
		var opts []interleave.Option
		if conservative {
			// Every shared variable is touched next to the one failpoint
			// name, so the names partition the memory trivially and the
			// default relation is sound too.
			opts = append(opts, interleave.ConservativeReduction())
		}
		body, outcome := toyProgram(threads)
		all, allRuns := outcomes(t, body, outcome, bound, append(opts, interleave.NoReduction())...)
		red, redRuns := outcomes(t, body, outcome, bound, opts...)
		if !maps.Equal(all, red) {
			var missing []string
			for o := range all {
				if !red[o] {
					missing = append(missing, o)
				}
			}
			slices.Sort(missing)
			t.Fatalf("%v bound %d conservative %v: the reduced search (%d schedules) missed %d of %d outcomes of the unreduced one (%d schedules): %v",
				threads, bound, conservative, redRuns, len(missing), len(all), allRuns, missing)
		}
		if redRuns > allRuns {
			t.Fatalf("%v: reduced %d schedules > unreduced %d", threads, redRuns, allRuns)
		}
	})
}

// failing wraps a kernel into a body that panics when its check fails.
func failing(body func(), check func() error) func() {
	return func() {
		body()
		if err := check(); err != nil {
			panic(err)
		}
	}
}

// kernelEventAsCounter is S10's lost signal: the waiter held between its
// wait() and clear() past the main thread's next sleep misses a set.
func kernelEventAsCounter() (func(), func() error) {
	var res scenarios.EventResult
	return func() {
			var err error
			res, err = scenarios.EventAsCounter(nil, scenarios.EventConfig{Signals: 2, Interval: time.Millisecond, Timeout: time.Millisecond})
			if err != nil {
				panic(err)
			}
		}, func() error {
			if res.Lost() > 0 {
				return fmt.Errorf("sent %d, seen %d", res.Sent, res.Seen)
			}
			return nil
		}
}

// TestExhaustiveFindsTimerRaces: two timer races (a worker late for main's
// deadline; S10's lost signal) are out of reach of the search that never
// delays a thread past a pending timer, at any bound up to 3; Exhaustive,
// reduced or not, finds each at bound 1.
func TestExhaustiveFindsTimerRaces(t *testing.T) {
	for _, k := range []struct {
		name string
		make func() (func(), func() error)
	}{
		{"late-for-deadline", kernelLateForDeadline},
		{"event-as-counter", kernelEventAsCounter},
	} {
		body := failing(k.make())
		if _, err := interleave.ExhaustiveNoTimers(body, 3); err != nil {
			t.Fatalf("%s: the search without timer delays failed at bound 3: %v; want no failure (timers out of its reach)", k.name, err)
		}
		for _, opts := range [][]interleave.Option{nil, {interleave.NoReduction()}} {
			cov, err := interleave.Exhaustive(body, 1, opts...)
			var re *interleave.RunError
			if !errors.As(err, &re) {
				t.Fatalf("%s: Exhaustive(bound 1, %d options) = %v after %v; want the timer race", k.name, len(opts), err, cov)
			}
			if !strings.Contains(re.Trace.String(), "preempted for") {
				t.Errorf("%s: the failing trace shows no delay:\n%s", k.name, re.Trace)
			}
			t.Logf("%s: found after %d schedules (%d options)", k.name, cov.Runs(), len(opts))
		}
	}
}

// kernelFound runs Exhaustive over a kernel at bound with opts and reports
// whether some schedule fails, and how many schedules the whole search ran
// (it does not stop at the first failure: the body records failures).
func kernelFound(k func() (func(), func() error), bound int, opts ...interleave.Option) (found bool, runs int) {
	body, check := k()
	cov, err := interleave.Exhaustive(func() {
		body()
		if check() != nil {
			found = true
		}
	}, bound, opts...)
	if err != nil {
		found = true // a deadlock fails the run itself
	}
	return found, cov.Runs()
}

// TestReductionFindsTheSameBugs: on the measurement kernels and the timer
// races, at bounds 0, 1 and 2, the reduced search finds a bug exactly when
// the unreduced one does, and runs no more schedules. The measured full
// search counts (unreduced → reduced; the searches run every schedule,
// failing or not):
//
//	kernel             bound 0   bound 1     bound 2
//	lost-update        3 → 3     22 → 14     87 → 30
//	lost-wakeup        2 → 2     5 → 5       11 → 9     (a deadlock ends each search early)
//	lock-order         3 → 3     16 → 11     58 → 28    (a deadlock ends each search early)
//	check-then-act     3 → 3     24 → 19     121 → 60
//	seqlock            13 → 13   203 → 82    2071 → 238   (ConservativeReduction: 134, 993)
//	late-for-deadline  1 → 1     4 → 4       6 → 6
//	event-as-counter   1 → 1     13 → 12     57 → 43
//
// Stopping at the first failure instead (Exhaustive's own behaviour), the
// seqlock's bug at bound 2 takes 305 schedules unreduced, 57 reduced, 211
// with ConservativeReduction.
func TestReductionFindsTheSameBugs(t *testing.T) {
	t.Parallel()
	ks := map[string]func() (func(), func() error){
		"late-for-deadline": kernelLateForDeadline,
		"event-as-counter":  kernelEventAsCounter,
	}
	for _, k := range kernels {
		ks[k.name] = k.make
	}
	for name, k := range ks {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for bound := range 3 {
				var want, got bool
				var all, red int
				if name == "seqlock" && bound == 2 {
					s := seqlockAtBound2()
					want, all, got, red = s.foundAll, s.all, s.found, s.red
				} else {
					want, all = kernelFound(k, bound, interleave.NoReduction())
					got, red = kernelFound(k, bound)
				}
				if got != want {
					t.Errorf("%s at bound %d: reduced search found a bug = %v, unreduced = %v", name, bound, got, want)
				}
				if red > all {
					t.Errorf("%s at bound %d: reduced search ran %d schedules, unreduced %d", name, bound, red, all)
				}
				t.Logf("%-18s bound %d: found=%v schedules %d -> %d", name, bound, want, all, red)
			}
		})
	}
}

// seqlockSearches is what the seqlock kernel's full searches at bound 2
// found, and in how many schedules: reduced (found, red) and unreduced
// (foundAll, all).
type seqlockSearches struct {
	found, foundAll bool
	red, all        int
}

// seqlockAtBound2 runs the seqlock kernel's full searches at bound 2 once
// for TestReductionFindsTheSameBugs and TestReductionOfTheSeqlock, which
// both check them: the unreduced one runs 2071 schedules, the costliest
// search of either test (a second of CPU under -race each time).
var seqlockAtBound2 = sync.OnceValue(func() (s seqlockSearches) {
	s.found, s.red = kernelFound(kernelSeqlock, 2)
	s.foundAll, s.all = kernelFound(kernelSeqlock, 2, interleave.NoReduction())
	return s
})

// TestReductionOfTheSeqlock: the default relation runs at most a fifth of
// the unreduced schedules on the seqlock kernel at bound 2 (measured: 238
// of 2071) and still finds its bug; ConservativeReduction finds it too, in
// more schedules than the default and fewer than the unreduced search
// (measured 993).
func TestReductionOfTheSeqlock(t *testing.T) {
	s := seqlockAtBound2()
	found, red, all := s.found, s.red, s.all
	foundCons, cons := kernelFound(kernelSeqlock, 2, interleave.ConservativeReduction())
	if !found {
		t.Fatalf("the reduced search at bound 2 missed the seqlock bug (%d schedules)", red)
	}
	if red*5 > all {
		t.Fatalf("the reduced search ran %d schedules at bound 2; want at most a fifth of the unreduced %d", red, all)
	}
	if !foundCons || cons <= red || cons >= all {
		t.Fatalf("ConservativeReduction found=%v in %d schedules; want found, between the default's %d and the unreduced %d",
			foundCons, cons, red, all)
	}
	t.Logf("seqlock at bound 2: %d schedules unreduced, %d reduced, %d conservative", all, red, cons)
}

// TestLongRunFallsBackToTheUnreducedSearch: a run longer than the race
// analysis follows (MaxDPOREvents, lowered here to 3 events, so that
// nearly every run of the kernels overflows, at bounds 0 and 1) is searched without reduction
// for its decisions: the search still finds exactly the bugs the
// unreduced one finds, in no more schedules. (The analysis of each event
// reads every earlier one; before the bound, a broken clock that
// livelocked one run to its step budget held an Exhaustive for minutes.)
func TestLongRunFallsBackToTheUnreducedSearch(t *testing.T) {
	defer interleave.SetMaxDPOREvents(3)()
	for _, k := range kernels {
		for bound := range 2 {
			want, all := kernelFound(k.make, bound, interleave.NoReduction())
			got, red := kernelFound(k.make, bound)
			if got != want || red > all {
				t.Errorf("%s at bound %d with overflowing runs: found=%v in %d schedules; unreduced found=%v in %d",
					k.name, bound, got, red, want, all)
			}
		}
	}
}

// TestConservativeReduction: the coarser relation makes every failpoint
// without an object conflict with every other, so it is sound where names
// do not partition memory: it finds a lost update of one counter around
// failpoints of two names. (TestReductionOfTheSeqlock compares its counts.)
func TestConservativeReduction(t *testing.T) {
	misnamed := func() (func(), func() error) {
		var counter int
		inc := func(name string) func() {
			return func() {
				v := counter
				failpoints.Hit(name, nil)
				counter = v + 1
			}
		}
		return func() { counter = 0; runThreads(inc(fpSeqW), inc(fpSeqR)) }, func() error {
			if counter != 2 {
				return fmt.Errorf("counter = %d; want 2", counter)
			}
			return nil
		}
	}
	if found, runs := kernelFound(misnamed, 1, interleave.ConservativeReduction()); !found {
		t.Fatalf("ConservativeReduction missed the lost update around misnamed failpoints (%d schedules)", runs)
	}
}
