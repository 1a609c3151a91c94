package primitives_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13's TimerTests, plus the contract's Timer promises
// (fires once after its interval, never after a Cancel that came first).

func TestTimer_test_init_immutable_default_args(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var calls hList[string]
		var fired primitives.Event
		spy := func() { calls.Append("call"); fired.Set() }
		timer1 := primitives.NewTimer(e.Dur(10*time.Millisecond), spy)
		timer1.Start()
		if !fired.WaitTimeout(e.deadline()) {
			e.Fatalf("timer1 never fired")
		}
		fired.Clear()
		timer2 := primitives.NewTimer(e.Dur(10*time.Millisecond), spy)
		timer2.Start()
		if !fired.WaitTimeout(e.deadline()) {
			e.Fatalf("timer2 never fired")
		}
		if got := calls.String(); got != "[call call]" {
			e.Errorf("calls = %s; want [call call]", got)
		}
		e.Join(timer1.Thread)
		e.Join(timer2.Thread)
	})
}

func TestTimer_firesOnceAfterItsInterval(t *testing.T) {
	hModel(t, func(e *hEnv) {
		start := sched.Now()
		var at []time.Duration
		tm := primitives.NewTimer(3*time.Second, func() { at = append(at, sched.Now().Sub(start)) })
		tm.Start()
		e.Join(tm.Thread)
		if len(at) != 1 || at[0] != 3*time.Second {
			e.Errorf("fn ran at %v; want once, at 3s", at)
		}
		tm.Cancel() // after it fired: nothing happens
		if len(at) != 1 {
			e.Errorf("Cancel after the timer fired ran fn again")
		}
	})
}

func TestTimer_cancelBeforeTheInterval(t *testing.T) {
	hModel(t, func(e *hEnv) {
		start := sched.Now()
		var ran atomic.Bool
		tm := primitives.NewTimer(5*time.Second, func() { ran.Store(true) })
		tm.Start()
		primitives.Sleep(2 * time.Second)
		tm.Cancel()
		tm.Cancel() // twice is fine
		e.Join(tm.Thread)
		if ran.Load() {
			e.Errorf("a timer cancelled before its interval ran its function")
		}
		if el := sched.Now().Sub(start); el != 2*time.Second {
			e.Errorf("the cancelled timer ended at %v; want at once, at 2s", el)
		}
	})
}

func TestTimer_cancelBeforeStart(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var ran atomic.Bool
		tm := primitives.NewTimer(0, func() { ran.Store(true) })
		tm.Cancel()
		tm.Start()
		e.Join(tm.Thread)
		if ran.Load() {
			e.Errorf("a timer cancelled before Start ran its function")
		}
	})
}

func TestTimer_nonPositiveIntervalFiresAtOnce(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		for _, d := range []time.Duration{0, -time.Second} {
			start := sched.Now()
			var ran atomic.Int32
			tm := primitives.NewTimer(d, func() { ran.Add(1) })
			tm.Start()
			e.Join(tm.Thread)
			if ran.Load() != 1 {
				e.Errorf("NewTimer(%v): fn ran %d times; want 1", d, ran.Load())
			}
			if el := sched.Now().Sub(start); e.model && el != 0 {
				e.Errorf("NewTimer(%v) fired after %v of virtual time; want 0", d, el)
			}
		}
	})
}

func TestTimer_isAThread(t *testing.T) {
	tr := hModel(t, func(e *hEnv) {
		tm := primitives.NewTimer(time.Second, func() {})
		if got := tm.String(); got != "<Timer(Thread-1, initial)>" {
			e.Errorf("String() = %q; want <Timer(Thread-1, initial)>", got)
		}
		if tm.Daemon() {
			e.Errorf("a timer of the main thread is a daemon")
		}
		if s := tm.Observe(); s.Kind != "Timer" || s.State != "new" {
			e.Errorf("Observe() = %+v; want Kind Timer, State new", s)
		}
		tm.Start()
		if !tm.IsAlive() {
			e.Errorf("IsAlive() after Start = false")
		}
		if s := tm.Observe(); s.State != "alive" {
			e.Errorf("Observe() of a running timer = %+v; want State alive", s)
		}
		tm.Cancel()
		if s := tm.Observe(); s.State != "alive cancelled" && s.State != "stopped" {
			e.Errorf("Observe() after Cancel = %+v; want State alive cancelled (or stopped)", s)
		}
		if !tm.JoinTimeout(time.Second) {
			e.Errorf("JoinTimeout after Cancel = false")
		}
	})
	out := tr.String()
	for _, want := range []string{"timer-cancel", "timer-fire", "Timer#1{alive"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

// A cancel racing with the timer, on schedules drawn by rapid: the function
// runs at most once, never when Cancel returned before the interval ended,
// and always when nobody cancelled.
func TestTimer_cancelRace(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interval := time.Duration(rapid.IntRange(0, 3).Draw(rt, "interval")) * time.Millisecond
		cancelAt := time.Duration(rapid.IntRange(0, 4).Draw(rt, "cancelAt")) * time.Millisecond
		cancel := rapid.Bool().Draw(rt, "cancel")
		var runs int
		var cancelledAt time.Duration = -1
		interleave.Explore(rt, func() {
			start := sched.Now()
			tm := primitives.NewTimer(interval, func() { runs++ })
			tm.Start()
			if cancel {
				primitives.Sleep(cancelAt)
				tm.Cancel()
				cancelledAt = sched.Now().Sub(start)
			}
			tm.Join()
		})
		switch {
		case runs > 1:
			rt.Fatalf("fn ran %d times", runs)
		case !cancel && runs != 1:
			rt.Fatalf("an uncancelled timer ran fn %d times; want 1", runs)
		case cancel && cancelledAt < interval && runs != 0:
			rt.Fatalf("Cancel returned at %v, before the %v interval, yet fn ran", cancelledAt, interval)
		}
	})
}

func ExampleTimer() {
	_, err := interleave.Run(func() {
		start := sched.Now()
		elapsed := func() time.Duration { return sched.Now().Sub(start) }
		hello := primitives.NewTimer(2*time.Second, func() { fmt.Println("hello at", elapsed()) })
		never := primitives.NewTimer(5*time.Second, func() { fmt.Println("never printed") })
		hello.Start()
		never.Start()
		primitives.Sleep(3 * time.Second)
		never.Cancel()
		hello.Join()
		never.Join()
		fmt.Println("done at", elapsed())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// hello at 2s
	// done at 3s
}
