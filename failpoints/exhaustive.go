package failpoints

import (
	"fmt"
	"time"
)

// exhaustiveStrategy follows a prefix of choices and takes choice 0 past
// it, recording how many options each choice point had, so that Exhaustive
// can enumerate every schedule depth-first.
//
// Invariant: choices[i].value < choices[i].options; preemptions counts the
// delay choices with a non-zero value so far and never exceeds bound.
type exhaustiveStrategy struct {
	prefix      []int
	bound       int
	choices     []exChoice
	preemptions int
	prefer      int // set by a preempting delay choice: which tied thread runs next; -1 if none
}

type exChoice struct {
	value, options int
	preempt        bool // a delay choice: a non-zero value costs one preemption
}

func (e *exhaustiveStrategy) take(options int, preempt bool) int {
	v := 0
	if i := len(e.choices); i < len(e.prefix) {
		v = e.prefix[i]
	}
	if v >= options {
		v = options - 1
	}
	e.choices = append(e.choices, exChoice{value: v, options: options, preempt: preempt})
	return v
}

func (e *exhaustiveStrategy) delay(r *run, th *thread) time.Duration {
	others := 0
	for _, o := range r.threads {
		if o != th && readyAt(r, o) {
			others++
		}
	}
	options := 1
	if e.preemptions < e.bound {
		options += others
	}
	v := e.take(options, true)
	if v == 0 {
		r.trace.Schedule = append(r.trace.Schedule, 0)
		return 0
	}
	r.trace.Schedule = append(r.trace.Schedule, yieldCode)
	e.preemptions++
	if others > 1 {
		e.prefer = v - 1 // pick calls tie only when several others are ready
	}
	return yieldDelay
}

func (e *exhaustiveStrategy) tie(r *run, tied []*thread) int {
	if e.prefer >= 0 {
		v := min(e.prefer, len(tied)-1)
		e.prefer = -1
		r.trace.Schedule = append(r.trace.Schedule, v)
		return v
	}
	v := e.take(len(tied), false)
	r.trace.Schedule = append(r.trace.Schedule, v)
	return v
}

// nextPrefix returns the choices of the next schedule in depth-first order,
// or false when every schedule has been run.
func (e *exhaustiveStrategy) nextPrefix() ([]int, bool) {
	for i := len(e.choices) - 1; i >= 0; i-- {
		c := e.choices[i]
		if c.value+1 < c.options {
			next := make([]int, i+1)
			for j := range i {
				next[j] = e.choices[j].value
			}
			next[i] = c.value + 1
			return next, true
		}
	}
	return nil, false
}

// Exhaustive runs body under every schedule that preempts a running thread
// at most bound times (ties between threads ready at the same instant are
// always enumerated), depth-first, and returns the coverage: how many
// schedules it ran and how many distinct interleavings they produced. It
// stops at the first failing schedule and returns its error, which carries
// the trace. body must be deterministic apart from the schedule: it is run
// once per schedule. A bound < 0 panics with ErrBadOption.
func Exhaustive(body func(), bound int, opts ...Option) (*Coverage, error) {
	if bound < 0 {
		panic(fmt.Errorf("%w: preemption bound %d < 0", ErrBadOption, bound))
	}
	cfg := newConfig(opts)
	cov := &Coverage{}
	var prefix []int
	for {
		e := &exhaustiveStrategy{prefix: prefix, bound: bound, prefer: -1}
		tr := execute(body, cfg, e)
		cov.Add(tr)
		if tr.Failure != nil {
			return cov, &RunError{Trace: tr}
		}
		if cfg.maxSchedules > 0 && cov.Runs() >= cfg.maxSchedules {
			return cov, nil
		}
		var more bool
		if prefix, more = e.nextPrefix(); !more {
			return cov, nil
		}
	}
}
