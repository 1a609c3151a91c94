package sched

// Exhaustive follows a prefix of choices and takes choice 0 past it,
// recording how many options each choice point had, so that a caller can
// enumerate every schedule depth-first with NextPrefix.
//
// Invariant: choices[i].value < choices[i].options; preemptions counts the
// delay choices with a non-zero value so far and never exceeds bound;
// prefer is >= 0 only between a preempting delay choice among several
// ready threads and the tie it decides.
type Exhaustive struct {
	// PastTimers adds, at every point where a timer is pending and the
	// bound allows, one more option: a delay past the next pending timer
	// (delay code TimerFrom), which counts as a preemption.
	PastTimers bool

	prefix      []int
	bound       int
	choices     []exChoice
	preemptions int
	prefer      int
	buf         []int
}

type exChoice struct{ value, options int }

// NewExhaustive returns the strategy for the schedule that starts with
// prefix, preempting at most bound times.
func NewExhaustive(prefix []int, bound int) *Exhaustive {
	return &Exhaustive{prefix: prefix, bound: bound, prefer: -1}
}

func (e *Exhaustive) take(options int) int {
	v := 0
	if i := len(e.choices); i < len(e.prefix) {
		v = e.prefix[i]
	}
	v = min(v, options-1)
	e.choices = append(e.choices, exChoice{value: v, options: options})
	return v
}

// Delay chooses between keeping the current thread running (0) and, while
// the bound allows, yielding to each other ready thread.
func (e *Exhaustive) Delay(v *View) int {
	e.buf = v.ReadyOthers(e.buf[:0])
	options := 1
	timer := false
	if e.preemptions < e.bound {
		options += len(e.buf)
		if e.PastTimers && v.TimerPending() {
			timer = true
			options++
		}
	}
	c := e.take(options)
	if c == 0 {
		return 0
	}
	e.preemptions++
	if timer && c == options-1 {
		return TimerFrom
	}
	if len(e.buf) > 1 {
		e.prefer = c - 1 // the scheduler asks for a tie only when several others are ready
	}
	return YieldCode
}

// Tie follows the preferred thread of a preemption, or enumerates the
// candidates.
func (e *Exhaustive) Tie(v *View) int {
	if e.prefer >= 0 {
		c := min(e.prefer, len(v.tied)-1)
		e.prefer = -1
		return c
	}
	return e.take(len(v.tied))
}

// NextPrefix returns the choices of the next schedule in depth-first order,
// or false when every schedule has been run.
func (e *Exhaustive) NextPrefix() ([]int, bool) {
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
