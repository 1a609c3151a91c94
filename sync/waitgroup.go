package sync

import (
	"fmt"
	gosync "sync"
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
	mu gosync.Mutex // protects every field below

	// Invariant: n >= 0; q holds the Waits parked on a positive counter
	// (so it is empty whenever n == 0: the last Done wakes them all);
	// releasing counts the Waits woken by the counter reaching zero that
	// have not yet returned: an Add from zero while releasing > 0 is Go's
	// "WaitGroup is reused before previous Wait has returned".
	n         int
	releasing int
	q         sched.WaitQueue
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
func (wg *WaitGroup) Add(delta int) {
	if sched.Active() {
		sched.Point("WaitGroup.Add", wg)
	}
	wg.mu.Lock()
	v := wg.n + delta
	if v < 0 {
		wg.mu.Unlock()
		panic(fmt.Errorf("%w", ErrNegativeCounter))
	}
	if delta > 0 && v == delta {
		if wg.releasing > 0 {
			wg.mu.Unlock()
			panic(fmt.Errorf("%w: WaitGroup is reused before previous Wait has returned", ErrWaitGroupMisuse))
		}
	}
	defer wg.mu.Unlock() // a wake that panics (misuse) must not leave mu locked
	wg.n = v
	if v == 0 {
		wg.releasing += wg.q.Len()
		wg.q.WakeAll()
	}
}

// Done decrements the WaitGroup counter by one: Add(-1).
func (wg *WaitGroup) Done() { wg.Add(-1) }

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
	wg.mu.Lock()
	if wg.n == 0 {
		wg.mu.Unlock()
		return
	}
	if wg.q.Wait(&wg.mu, "WaitGroup.Wait", time.Time{}) {
		wg.releasing--
	}
	wg.mu.Unlock()
}

// Observe reports the state a trace shows: the counter and the waiters.
func (wg *WaitGroup) Observe() sched.Snapshot {
	wg.mu.Lock()
	defer wg.mu.Unlock()
	return sched.Snapshot{Kind: "WaitGroup", State: fmt.Sprintf("counter=%d", wg.n), Waiters: wg.q.Len()}
}
