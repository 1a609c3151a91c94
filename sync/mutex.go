package sync

import (
	"fmt"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A Mutex is a mutual exclusion lock. The zero value for a Mutex is an
// unlocked mutex.
//
// A Mutex must not be copied after first use.
//
// In the terminology of the Go memory model, the n'th call to Unlock
// "synchronizes before" the m'th call to Lock for any n < m. A successful
// call to TryLock is equivalent to a call to Lock.
//
// In a model run Lock, TryLock and Unlock are scheduling points, and a
// blocked Lock parks on the explorer's wait queue ("Mutex.Lock" in a
// deadlock report). Like Go's, the mutex is not handed over: an Unlock
// wakes the oldest waiter, which competes again with any goroutine locking
// at that moment.
type Mutex struct {
	// state: bit 0 is set while locked; the other bits count registered
	// waiters. Invariant (as primitives.Lock's): the waiter count changes
	// only under mu and is at least q.Len(), so an Unlock that sees no
	// waiter may unlock with one CAS.
	state atomic.Int32
	mu    gosync.Mutex    // protects q and the waiter count's changes
	q     sched.WaitQueue // goroutines blocked in Lock, oldest first

	// holder is the goroutine id of the model thread that locked m, 0 once
	// unlocked: what a trace and a deadlock report show as its owner. It
	// is written only while a model run is active (sched.Active), so real
	// mode pays one load in Unlock.
	holder atomic.Int64
}

const (
	mutexLocked = 1
	waiterOne   = 2
)

// Lock locks m. If the lock is already in use, the calling goroutine
// blocks until the mutex is available.
func (m *Mutex) Lock() {
	if sched.Active() {
		sched.Point("Mutex.Lock", m)
	}
	m.lock("Mutex.Lock")
}

// lock is Lock without the scheduling point; op names a blocked call in
// deadlock reports (RWMutex.Lock parks here too).
func (m *Mutex) lock(op string) {
	if !m.state.CompareAndSwap(0, mutexLocked) {
		m.lockSlow(op)
	}
	m.noteHolder()
}

// noteHolder records the calling model thread as the holder of m, which it
// has just locked.
func (m *Mutex) noteHolder() {
	if sched.Active() {
		m.holder.Store(sched.GoID())
	}
}

// TryLock tries to lock m and reports whether it succeeded.
//
// Note that while correct uses of TryLock do exist, they are rare, and use
// of TryLock is often a sign of a deeper problem in a particular use of
// mutexes.
func (m *Mutex) TryLock() bool {
	if sched.Active() {
		sched.Point("Mutex.TryLock", m)
	}
	return m.tryLock()
}

func (m *Mutex) tryLock() bool {
	for {
		s := m.state.Load()
		if s&mutexLocked != 0 {
			return false
		}
		if m.state.CompareAndSwap(s, s|mutexLocked) {
			m.noteHolder()
			return true
		}
	}
}

// Unlock unlocks m. It is a run-time error if m is not locked on entry to
// Unlock: it panics with an error wrapping ErrUnlockOfUnlocked (Go's
// runtime stops the program with "fatal error: sync: unlock of unlocked
// mutex").
//
// A locked Mutex is not associated with a particular goroutine. It is
// allowed for one goroutine to lock a Mutex and then arrange for another
// goroutine to unlock it.
func (m *Mutex) Unlock() {
	if sched.Active() {
		sched.Point("Mutex.Unlock", m)
	}
	m.unlock()
}

// unlock is Unlock without the scheduling point.
func (m *Mutex) unlock() {
	if m.holder.Load() != 0 {
		m.holder.Store(0) // before the mutex is free: a new holder's id must not be cleared
	}
	if m.state.CompareAndSwap(mutexLocked, 0) {
		return
	}
	m.unlockSlow()
}

// Observe reports the state a trace shows: locked or not (and by which
// goroutine of a model run), and waiters.
func (m *Mutex) Observe() sched.Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := sched.Snapshot{Kind: "Mutex", State: "unlocked", Waiters: m.q.Len()}
	if m.state.Load()&mutexLocked != 0 {
		s.State, s.Owner = "locked", m.holder.Load()
	}
	return s
}

func (m *Mutex) lockSlow(op string) {
	m.mu.Lock()
	registered := false
	defer func() {
		// Only an unwinding goroutine leaves registered (mu not held): it
		// may have taken an Unlock's wake-up, so pass it on.
		if registered {
			m.mu.Lock()
			m.state.Add(-waiterOne)
			if m.state.Load()&mutexLocked == 0 {
				m.q.WakeOne()
			}
			m.mu.Unlock()
		}
	}()
	for {
		s := m.state.Load()
		if s&mutexLocked == 0 {
			if m.state.CompareAndSwap(s, s|mutexLocked) {
				m.mu.Unlock()
				return
			}
			continue
		}
		// Register with a CAS on the locked state: an Unlock racing on the
		// fast path either unlocks first (the CAS fails, the loop sees a
		// free mutex) or sees the waiter and wakes it under mu.
		if !m.state.CompareAndSwap(s, s+waiterOne) {
			continue
		}
		registered = true
		m.q.Wait(&m.mu, op, time.Time{})
		registered = false
		m.state.Add(-waiterOne)
	}
}

func (m *Mutex) unlockSlow() {
	m.mu.Lock()
	if m.state.Load()&mutexLocked == 0 {
		m.mu.Unlock()
		if sched.Unwinding() {
			return // a dying goroutine's deferred Unlock of a Lock it never got
		}
		panic(fmt.Errorf("%w", ErrUnlockOfUnlocked))
	}
	defer m.mu.Unlock() // a wake that panics (misuse) must not leave mu locked
	m.state.Add(-mutexLocked)
	m.q.WakeOne()
}

func (m *Mutex) waiters() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.q.Len()
}
