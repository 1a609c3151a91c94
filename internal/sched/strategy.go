package sched

import (
	"math/rand/v2"
	"time"
)

// A Strategy makes a run's choices. The scheduler calls it only from the
// thread holding the baton, so a strategy needs no locking, and it alone
// decodes the answers and records them in the trace's schedule: a strategy
// returns its choice and never touches the trace.
//
// A strategy that panics fails the run with that panic value (rapid's
// draws panic to stop a test case while shrinking).
type Strategy interface {
	// Delay returns the delay code (see DecodeDelay) for the running thread
	// at a scheduling point where another thread is ready or a timer is
	// pending; 0 keeps it running.
	Delay(v *View) int
	// Tie returns which of the threads tied (ready at the same instant, in
	// thread order) runs next: an index into v.Tied().
	Tie(v *View) int
}

// The delay code: one integer per choice, so that smaller codes mean fewer
// and shorter preemptions and rapid's shrinker simplifies the schedule.
//
//	0 .. PreemptFrom-1          keep running
//	PreemptFrom .. TimerFrom-1  a delay of 1..24 ticks: others at now run first
//	TimerFrom .. DelayCodes-1   a delay past the next pending timer, plus 1..8 ticks
//	YieldCode                   yield to the thread the next choice (a tie) names
//
// rapid draws only the first three; exhaustive enumeration and PCT return
// YieldCode, so any printed schedule replays.
const (
	PreemptFrom = 224
	TimerFrom   = 248
	DelayCodes  = 256
	YieldCode   = DelayCodes
)

// decodeDelay turns a delay code into a virtual delay (yieldDelay for
// YieldCode) at the run's current instant.
func (r *run) decodeDelay(code int) time.Duration {
	switch {
	case code >= YieldCode:
		return yieldDelay
	case code < PreemptFrom:
		return 0
	case code < TimerFrom:
		return time.Duration(code-PreemptFrom+1) * Tick
	}
	extra := time.Duration(code-TimerFrom+1) * Tick
	if nt := r.nextTimer(); nt != noWake && nt > r.now {
		return nt - r.now + extra
	}
	return extra
}

// A View is what a strategy may read of the run at a choice: the running
// thread, the others ready at this instant, and (for a tie) the candidates.
// Threads are named by their order (0 is the main thread).
type View struct {
	r    *run
	tied []int
}

// Current returns the order of the thread at the scheduling point.
func (v *View) Current() int { return v.r.cur.order }

// Step returns how many scheduling steps the run has taken so far.
func (v *View) Step() int { return v.r.steps }

// ReadyOthers appends to buf the order of every thread other than the
// current one that could run at this instant, and returns it.
func (v *View) ReadyOthers(buf []int) []int {
	for _, o := range v.r.threads {
		if o != v.r.cur && o.readyNow(v.r.now) {
			buf = append(buf, o.order)
		}
	}
	return buf
}

// TimerPending reports whether a blocked thread has a pending wake-up (a
// sleep or a timeout): a delay past it is a choice too.
func (v *View) TimerPending() bool { return v.r.nextTimer() != noWake }

// Conflict reports whether the next steps of threads a and b (orders) may
// not commute, judged by the scheduling point each reached last: the same
// primitive, or the same failpoint name without an object; a thread at an
// anonymous point, or at none yet (it has not run), conflicts with every
// other. It is the relation of the default reduction (deplabel.go) on what
// a strategy can see before the steps run.
func (v *View) Conflict(a, b int) bool {
	ta, tb := v.r.threads[a], v.r.threads[b]
	switch {
	case ta.atName == "" && ta.atObj == nil, tb.atName == "" && tb.atObj == nil:
		return true
	case ta.atObj != nil || tb.atObj != nil:
		return ta.atObj == tb.atObj
	}
	return ta.atName == tb.atName
}

// AtThreadOp reports whether thread th (an order) is at the scheduling
// point of a thread it just started, or at a point on the object of
// another of the run's threads (the catalogue's thread-start, a
// Thread.Join): the operations a test's harness does on its threads, as
// opposed to the work it does itself.
func (v *View) AtThreadOp(th int) bool {
	cur := v.r.threads[th]
	if cur.atSpawn {
		return true
	}
	if cur.atObj == nil {
		return false
	}
	for _, o := range v.r.threads {
		if o != cur && o.info != nil && any(o.info) == any(cur.atObj) {
			return true
		}
	}
	return false
}

// Tied returns the candidates of a tie, in thread order. The slice is the
// run's scratch, valid only until the Tie call returns: a strategy that
// keeps the candidates copies them.
func (v *View) Tied() []int { return v.tied }

// Fixed replays a Schedule; past its end every choice is 0.
type Fixed struct {
	s Schedule
	i int
}

// NewFixed returns a strategy that replays s.
func NewFixed(s Schedule) *Fixed { return &Fixed{s: s} }

func (f *Fixed) next() int {
	v := 0
	if f.i < len(f.s) {
		v = f.s[f.i]
	}
	f.i++
	return v
}

// Delay returns the schedule's next code.
func (f *Fixed) Delay(*View) int { return f.next() }

// Tie returns the schedule's next index, clamped to the candidates.
func (f *Fixed) Tie(v *View) int { return min(f.next(), len(v.tied)-1) }

// PCT is Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS
// 2010): every thread gets a random priority when first seen, the
// highest-priority ready thread runs, and at depth-1 random steps the
// running thread's priority drops below every initial one.
//
// Invariant: prio holds a priority for every thread seen so far; initial
// priorities are > depth and distinct with high probability, change-point
// priorities are 1..depth-1, so a thread that passed a change point runs
// only when no unchanged thread is ready.
type PCT struct {
	rng          *rand.Rand
	depth, steps int
	prio         map[int]int // thread order -> priority
	changeAt     map[int]int // step -> new (low) priority
	step         int
	buf          []int
}

// NewPCT returns a PCT strategy of the given depth for runs of about steps
// scheduling points, seeded by seed.
func NewPCT(depth, steps int, seed uint64) *PCT {
	p := &PCT{
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		depth:    depth,
		steps:    max(steps, 1),
		prio:     map[int]int{},
		changeAt: map[int]int{},
	}
	for i := 1; i < depth; i++ {
		p.changeAt[1+p.rng.IntN(p.steps)] = depth - i
	}
	return p
}

func (p *PCT) priority(th int) int {
	v, ok := p.prio[th]
	if !ok {
		v = p.depth + 1 + p.rng.IntN(1<<30)
		p.prio[th] = v
	}
	return v
}

// Delay yields when a ready thread has a higher priority than the current
// one.
func (p *PCT) Delay(v *View) int {
	p.step++
	cur := v.Current()
	if low, ok := p.changeAt[p.step]; ok {
		p.prio[cur] = low
	}
	mine := p.priority(cur)
	p.buf = v.ReadyOthers(p.buf[:0])
	for _, o := range p.buf {
		if p.priority(o) > mine {
			return YieldCode
		}
	}
	return 0
}

// Tie picks the candidate with the highest priority.
func (p *PCT) Tie(v *View) int {
	best := 0
	for i, o := range v.tied {
		if p.priority(o) > p.priority(v.tied[best]) {
			best = i
		}
	}
	return best
}
