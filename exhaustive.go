package interleave

import (
	"fmt"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Exhaustive runs body under every schedule that preempts a running thread
// at most bound times (ties between threads ready at the same instant are
// always enumerated), depth-first, and returns the coverage: how many
// schedules it ran and how many distinct interleavings they produced. It
// stops at the first failing schedule and returns its error, which carries
// the trace. body must be deterministic apart from the schedule: it is run
// once per schedule. A bound < 0 panics with ErrBadOption.
//
// "Exhaustive up to bound k" covers exactly: every sequence of choices in
// which, at each scheduling point, the running thread either keeps running
// or (at most k times in the run) yields to one of the other threads ready
// at that instant, and every tie (threads ready at the same instant when
// the running one blocks, sleeps or ends) goes to each candidate in turn.
// Virtual time moves only when no thread is ready. Without DelayPastTimers
// a running thread is never delayed past a pending sleep or timeout, so a
// race against a timer (a thread late for a deadline) is not covered; with
// it, such a delay is one more preemption option at every point where a
// timer is pending. Delays of a few ticks that do not reach a timer are not
// enumerated: with nothing else ready at now they change nothing but the
// clock.
func Exhaustive(body func(), bound int, opts ...Option) (*Coverage, error) {
	if bound < 0 {
		panic(fmt.Errorf("%w: preemption bound %d < 0", ErrBadOption, bound))
	}
	checkBody(body)
	s := newSettings(opts)
	cov := &Coverage{}
	var prefix []int
	for {
		e := sched.NewExhaustive(prefix, bound)
		e.PastTimers = s.pastTimers
		tr := sched.Execute(body, &s.Config, e)
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
