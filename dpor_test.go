package interleave_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
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

// TestReductionKeepsOutcomes: on random programs of two or three threads
// of up to three operations, the reduced search reaches every outcome the
// unreduced one reaches, at bounds 0, 1 and 2, with and without
// DelayPastTimers, and never runs more schedules.
func TestReductionKeepsOutcomes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 3).Draw(t, "threads")
		threads := make([][]toyOp, n)
		for i := range threads {
			k := rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("ops%d", i))
			for range k {
				threads[i] = append(threads[i], toyOp{
					kind:  rapid.IntRange(0, 5).Draw(t, "kind"),
					v:     rapid.IntRange(0, 1).Draw(t, "v"),
					sleep: time.Duration(rapid.IntRange(0, 2).Draw(t, "sleep")) * time.Millisecond,
				})
			}
		}
		timers := rapid.Bool().Draw(t, "timers")
		bound := rapid.IntRange(0, 2).Draw(t, "bound")
		var opts []interleave.Option
		if timers {
			opts = append(opts, interleave.DelayPastTimers())
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
			t.Fatalf("%v bound %d timers %v: the reduced search (%d schedules) missed %d of %d outcomes of the unreduced one (%d schedules): %v",
				threads, bound, timers, redRuns, len(missing), len(all), allRuns, missing)
		}
		if redRuns > allRuns {
			t.Fatalf("%v: reduced %d schedules > unreduced %d", threads, redRuns, allRuns)
		}
	})
}
