package broken

import (
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// Event is an event whose waiters re-check the flag after waking: a Clear
// that comes between a Set and the woken waiter's re-check sends the
// waiter back to sleep, so the Set is lost (the Clear races with the
// wake-up). Python's Event.wait returns True once a Set woke it.
type Event struct {
	mu   sync.Mutex
	flag bool
	q    sched.WaitQueue
}

// Set sets the flag and wakes every waiter.
func (e *Event) Set() {
	failpoints.Hit(failpoints.EventSet, e)
	e.mu.Lock()
	e.flag = true
	e.q.WakeAll()
	e.mu.Unlock()
}

// Clear resets the flag.
func (e *Event) Clear() {
	failpoints.Hit(failpoints.EventClear, e)
	e.mu.Lock()
	e.flag = false
	e.mu.Unlock()
}

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.flag
}

// Wait waits until it sees the flag set (the bug: a wake-up whose Set was
// already cleared does not count).
func (e *Event) Wait() { e.WaitTimeout(-1) }

// WaitTimeout waits at most d (d < 0: no limit) and reports whether it saw
// the flag set.
func (e *Event) WaitTimeout(d time.Duration) bool {
	failpoints.Hit(failpoints.EventWait, e)
	deadline := sched.Deadline(d)
	e.mu.Lock()
	for !e.flag {
		if !e.q.Wait(&e.mu, "Event.Wait", deadline) { // unwinds with mu released
			flag := e.flag
			e.mu.Unlock()
			return flag
		}
	}
	e.mu.Unlock()
	return true
}

// Observe returns the event's state for a trace line.
func (e *Event) Observe() failpoints.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return failpoints.Snapshot{Kind: "Event", State: map[bool]string{false: "clear", true: "set"}[e.flag], Waiters: e.q.Len()}
}
