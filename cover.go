package interleave

import (
	"fmt"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Cover runs body under PCT schedules (seeds 1, 2, ...; depths 1 to 3 in
// turn, sized to the previous run's choices) until target reports that the
// coverage so far is enough, or budget schedules ran, and returns the
// coverage and whether the target was met. A failing run stops it with a
// *RunError whose trace's schedule replays with Replay. It is how a
// property asks for "schedules until every pair of these failpoints was
// interleaved" instead of a fixed count:
//
//	cov, met, err := interleave.Cover(body, func(c *interleave.Coverage) bool {
//		return c.Interleaved("seq-write", "seq-read")
//	}, 1000)
//
// The sequence of schedules is fixed, so Cover is deterministic. A budget <= 0
// or a nil target panics with ErrBadOption.
func Cover(body func(), target func(*Coverage) bool, budget int, opts ...Option) (cov *Coverage, met bool, err error) {
	if budget <= 0 || target == nil {
		panic(fmt.Errorf("%w: Cover(budget %d, target nil = %v)", ErrBadOption, budget, target == nil))
	}
	checkBody(body)
	s := newSettings(opts)
	cov = &Coverage{}
	steps := 16
	for i := range budget {
		st := sched.NewPCT(1+i%3, steps, uint64(i+1))
		tr := s.execute(body, st)
		cov.Add(tr)
		steps = max(len(tr.Schedule), 1)
		if tr.Failure != nil {
			return cov, target(cov), &RunError{Trace: tr}
		}
		if target(cov) {
			return cov, true, nil
		}
	}
	return cov, false, nil
}
