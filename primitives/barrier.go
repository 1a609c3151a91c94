package primitives

import (
	"fmt"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Barrier lets a fixed number of threads (its parties) wait for each
// other: each calls Wait, and all of them return once the last one has
// arrived. A Barrier can be used again and again. A Barrier must be
// created with NewBarrier.
//
// A Barrier must not be copied after first use.
//
// In the terminology of the Go memory model, every party's call to Wait,
// and the action, "synchronize before" any party's Wait of the same round
// returns.
//
// Barrier ports Python's threading.Barrier and follows CPython's state
// machine: while filling, arrivals wait; the last to arrive runs the action
// and releases everybody (draining); a new round starts once every party of
// the last one has left Wait. An abort, a timeout or a failing action
// breaks the barrier (BrokenBarrierError in Python is a returned
// ErrBrokenBarrier here) until Reset. CPython runs the action holding the
// barrier's lock, so Wait, Reset and Abort called meanwhile (also from the
// action itself, which then deadlocks, as in Python) wait for it to finish;
// this Barrier does the same.
type Barrier struct {
	parties int
	action  func()
	timeout time.Duration // Wait's timeout; 0: none

	mu    sync.Mutex
	state barrierState // guarded by mu
	// count is the number of parties inside Wait: those that arrived
	// while filling, those not yet gone while draining or resetting.
	// Guarded by mu.
	count int
	// acting is set while the last party runs the action: it stands for
	// CPython's barrier lock, which that party holds meanwhile, so every
	// other use of the barrier waits while it is set. Guarded by mu.
	acting bool
	// q holds every thread waiting on the barrier, for whatever reason;
	// every change of state wakes all of them (CPython's notify_all), and
	// each re-checks its own condition. Guarded by mu.
	q sched.WaitQueue
}

// barrierState is CPython's Barrier._state.
type barrierState int8

const (
	barrierFilling   barrierState = iota // 0: parties arrive
	barrierDraining                      // 1: released parties leave Wait
	barrierResetting                     // -1: a Reset waits for the parties inside to leave
	barrierBroken                        // -2: every Wait fails until Reset
)

// NewBarrier returns a Barrier for parties threads. The last thread to
// arrive in each round calls action (if not nil) before any of them
// returns. A timeout > 0 is the default timeout of Wait; 0 means none.
//
// It is a run-time error if parties < 1 or timeout < 0: NewBarrier panics
// with an error wrapping ErrNegativeValue.
//
// NewBarrier is Python's threading.Barrier(parties, action, timeout).
func NewBarrier(parties int, action func(), timeout time.Duration) *Barrier {
	if parties < 1 {
		panic(fmt.Errorf("primitives: NewBarrier(%d, ...): %w: parties must be > 0", parties, ErrNegativeValue))
	}
	if timeout < 0 {
		panic(fmt.Errorf("primitives: NewBarrier(%d, ..., %v): %w: timeout must be >= 0", parties, timeout, ErrNegativeValue))
	}
	return &Barrier{parties: parties, action: action, timeout: timeout}
}

// Wait waits until every party has called Wait, and returns the calling
// thread's index in the round: a distinct number from 0 to Parties()-1, in
// order of arrival. The last party to arrive runs the action first. If the
// barrier was created with a timeout, Wait waits at most that long and
// then breaks the barrier.
//
// Wait returns -1 and ErrBrokenBarrier if the barrier is broken on arrival
// or while the thread waits (Abort, Reset, a timeout, or an action that
// panicked). A panic in the action breaks the barrier and propagates out
// of the Wait of the party that ran it.
//
// Wait is Python's barrier.wait().
func (b *Barrier) Wait() (int, error) {
	return b.wait("Barrier.Wait", b.timeout, b.timeout > 0)
}

// WaitTimeout is Wait with a timeout of d instead of the barrier's: if the
// round is not complete after d, the barrier breaks and every party waiting
// in it gets ErrBrokenBarrier. A d <= 0 does not wait: unless the caller is
// the last party, the barrier breaks at once. The timeout runs on the
// virtual clock in a model run.
//
// WaitTimeout is Python's barrier.wait(timeout=d).
func (b *Barrier) WaitTimeout(d time.Duration) (int, error) {
	return b.wait("Barrier.WaitTimeout", d, true)
}

// Reset returns the barrier to its initial, empty state. Parties waiting in
// the current round get ErrBrokenBarrier; the barrier is usable again once
// they have left.
//
// Reset is Python's barrier.reset().
func (b *Barrier) Reset() {
	b.mu.Lock()
	held := true
	b.awaitLock("Barrier.Reset", &held)
	if b.count > 0 {
		if b.state == barrierFilling || b.state == barrierBroken {
			b.state = barrierResetting // the last party to leave makes it filling
		}
	} else {
		b.state = barrierFilling
	}
	b.q.WakeAll()
	b.mu.Unlock()
}

// Abort breaks the barrier: every party waiting gets ErrBrokenBarrier, and
// so does every later Wait until Reset.
//
// Abort is Python's barrier.abort().
func (b *Barrier) Abort() {
	b.mu.Lock()
	held := true
	b.awaitLock("Barrier.Abort", &held)
	b.breakLocked()
	b.mu.Unlock()
}

// Broken reports whether the barrier is broken.
//
// Broken is Python's barrier.broken.
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state == barrierBroken
}

// Parties returns the number of threads needed to pass the barrier.
//
// Parties is Python's barrier.parties.
func (b *Barrier) Parties() int { return b.parties }

// NWaiting returns the number of threads waiting in the current round while
// it fills (including, while it runs, the party running the action), and 0
// while the barrier drains, resets or is broken.
//
// NWaiting is Python's barrier.n_waiting.
func (b *Barrier) NWaiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == barrierFilling {
		return b.count
	}
	return 0
}

// Observe reports the state the explorer's trace shows: the parties inside
// Wait out of the barrier's parties, whether it is broken, and the threads
// parked on it.
func (b *Barrier) Observe() failpoints.Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	state := fmt.Sprintf("waiting=%d/%d", b.count, b.parties)
	if b.state == barrierBroken {
		state += " broken"
	}
	return failpoints.Snapshot{Kind: "Barrier", State: state, Waiters: b.q.Len(), WaitsFor: "the other parties"}
}

// wait is CPython's Barrier.wait. held tracks whether mu is held, for the
// deferred clean-up (CPython's finally) when a panic comes through.
func (b *Barrier) wait(op string, timeout time.Duration, timed bool) (index int, err error) {
	failpoints.Hit(failpoints.BarrierWait, b)
	b.mu.Lock()
	held := true
	b.awaitLock(op, &held)
	// CPython's _enter: wait while the previous round drains or resets.
	for b.state == barrierDraining || b.state == barrierResetting {
		b.park(op, time.Time{}, &held)
		b.awaitLock(op, &held)
	}
	if b.state == barrierBroken {
		b.mu.Unlock()
		return -1, ErrBrokenBarrier
	}
	index = b.count
	b.count++
	defer func() {
		if !held {
			b.relock()
		}
		b.count--
		b.exit()
		b.mu.Unlock()
	}()
	if index+1 == b.parties {
		b.release(&held)
		return index, nil
	}
	if err := b.waitRelease(op, timeout, timed, &held); err != nil {
		return -1, err
	}
	return index, nil
}

// release is CPython's _release: the last party runs the action and lets
// the round drain, or breaks the barrier if the action panics (the panic
// goes on).
func (b *Barrier) release(held *bool) {
	b.acting = true
	b.mu.Unlock()
	*held = false
	ok := false
	defer func() {
		b.mu.Lock()
		*held = true
		b.acting = false
		if ok {
			b.state = barrierDraining
			b.q.WakeAll()
		} else {
			b.breakLocked()
		}
	}()
	failpoints.Hit(failpoints.BarrierAction, b)
	if b.action != nil {
		b.action()
	}
	ok = true
}

// waitRelease is CPython's _wait: wait_for(state != filling, timeout); a
// timeout breaks the barrier.
func (b *Barrier) waitRelease(op string, timeout time.Duration, timed bool, held *bool) error {
	var deadline time.Time
	if timed {
		deadline = sched.Now().Add(timeout)
	}
	for timedOut := false; b.state == barrierFilling; {
		if timedOut {
			b.breakLocked()
			return ErrBrokenBarrier
		}
		timedOut = !b.park(op, deadline, held)
		b.awaitLock(op, held)
	}
	if b.state != barrierDraining { // broken, or reset while waiting
		return ErrBrokenBarrier
	}
	return nil
}

// exit is CPython's _exit: the last party to leave a draining or resetting
// barrier starts a new round.
func (b *Barrier) exit() {
	if b.count == 0 && (b.state == barrierDraining || b.state == barrierResetting) {
		b.state = barrierFilling
		b.q.WakeAll()
	}
}

// breakLocked is CPython's _break.
func (b *Barrier) breakLocked() {
	b.state = barrierBroken
	b.q.WakeAll()
}

// awaitLock waits while another thread runs the action (holds CPython's
// barrier lock).
func (b *Barrier) awaitLock(op string, held *bool) {
	for b.acting {
		b.park(op, time.Time{}, held)
	}
}

// park waits on q, with mu held, until a wake-up or the deadline (zero:
// none), then hits BarrierWoken with mu released. It returns with mu held
// and reports whether it was woken; if it panics (a daemon unwinding), mu
// is not held.
func (b *Barrier) park(op string, deadline time.Time, held *bool) bool {
	*held = false
	woken := b.q.Wait(&b.mu, op, deadline)
	b.mu.Unlock()
	failpoints.Hit(failpoints.BarrierWoken, b)
	b.mu.Lock()
	*held = true
	return woken
}

// relock takes mu back for the clean-up after a panic. In a model run only
// the running thread can hold mu, so a failed TryLock means the panic
// left it held (a misuse panic inside the wait queue).
func (b *Barrier) relock() {
	if sched.InModel() {
		b.mu.TryLock()
		return
	}
	b.mu.Lock()
}
