package primitives

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// An Event is a flag that threads can wait for: Set sets it and wakes
// every waiting thread, Clear resets it. The zero value is an unset Event.
//
// An Event must not be copied after first use.
//
// In the terminology of the Go memory model, a call to Set "synchronizes
// before" any Wait call that it unblocks returns, and before any Wait or
// IsSet that observes the flag it set.
//
// Event ports Python's threading.Event. As in CPython, a Wait woken by a
// Set returns true even if the flag was cleared again before the waiter
// ran.
type Event struct {
	mu   sync.Mutex
	flag atomic.Bool     // written under mu; read without it by IsSet and Wait's fast path
	q    sched.WaitQueue // threads waiting for a Set; guarded by mu
}

// Set sets the flag and wakes every thread waiting for it. Threads that
// call Wait while the flag is set do not block.
//
// Set is Python's event.set().
func (e *Event) Set() {
	failpoints.Hit(failpoints.EventSet, e)
	e.mu.Lock()
	e.flag.Store(true)
	e.q.WakeAll()
	e.mu.Unlock()
}

// Clear resets the flag: later Waits block until the next Set.
//
// Clear is Python's event.clear().
func (e *Event) Clear() {
	failpoints.Hit(failpoints.EventClear, e)
	e.mu.Lock()
	e.flag.Store(false)
	e.mu.Unlock()
}

// IsSet reports whether the flag is set.
//
// IsSet is Python's event.is_set().
func (e *Event) IsSet() bool { return e.flag.Load() }

// Wait blocks until the flag is set: it returns at once if it is set, and
// otherwise when a Set wakes the calling thread.
//
// Wait is Python's event.wait().
func (e *Event) Wait() { e.wait("Event.Wait", time.Time{}) }

// WaitTimeout blocks until the flag is set or d has passed. It returns true
// if the flag was set on entry or a Set woke the calling thread (even if
// the flag was cleared again since), false only on timeout. A d <= 0 does
// not wait: it returns the flag. The timeout runs on the virtual clock in a
// model run.
//
// WaitTimeout is Python's event.wait(timeout=d).
func (e *Event) WaitTimeout(d time.Duration) bool {
	if d <= 0 {
		failpoints.Hit(failpoints.EventWait, e)
		return e.flag.Load()
	}
	return e.wait("Event.WaitTimeout", sched.Deadline(d))
}

// Observe reports the state the explorer's trace shows: whether the flag
// is set and how many threads wait for it.
func (e *Event) Observe() failpoints.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	state := "clear"
	if e.flag.Load() {
		state = "set"
	}
	return failpoints.Snapshot{Kind: "Event", State: state, Waiters: e.q.Len(), WaitsFor: "a Set"}
}

// wait is CPython's Event.wait: the flag if set, else the outcome of one
// park (only Set wakes an Event's waiters, so woken means set).
func (e *Event) wait(op string, deadline time.Time) bool {
	failpoints.Hit(failpoints.EventWait, e)
	if e.flag.Load() {
		return true
	}
	if h := testHookEventSlowPath.Load(); h != nil {
		(*h)()
	}
	e.mu.Lock()
	if e.flag.Load() {
		e.mu.Unlock()
		return true
	}
	woken := e.q.Wait(&e.mu, op, deadline)
	e.mu.Unlock()
	failpoints.Hit(failpoints.EventWoken, e)
	return woken
}

// testHookEventSlowPath, when set (by tests only), runs in wait between
// the unlocked read that saw the flag clear and taking mu: the window a
// Set can fall into, which no failpoint splits.
var testHookEventSlowPath atomic.Pointer[func()]
