package interleave

import (
	"fmt"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Exhaustive runs body under every schedule that preempts a running thread
// at most bound times, up to partial-order reduction, depth-first, and
// returns the coverage: how many schedules it ran and how many distinct
// interleavings they produced. It stops at the first failing schedule and
// returns its error, which carries the trace. body must be deterministic
// apart from the schedule: it is run once per schedule. A bound < 0 panics
// with ErrBadOption.
//
// The schedules, which the unreduced search (NoReduction) runs every one
// of: every sequence of choices in which, at each scheduling point, the
// running thread either keeps running or (at most bound times in the run,
// counting both kinds) yields to one of the other threads ready at that
// instant or is delayed past the next pending sleep or timeout (plus one
// Tick), and every tie (threads ready at the same instant when the running
// one blocks, sleeps or ends) goes to each candidate in turn. Virtual time
// moves only when no thread is ready. Delays that do not reach a timer are
// not enumerated: with nothing else ready at now they change nothing but
// the clock. A race against a timer (a thread late for a deadline, a signal
// lost because its waiter was held past the signaller's sleep) is covered
// from bound 1.
//
// By default the search is reduced (dynamic partial-order reduction with
// sleep sets, bounded as in Bounded Partial-Order Reduction, Coons et al.
// 2013; internal/sched's DPOR has the algorithm and the argument): of two
// schedules that differ only in the order of independent steps it runs
// one. Steps are dependent when they touch the same primitive (the object a
// failpoint names), when both are failpoints without an object and of the
// same name (the name stands for the user's memory the code around it
// touches), when one is a thread's exit and the other an operation on that
// thread's Thread, and always when one is an anonymous scheduling point (a
// Hit with no name), a sleep or a panic; delays past a timer are never
// reduced. What it covers: every class of equivalent schedules that has a
// member within the bound has a member among the schedules run, provided
// memory shared without a primitive is touched only next to a failpoint
// without an object (or an anonymous point, or a sleep) and failpoints of
// different names never guard the same variables. Code outside that
// contract: two names around one variable (a writer's "seq-write" and a
// reader's "seq-read" around one counter) needs ConservativeReduction,
// under which every failpoint without an object conflicts with every
// other; code that races on memory between failpoints that all name
// objects (an unlocked read of a variable other threads write under a
// Lock) needs NoReduction. The reduction is checked against the unreduced
// search on random programs and on the measurement kernels (dpor_test.go),
// where both find the same bugs at every bound up to 2. Measured, whole
// searches at bound 2 (unreduced → reduced; ConservativeReduction in
// brackets): seqlock 2071 → 238 (993), lost update 87 → 30, check-then-act
// 121 → 60, lock-order deadlock 58 → 28; until the seqlock's bug is found
// (Exhaustive stops there), 305 → 57 (211).
func Exhaustive(body func(), bound int, opts ...Option) (*Coverage, error) {
	if bound < 0 {
		panic(fmt.Errorf("%w: preemption bound %d < 0", ErrBadOption, bound))
	}
	checkBody(body)
	s := newSettings(opts)
	s.ConfirmByReplay = true // body runs once per schedule, so it may run again
	if s.noReduction {
		return exhaustiveAll(body, bound, s)
	}
	cov := &Coverage{}
	d := sched.NewDPOR(bound, true)
	d.ByName = !s.conservative
	for {
		tr := s.execute(body, d)
		cov.Add(tr)
		more := d.Next()
		if tr.Failure != nil {
			return cov, &RunError{Trace: tr}
		}
		if !more || (s.MaxSchedules > 0 && cov.Runs() >= s.MaxSchedules) {
			return cov, nil
		}
	}
}

// exhaustiveAll is the unreduced search.
func exhaustiveAll(body func(), bound int, s *settings) (*Coverage, error) {
	cov := &Coverage{}
	var prefix []int
	for {
		e := sched.NewExhaustive(prefix, bound)
		e.PastTimers = true
		tr := s.execute(body, e)
		cov.Add(tr)
		if tr.Failure != nil {
			return cov, &RunError{Trace: tr}
		}
		if s.MaxSchedules > 0 && cov.Runs() >= s.MaxSchedules {
			return cov, nil
		}
		var more bool
		if prefix, more = e.NextPrefix(); !more {
			return cov, nil
		}
	}
}
