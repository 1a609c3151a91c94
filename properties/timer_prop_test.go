package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"pgregory.net/rapid"
)

// timerOutcome is what one timer run observed.
type timerOutcome struct {
	start, fireAt, cancelDone time.Time
	fires, firesAtCancel      int
	cancelled                 bool
}

// timerRun starts a timer of interval d and, if cancelAt >= 0, sleeps
// cancelAt and cancels it; then joins it. It records when the timer was
// started, when it fired and how often, and how often it had fired when
// Cancel returned.
func timerRun(v *violations, d, cancelAt time.Duration) *timerOutcome {
	o := &timerOutcome{}
	tm := primitives.NewTimer(d, func() {
		o.fires++
		o.fireAt = sched.Now()
	})
	o.start = sched.Now()
	tm.Start()
	if cancelAt >= 0 {
		sched.Sleep(cancelAt)
		tm.Cancel()
		o.cancelled, o.cancelDone, o.firesAtCancel = true, sched.Now(), o.fires
	}
	tm.Join()
	if tm.IsAlive() {
		v.Fatalf("Timer.IsAlive() after Join = true; want false")
	}
	return o
}

// check checks the outcome of a timer of interval d: it fired at most
// once; never after Cancel returned; exactly once if not cancelled; never
// before its interval, and no later than its interval plus slack.
func (o *timerOutcome) check(v *violations, d, slack time.Duration) {
	if o.fires > 1 {
		v.Fatalf("Timer(%v) fired %d times; want at most once", d, o.fires)
	}
	if o.cancelled && o.fires != o.firesAtCancel {
		v.Fatalf("Timer(%v) fired after Cancel returned at %v", d, o.cancelDone.Sub(sched.Epoch))
	}
	if !o.cancelled && o.fires != 1 {
		v.Fatalf("Timer(%v), not cancelled, fired %d times; want once", d, o.fires)
	}
	if o.fires == 1 {
		if el := o.fireAt.Sub(o.start); el < d || el > d+slack {
			v.Fatalf("Timer(%v) fired %v after Start; want %v (+ at most %v of injected delays)", d, el, d, slack)
		}
	}
}

// drawTimer draws an interval and a cancel time (-1: never), in
// milliseconds.
func drawTimer(rt *rapid.T) (d, cancelAt time.Duration) {
	d = time.Duration(rapid.IntRange(0, 4).Draw(rt, "interval (ms)")) * time.Millisecond
	cancelAt = time.Duration(rapid.IntRange(-1, 5).Draw(rt, "cancel after (ms), -1: never")) * time.Millisecond
	if cancelAt < 0 {
		cancelAt = -1
	}
	return d, cancelAt
}

// TestPropTimerExplored: under explored schedules, a timer fires at most
// once, never after Cancel returned, exactly once if not cancelled, never
// before its interval and at most the schedule's injected delays after
// it; with no preemption at all, at exactly its interval.
func TestPropTimerExplored(t *testing.T) {
	t.Parallel()
	properties.Check(t, "TimerExplored", func(rt *rapid.T, cov *interleave.Coverage) {
		d, cancelAt := drawTimer(rt)
		var o *timerOutcome
		var v violations
		tr := explore(rt, cov, func(vv *violations) { o = timerRun(vv, d, cancelAt) })
		slack := time.Duration(0)
		for _, st := range tr.Steps() {
			slack += st.Delay // preemptions, and the main thread's sleep (a loose bound)
		}
		if tr.Preemptions() == 0 {
			slack = 0
		}
		o.check(&v, d, slack)
		v.report(rt, tr)
	})
}

// TestPropTimerZeroSchedule: under the all-zero schedule (no injected
// delay), a timer not cancelled before its interval fires exactly at its
// interval, once; one cancelled before it never fires.
func TestPropTimerZeroSchedule(t *testing.T) {
	t.Parallel()
	properties.Check(t, "TimerZeroSchedule", func(rt *rapid.T, cov *interleave.Coverage) {
		d, cancelAt := drawTimer(rt)
		var o *timerOutcome
		var v violations
		tr, err := interleave.Run(func() { o = timerRun(&v, d, cancelAt) })
		cov.Add(tr)
		if err != nil {
			rt.Fatalf("Timer run failed: %v", err)
		}
		o.check(&v, d, 0)
		switch {
		case cancelAt >= 0 && cancelAt < d && o.fires != 0:
			v.Fatalf("Timer(%v) cancelled at %v fired; want never", d, cancelAt)
		case (cancelAt < 0 || cancelAt > d) && o.fires != 1:
			v.Fatalf("Timer(%v) (cancel at %v) fired %d times; want once, at %v", d, cancelAt, o.fires, d)
		}
		v.report(rt, tr)
	})
}
