package interleave

import (
	"fmt"
	"strings"

	"github.com/interleave-lab/interleave/internal/sched"
)

// defaultMinimizeBudget is how many schedules Minimize runs at most unless
// MaxSchedules says otherwise.
const defaultMinimizeBudget = 100_000

// A Counterexample is the failing schedule with the fewest preemptions
// that Minimize found, and how sure it is that none has fewer. A search cut
// by its budget before any schedule failed has a nil Trace.
type Counterexample struct {
	Trace       *Trace // the failing run; Replay(Trace.Schedule) runs it again
	Err         error  // why it failed: the run's failure or check's error
	Preemptions int    // the failing run's preemptions (Trace.Preemptions)
	// Proven is true when every schedule with fewer preemptions was run
	// and passed: no schedule with fewer preemptions fails.
	Proven    bool
	Schedules int // schedules run in all
}

// String returns the statement and the trace: "minimal counterexample: N
// preemptions; no schedule with fewer preemptions fails (S schedules)", or
// that the search was cut by its budget.
func (c *Counterexample) String() string {
	var b strings.Builder
	if c.Trace == nil {
		fmt.Fprintf(&b, "no failing schedule found; the search was cut by its budget after %d schedules", c.Schedules)
		return b.String()
	}
	fmt.Fprintf(&b, "minimal counterexample: %d preemptions; ", c.Preemptions)
	if c.Proven {
		fmt.Fprintf(&b, "no schedule with fewer preemptions fails (%d schedules searched)", c.Schedules)
	} else {
		fmt.Fprintf(&b, "the search of fewer preemptions was cut by its budget after %d schedules", c.Schedules)
	}
	err := any(c.Err)
	if v := c.Trace.PanicValue; isRapidSignal(v) {
		err = v // a thread's t.Fatalf: its message, without the stack of rapid's panic
	}
	fmt.Fprintf(&b, "\n%v\n%s", err, c.Trace)
	return b.String()
}

// Minimize searches for the failing schedule of body with the fewest
// preemptions: it runs Exhaustive's depth-first enumeration at bounds 0,
// 1, ..., maxPreemptions in turn, calling check after every run (a run
// fails when it fails, deadlocks included, or when check returns an
// error), and returns the first failing schedule of the lowest bound. It
// is how a property turns rapid's shrunk failure (which has few
// preemptions, but not provably the fewest) into the simplest one: call
// it with the shrunk trace's Preemptions() and body's fresh state.
//
// The search runs at most MaxSchedules schedules in all (default
// 100,000); when it is cut before a bound completes, the Counterexample
// says so (Proven is false; Trace is nil if nothing failed before the
// cut). Minimize returns nil when the search completed and no schedule up
// to maxPreemptions fails. A maxPreemptions < 0 panics with ErrBadOption. body must be deterministic
// apart from the schedule and reset its state itself; check reads that
// state after each run.
func Minimize(body func(), check func() error, maxPreemptions int, opts ...Option) *Counterexample {
	if maxPreemptions < 0 {
		panic(fmt.Errorf("%w: Minimize: preemption bound %d < 0", ErrBadOption, maxPreemptions))
	}
	checkBody(body)
	s := newSettings(opts)
	s.ConfirmByReplay = true // body resets its state itself, so it may run again
	budget := s.MaxSchedules
	if budget == 0 {
		budget = defaultMinimizeBudget
	}
	c, _ := minimize(body, check, maxPreemptions, s, budget)
	return c
}

// minimize is Minimize on parsed settings with an explicit budget (the
// search Explore runs by itself on the failure rapid reports, too); it
// also returns how many schedules it ran.
func minimize(body func(), check func() error, maxPreemptions int, s *settings, budget int) (*Counterexample, int) {
	if check == nil {
		check = func() error { return nil }
	}
	runs := 0
	proven := true
	for bound := 0; bound <= maxPreemptions; bound++ {
		var prefix []int
		for {
			if runs >= budget {
				proven = false
				break
			}
			e := sched.NewExhaustive(prefix, bound)
			e.PastTimers = s.pastTimers
			tr := s.execute(body, e)
			runs++
			err := tr.Failure
			if err == nil {
				err = check()
			}
			if err != nil {
				return &Counterexample{Trace: tr, Err: err, Preemptions: tr.Preemptions(), Proven: proven, Schedules: runs}, runs
			}
			var more bool
			if prefix, more = e.NextPrefix(); !more {
				break
			}
		}
	}
	if !proven {
		return &Counterexample{Schedules: runs}, runs
	}
	return nil, runs
}
