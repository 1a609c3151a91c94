package sync

import (
	"fmt"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A WaitGroup waits for a collection of goroutines or tasks to finish. The
// zero value is ready to use: a counter of zero.
//
// Typically, a main goroutine will start tasks, each in a new goroutine, by
// calling WaitGroup.Go and then wait for all tasks to complete by calling
// WaitGroup.Wait. Alternatively, call Add before starting each goroutine
// and Done when it finishes.
//
// A WaitGroup must not be copied after first use.
//
// In the terminology of the Go memory model, a call to Done "synchronizes
// before" the return of any Wait call that it unblocks.
//
// In a model run Add, Done and Wait are scheduling points, and a blocked
// Wait parks on the explorer's wait queue ("WaitGroup.Wait").
type WaitGroup struct {
	// state is the counter in its high 32 bits and, in its low 32, the
	// Waits registered on a positive counter that have not returned yet
	// (parked, or released by the counter reaching zero): as Go's, so that
	// Add, Done and a Wait on a zero counter are one atomic operation.
	//
	// Invariant: the counter is >= 0 but for the moment a misused Add
	// takes to undo itself before it panics (so a panicking Add leaves it
	// unchanged, as a run replays it); a Wait registers only under mu and only on
	// a positive counter, and is in q before it releases mu, so the Add
	// that brings the counter to zero, which then wakes q under mu, wakes
	// every registered Wait still parked; q is empty whenever the counter
	// is zero and no such Add is between its CAS and its wake. A positive
	// Add from zero while Waits are registered is Go's "WaitGroup is reused
	// before previous Wait has returned".
	state atomic.Uint64
	mu    gosync.Mutex    // protects q and the Waits' registration
	q     sched.WaitQueue // the Waits parked on a positive counter
}

// Add adds delta, which may be negative, to the WaitGroup counter. If the
// counter becomes zero, all goroutines blocked on Wait are released. If
// the counter goes negative, Add panics with an error wrapping
// ErrNegativeCounter.
//
// Calls with a positive delta that occur when the counter is zero must
// happen before a Wait. If a WaitGroup is reused to wait for several
// independent sets of events, new Add calls must happen after all previous
// Wait calls have returned: a positive Add from zero while Waits released
// by the counter reaching zero have not returned panics with an error
// wrapping ErrWaitGroupMisuse ("WaitGroup is reused before previous Wait
// has returned"), a misuse Go detects on a best-effort basis and the
// explorer finds on the schedule where it happens.
func (wg *WaitGroup) Add(delta int) { wg.add(delta, "WaitGroup.Add") }

// Done decrements the WaitGroup counter by one: Add(-1), which a trace
// shows as WaitGroup.Done.
func (wg *WaitGroup) Done() { wg.add(-1, "WaitGroup.Done") }

// add is Add with the name its scheduling point shows in a trace.
func (wg *WaitGroup) add(delta int, op string) {
	if sched.Active() {
		sched.Point(op, wg)
	}
	// One atomic add, as Go's: under contention a CAS loop would retry.
	s := wg.state.Add(uint64(int64(delta)) << 32)
	waits := uint32(s)
	v := int64(int32(s >> 32))
	if v < 0 || delta > 0 && v < int64(delta) {
		// Negative, or above MaxInt32, where Go's 32-bit counter wraps
		// negative too: undo, so that the counter is unchanged, and panic.
		wg.state.Add(-uint64(int64(delta)) << 32)
		panic(fmt.Errorf("%w", ErrNegativeCounter))
	}
	if delta > 0 && v == int64(delta) && waits > 0 {
		wg.state.Add(-uint64(int64(delta)) << 32)
		panic(fmt.Errorf("%w: WaitGroup is reused before previous Wait has returned", ErrWaitGroupMisuse))
	}
	if v == 0 && waits > 0 {
		wg.mu.Lock()
		defer wg.mu.Unlock() // a wake that panics (misuse) must not leave mu locked
		wg.q.WakeAll()
	}
}

// Go calls f in a new goroutine and adds that task to the WaitGroup. When
// f returns, the task is removed from the WaitGroup. In a model run the
// goroutine is a managed thread (as goroutine.Go starts).
//
// f should not panic. If f panics, the run fails with the panic.
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	spawn("", func() {
		defer wg.Done()
		f()
	})
}

// Wait blocks until the WaitGroup counter is zero.
func (wg *WaitGroup) Wait() {
	if sched.Active() {
		sched.Point("WaitGroup.Wait", wg)
	}
	if wg.state.Load()>>32 == 0 {
		return
	}
	wg.mu.Lock()
	for {
		s := wg.state.Load()
		if s>>32 == 0 {
			wg.mu.Unlock()
			return
		}
		if wg.state.CompareAndSwap(s, s+1) {
			break
		}
	}
	// The registration ends when Wait returns, or when an unwinding
	// goroutine leaves it (Wait has released mu then).
	defer wg.state.Add(^uint64(0))
	wg.q.Wait(&wg.mu, "WaitGroup.Wait", time.Time{}) // no deadline: returns once woken
	wg.mu.Unlock()
}

// Observe reports the state a trace shows: the counter and the waiters.
func (wg *WaitGroup) Observe() sched.Snapshot {
	wg.mu.Lock()
	defer wg.mu.Unlock()
	return sched.Snapshot{Kind: "WaitGroup", State: fmt.Sprintf("counter=%d", wg.state.Load()>>32), Waiters: wg.q.Len(), WaitsFor: "the counter to reach zero"}
}
