package primitives

import (
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
)

// A Timer is a Thread that calls a function once its interval has passed,
// unless it was cancelled first.
//
// Create one with NewTimer (the zero value is not usable) and run it with
// Start; it has every Thread method (Join, IsAlive, Name, ...). A Timer must
// not be copied.
//
// A Cancel that returns before the interval ends synchronizes before the
// timer's end: the function is then never called.
//
// Timer ports Python's threading.Timer, and works like it: the timer's
// thread waits its interval on an internal Event, which Cancel sets. In a
// model run the interval is virtual time.
type Timer struct {
	*Thread

	interval time.Duration
	finished Event // set by Cancel, and once the timer's thread is done

	mu sync.Mutex
	fn func() // guarded by mu; nil once the timer's thread is done
}

// NewTimer returns a timer, not yet started, that calls fn in its own
// thread d after Start. An interval d <= 0 calls fn as soon as the thread
// runs. The timer's automatic name is "Thread-N", without the function's
// name, as in Python; its daemon flag is inherited like a Thread's.
//
// NewTimer ports Python's threading.Timer(interval, function).
func NewTimer(d time.Duration, fn func()) *Timer {
	tm := &Timer{interval: d, fn: fn}
	tm.Thread = newThread(tm.run, threadConfig{}, false)
	tm.Thread.class = "Timer"
	return tm
}

// Cancel stops the timer if it has not called its function yet: a timer
// cancelled before its interval ends, or before it is started, never calls
// it. Cancelling twice, or after the function ran, does nothing.
//
// Cancel ports Python's Timer.cancel.
func (tm *Timer) Cancel() {
	failpoints.Hit(failpoints.TimerCancel, tm)
	tm.finished.Set()
}

// run is the timer thread's target: CPython's Timer.run.
func (tm *Timer) run() {
	defer func() {
		tm.mu.Lock()
		tm.fn = nil // drop what fn references once the timer is done
		tm.mu.Unlock()
		tm.finished.Set()
	}()
	tm.finished.WaitTimeout(tm.interval)
	failpoints.Hit(failpoints.TimerFire, tm)
	if tm.finished.IsSet() {
		return
	}
	tm.mu.Lock()
	fn := tm.fn
	tm.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// Observe returns the timer's state for a trace line: its thread's state
// (new, alive, stopped), "cancelled" once Cancel ran while the thread had
// not ended, and as Waiters the threads in Join.
func (tm *Timer) Observe() failpoints.Snapshot {
	s := tm.Thread.Observe()
	s.Kind = "Timer"
	if s.State != "stopped" && tm.finished.IsSet() {
		s.State += " cancelled"
	}
	return s
}
