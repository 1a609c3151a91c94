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
// A preemption here is a switch to another thread ready at the same
// instant; delays that reach past a pending timer are not enumerated.
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
