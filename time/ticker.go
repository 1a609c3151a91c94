package time

import (
	gotime "time"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// A Ticker holds a channel that delivers “ticks” of a clock at intervals.
// A Ticker must be created with NewTicker. As Go's, it drops ticks for a
// slow receiver (C has capacity 1).
type Ticker struct {
	C *Chan // the channel on which the ticks are delivered

	mu     sync.Mutex // protects the fields below; held while ticking
	gen    int        // incremented by Stop and Reset
	period Duration
	real   *gotime.Timer
}

// NewTicker returns a new Ticker containing a channel that will send the
// current time on the channel after each tick. The period of the ticks is
// specified by the duration argument. The ticker will adjust the time
// interval or drop ticks to make up for slow receivers. The duration d
// must be greater than zero; if not, NewTicker will panic.
func NewTicker(d Duration) *Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	t := &Ticker{C: chans.Make[Time](1)}
	t.mu.Lock()
	t.startLocked(d)
	t.mu.Unlock()
	return t
}

// Stop turns off a ticker. After Stop, no more ticks will be sent, and no
// stale tick is received. Stop does not close the channel.
func (t *Ticker) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopLocked()
}

// Reset stops a ticker and resets its period to the specified duration.
// The next tick will arrive after the new period elapses. The duration d
// must be greater than zero; if not, Reset will panic.
func (t *Ticker) Reset(d Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopLocked()
	t.startLocked(d)
}

func (t *Ticker) stopLocked() {
	t.gen++
	if t.real != nil {
		t.real.Stop()
		t.real = nil
	}
	t.C.TryRecv()
}

func (t *Ticker) startLocked(d Duration) {
	t.period = d
	g := t.gen
	t.real = arm(d, func() { t.tick(g) })
}

// tick delivers one tick of generation g (dropped if C is full) and arms
// the next one.
func (t *Ticker) tick(g int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if g != t.gen {
		return
	}
	t.C.TrySend(Now())
	t.real = arm(t.period, func() { t.tick(g) })
}
