package time

import (
	gotime "time"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/interleave-lab/interleave/sync"
)

// Chan is the type of a Timer's and a Ticker's channel.
type Chan = chans.Chan[Time]

// The Timer type represents a single event. When the Timer expires, the
// current time will be sent on C, unless the Timer was created by
// AfterFunc. A Timer must be created with NewTimer or AfterFunc.
//
// In a model run a pending timer is a daemon thread ("timer") sleeping on
// the virtual clock; its firing is a scheduling point, and it does not keep
// the run alive.
type Timer struct {
	C *Chan // the channel on which the time is delivered; nil for AfterFunc

	mu     sync.Mutex // protects the fields below; held while firing
	gen    int        // incremented by every Stop and Reset: a firing of an older generation is dropped
	active bool       // armed and not yet fired or stopped
	f      func()     // AfterFunc's function
	real   *gotime.Timer
}

// NewTimer creates a new Timer that will send the current time on its
// channel after at least duration d.
func NewTimer(d Duration) *Timer {
	t := &Timer{C: chans.Make[Time](1)}
	t.mu.Lock()
	t.armLocked(d)
	t.mu.Unlock()
	return t
}

// AfterFunc waits for the duration to elapse and then calls f in its own
// goroutine. It returns a Timer that can be used to cancel the call using
// its Stop method. The returned Timer's C field is not used and is nil.
func AfterFunc(d Duration, f func()) *Timer {
	t := &Timer{f: f}
	t.mu.Lock()
	t.armLocked(d)
	t.mu.Unlock()
	return t
}

// Stop prevents the Timer from firing. It returns true if the call stops
// the timer, false if the timer has already expired or been stopped. After
// Stop returns, no value from before the call is received from t.C. For a
// func-based timer created with AfterFunc, if t.Stop returns false, then
// the timer has already expired and the function f has been started in its
// own goroutine; Stop does not wait for f to complete.
func (t *Timer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := t.active
	t.disarmLocked()
	return was
}

// Reset changes the timer to expire after duration d. It returns true if
// the timer had been active, false if the timer had expired or been
// stopped. After Reset returns, no stale value from before the call is
// received from t.C.
func (t *Timer) Reset(d Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := t.active
	t.disarmLocked()
	t.armLocked(d)
	return was
}

// disarmLocked drops the pending firing and any value already delivered.
func (t *Timer) disarmLocked() {
	t.gen++
	t.active = false
	if t.real != nil {
		t.real.Stop()
		t.real = nil
	}
	if t.C != nil {
		t.C.TryRecv()
	}
}

func (t *Timer) armLocked(d Duration) {
	t.active = true
	g := t.gen
	t.real = arm(d, func() { t.fire(g) })
}

// fire delivers generation g's expiry unless a Stop or Reset superseded it.
func (t *Timer) fire(g int) {
	t.mu.Lock()
	if g != t.gen || !t.active {
		t.mu.Unlock()
		return
	}
	t.active = false
	if t.f != nil {
		t.mu.Unlock()
		t.f() // already in its own goroutine (a timer thread or the runtime's)
		return
	}
	t.C.TrySend(Now())
	t.mu.Unlock()
}

// arm calls fn in its own goroutine after d: in a model run a daemon thread
// sleeping on the virtual clock, otherwise the runtime's timer (returned,
// so that a Stop can release it early).
func arm(d Duration, fn func()) *gotime.Timer {
	if sched.InModel() {
		sched.Spawn(timerInfo{}, true, func() {
			sched.Sleep(d)
			fn()
		})
		return nil
	}
	return gotime.AfterFunc(d, fn)
}

// timerInfo names a timer's thread in traces.
type timerInfo struct{}

func (timerInfo) Name() string { return "timer" }
