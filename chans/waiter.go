package chans

import (
	"slices"
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
// Invariant (under mu): fired < 0 while it waits (and, unless a Shutdown
// unwound its goroutine, that goroutine is parked on q: see live); once fired, fired is the
// index of the completed case, the case's value has been transferred, and
// the goroutine has been woken; its entries on other channels are removed
// by the goroutine itself when it resumes. A firer touches neither the
// waiter nor the fired entry after fire: a woken Send or Recv reads them,
// and releases them, without mu.
type waiter struct {
	q      sched.WaitQueue // the goroutine alone parks here
	fired  int
	ok     bool // a receive got a value (false: the channel was closed)
	closed bool // a send was fired by Close: it must panic
	pooled bool // taken from waiters: release puts it back
}

// waiters pools the waiters of real-mode goroutines. Invariant: a pooled
// waiter is in no channel's queue and its WaitQueue is empty and bound to
// no run (a real-mode park never binds it).
var waiters = gosync.Pool{New: func() any { return &waiter{pooled: true} }}

// newWaiter returns a waiter that has not fired. In a model run it is a
// new one: its WaitQueue binds to the run, and a pooled one would carry
// that binding into another run.
func newWaiter() *waiter {
	if sched.Active() {
		return &waiter{fired: -1}
	}
	w := waiters.Get().(*waiter)
	w.fired = -1
	return w
}

// release ends w's use once its operation is over: no queue holds an
// entry of w any more, and its firer is done with it.
func (w *waiter) release() {
	if w.pooled {
		*w = waiter{pooled: true}
		waiters.Put(w)
	}
}

// pending holds the waiters fired under mu whose goroutines unlock
// readies once mu is released, as Go's runtime readies a goroutine after
// unlocking the channel: a woken goroutine then does not run into a held
// mu. Guarded by mu; empty whenever mu is free.
var pending []*sched.Waiter

// fire completes case idx of w and marks it woken; unlock readies its
// goroutine. mu must be held. Neither w nor the entry that fired may be
// touched afterwards (a woken Send or Recv returns without taking mu).
func (w *waiter) fire(idx int) {
	w.fired = idx
	if t := w.q.WakeLater(); t != nil {
		pending = append(pending, t)
	}
}

// unlock releases mu, then readies the goroutines fired while it was held.
// In a model run a wake from a goroutine that the waiter's run does not
// manage is reported by the run; a wake by a thread whose run is ending
// panics with the unwinding signal, here with mu released.
func unlock() {
	switch len(pending) {
	case 0:
		mu.Unlock()
	case 1:
		t := pending[0]
		pending[0] = nil
		pending = pending[:0]
		mu.Unlock()
		t.Wake()
	default: // a Close with several parked operations
		ts := slices.Clone(pending)
		clear(pending)
		pending = pending[:0]
		mu.Unlock()
		wakeAll(ts)
	}
}

// wakeAll readies every waiter of ts even if a wake panics (a model thread
// whose run is ending waking), so that no other goroutine misses its wake,
// then raises the first panic.
func wakeAll(ts []*sched.Waiter) {
	var first any
	for _, t := range ts {
		func() {
			defer func() {
				if v := recover(); v != nil && first == nil {
					first = v
				}
			}()
			t.Wake()
		}()
	}
	if first != nil {
		panic(first)
	}
}

// live reports whether w still waits: it has not fired and its goroutine
// is parked on w.q. Under mu a waiting goroutine is always on w.q (it
// queues its entries and parks in one hold of mu); one that a Shutdown
// unwound out of park has left w.q with w unfired, and its entries stay
// queued until a match drops them: a match must skip them, or a Send would
// hand its value to a receiver that is gone.
func (w *waiter) live() bool { return w.fired < 0 && w.q.Len() > 0 }

// park blocks the goroutine until w fires. mu must be held; park returns
// with it released. Only fire wakes w's queue, and the wait has no
// deadline, so park returns only when w has fired; the fire synchronizes
// before the return, so w's fields and its fired entry may be read
// without mu.
func (w *waiter) park(op string) {
	w.q.WaitUnlocked(&mu, op, time.Time{})
}

// blockForever parks the calling goroutine for good: an operation on a nil
// channel, or a select with no cases.
func blockForever(op string) {
	mu.Lock()
	newWaiter().park(op)
}
