package chans

import (
	gosync "sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// mu protects the state of every channel and every waiter: one lock keeps
// a select over several channels simple (it needs no lock ordering), and
// nothing holds it across a scheduling point or a park.
var mu gosync.Mutex

// A waiter is one blocked goroutine: a Send, a Recv or a whole select. It
// is queued on every channel it waits on (one entry per case), and the
// first operation that completes one of its cases fires it.
//
// Invariant (under mu): fired < 0 while it waits; once fired, fired is the
// index of the completed case, the case's value has been transferred, and
// the goroutine has been woken; its entries on other channels are removed
// by the goroutine itself when it resumes.
type waiter struct {
	q      sched.WaitQueue // the goroutine alone parks here
	fired  int
	ok     bool // a receive got a value (false: the channel was closed)
	closed bool // a send was fired by Close: it must panic
}

func newWaiter() *waiter { return &waiter{fired: -1} }

// misuse is a panic raised while waking a waiter (a goroutine that the
// waiter's model run does not manage woke it), held until mu is released
// so that the panic never leaves mu locked. Guarded by mu.
var misuse any

// fire completes case idx of w and wakes it. mu must be held.
func (w *waiter) fire(idx int) {
	w.fired = idx
	defer func() {
		if v := recover(); v != nil && misuse == nil {
			misuse = v
		}
	}()
	w.q.WakeOne()
}

// unlock releases mu, then raises a misuse caught while it was held.
func unlock() {
	v := misuse
	misuse = nil
	mu.Unlock()
	if v != nil {
		panic(v)
	}
}

// park blocks the goroutine until w fires. mu must be held; it is held
// again on return.
func (w *waiter) park(op string) {
	for w.fired < 0 {
		w.q.Wait(&mu, op, time.Time{})
	}
}

// blockForever parks the calling goroutine for good: an operation on a nil
// channel, or a select with no cases.
func blockForever(op string) {
	mu.Lock()
	w := newWaiter()
	w.park(op)
	unlock()
}
