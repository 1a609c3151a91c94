package failpoints

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"

	"pgregory.net/rapid"
)

// A strategy makes the run's choices. Both methods are called only by the
// thread holding the baton, so a strategy needs no locking.
type strategy interface {
	// delay returns the virtual delay for th at a scheduling point where
	// another thread is ready or a timer is pending (0: keep running).
	delay(r *run, th *thread) time.Duration
	// tie returns which of tied (ready at the same instant, in thread
	// order, not including the thread that just stopped) runs next.
	tie(r *run, tied []*thread) int
}

// The delay code: one integer per choice, so that smaller codes mean fewer
// and shorter preemptions and rapid's shrinker simplifies the schedule.
//
//	0 .. preemptFrom-1          keep running
//	preemptFrom .. timerFrom-1  a delay of 1..24 ticks: others at now run first
//	timerFrom .. delayCodes-1   a delay past the next pending timer, plus 1..8 ticks
//	yieldCode                   yield to the thread the next choice (a tie) names
//
// rapid draws only the first three; exhaustive enumeration and PCT record
// yieldCode, so any printed schedule replays.
const (
	preemptFrom = 224
	timerFrom   = 248
	delayCodes  = 256
	yieldCode   = delayCodes
)

func decodeDelay(r *run, code int) time.Duration {
	switch {
	case code >= yieldCode:
		return yieldDelay
	case code < preemptFrom:
		return 0
	case code < timerFrom:
		return time.Duration(code-preemptFrom+1) * Tick
	}
	extra := time.Duration(code-timerFrom+1) * Tick
	if nt := r.nextTimer(); nt != noWake && nt > r.now {
		return nt - r.now + extra
	}
	return extra
}

var (
	coinGen   = rapid.Bool()
	amountGen = rapid.IntRange(0, delayCodes-preemptFrom-1)
)

// preemptCoins is how many fair coins must all come up true for rapid to
// preempt: a preemption at 1 point in 2^preemptCoins. Coins are drawn one at
// a time and stop at the first false, so a point costs 1.75 draws on
// average, and a shrinker that zeroes any coin removes the preemption.
const preemptCoins = 3

// rapidStrategy draws every choice from a rapid.T.
type rapidStrategy struct{ t *rapid.T }

// abortOnDrawPanic turns a panic out of a rapid draw (its "overrun" or
// skip signals while shrinking) into the run's failure: the run unwinds and
// Explore re-panics the value for rapid. A draw may happen on a thread's
// exit path, where a panic would otherwise kill the process.
func abortOnDrawPanic(r *run) {
	if v := recover(); v != nil {
		r.fail(fmt.Errorf("rapid stopped the run: %v", v), v)
	}
}

func (s rapidStrategy) delay(r *run, th *thread) (d time.Duration) {
	defer abortOnDrawPanic(r)
	code := 0
	for i := 0; i < preemptCoins; i++ {
		if !coinGen.Draw(s.t, "") {
			r.trace.Schedule = append(r.trace.Schedule, 0)
			return 0
		}
	}
	code = preemptFrom + amountGen.Draw(s.t, "")
	r.trace.Schedule = append(r.trace.Schedule, code)
	return decodeDelay(r, code)
}

func (s rapidStrategy) tie(r *run, tied []*thread) (i int) {
	defer abortOnDrawPanic(r)
	// One coin per candidate past the first: "not this one, the next".
	// Cheap (a coin costs a sixth of an integer draw) and it shrinks to 0,
	// thread order.
	for i < len(tied)-1 && coinGen.Draw(s.t, "") {
		i++
	}
	r.trace.Schedule = append(r.trace.Schedule, i)
	return i
}

// fixedStrategy replays a Schedule; past its end every choice is 0.
type fixedStrategy struct {
	s Schedule
	i int
}

func (f *fixedStrategy) next(r *run) int {
	v := 0
	if f.i < len(f.s) {
		v = f.s[f.i]
	}
	f.i++
	r.trace.Schedule = append(r.trace.Schedule, v)
	return v
}

func (f *fixedStrategy) delay(r *run, th *thread) time.Duration {
	return decodeDelay(r, f.next(r))
}

func (f *fixedStrategy) tie(r *run, tied []*thread) int {
	return min(f.next(r), len(tied)-1)
}

// pctStrategy is Probabilistic Concurrency Testing (Burckhardt et al.,
// ASPLOS 2010): every thread gets a random priority when first seen, the
// highest-priority ready thread runs, and at depth-1 random steps the
// running thread's priority drops below every initial one. For a bug of
// depth d in a program of n threads and k steps, one run finds it with
// probability at least 1/(n·k^(d-1)).
type pctStrategy struct {
	rng          *rand.Rand
	depth, steps int
	prio         map[*thread]int
	changeAt     map[int]int // step -> new (low) priority
	step         int
}

func newPCT(depth, steps int, seed uint64) *pctStrategy {
	p := &pctStrategy{
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		depth:    depth,
		steps:    max(steps, 1),
		prio:     map[*thread]int{},
		changeAt: map[int]int{},
	}
	for i := 1; i < depth; i++ {
		p.changeAt[1+p.rng.IntN(p.steps)] = depth - i
	}
	return p
}

func (p *pctStrategy) priority(th *thread) int {
	v, ok := p.prio[th]
	if !ok {
		v = p.depth + 1 + p.rng.IntN(1<<30)
		p.prio[th] = v
	}
	return v
}

func (p *pctStrategy) delay(r *run, th *thread) time.Duration {
	p.step++
	if low, ok := p.changeAt[p.step]; ok {
		p.prio[th] = low
	}
	mine := p.priority(th)
	for _, o := range r.threads {
		if o != th && readyAt(r, o) && p.priority(o) > mine {
			r.trace.Schedule = append(r.trace.Schedule, yieldCode)
			return yieldDelay
		}
	}
	r.trace.Schedule = append(r.trace.Schedule, 0)
	return 0
}

func (p *pctStrategy) tie(r *run, tied []*thread) int {
	best := 0
	for i, o := range tied {
		if p.priority(o) > p.priority(tied[best]) {
			best = i
		}
	}
	r.trace.Schedule = append(r.trace.Schedule, best)
	return best
}

// readyAt reports whether o could run at the run's current instant.
func readyAt(r *run, o *thread) bool {
	return (o.state == ready && o.readyAt <= r.now) || (o.state == blocked && o.wakeAt <= r.now)
}

// isRapidSignal reports whether a panic value is rapid's own (a failed or
// skipped test case), which must reach rapid unchanged.
func isRapidSignal(v any) bool {
	return v != nil && reflect.TypeOf(v).PkgPath() == "pgregory.net/rapid"
}
