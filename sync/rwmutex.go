package sync

import (
	"fmt"
	gosync "sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A RWMutex is a reader/writer mutual exclusion lock. The lock can be held
// by an arbitrary number of readers or a single writer. The zero value for
// a RWMutex is an unlocked mutex.
//
// A RWMutex must not be copied after first use.
//
// If any goroutine calls Lock while the lock is already held by one or more
// readers, concurrent calls to RLock will block until the writer has
// acquired (and released) the lock, to ensure that the lock eventually
// becomes available to the writer. Note that this prohibits recursive read
// locking: an RLock while a writer waits deadlocks, and the explorer
// reports it.
//
// In the terminology of the Go memory model, the n'th call to Unlock
// "synchronizes before" the m'th call to Lock for any n < m, just as for
// Mutex. For any call to RLock, there exists an n such that the n'th call
// to Unlock "synchronizes before" that call to RLock, and the corresponding
// call to RUnlock "synchronizes before" the n+1'th call to Lock.
//
// In a model run every method is a scheduling point and a blocked Lock or
// RLock parks on the explorer's wait queues ("RWMutex.Lock",
// "RWMutex.RLock" in a deadlock report).
type RWMutex struct {
	mu gosync.Mutex // protects every field below

	// Invariant: writer and readers > 0 never hold together; a woken
	// waiter has already been granted the lock by its waker (hand-off), so
	// readers and writer count it; while a writer waits (wq.Len() > 0) no
	// new reader gets in, and an Unlock admits the readers that queued
	// during the write before the next writer, as Go's RWMutex does.
	writer  bool
	readers int
	wq      sched.WaitQueue // blocked writers
	rq      sched.WaitQueue // blocked readers
}

// Lock locks rw for writing. If the lock is already locked for reading or
// writing, Lock blocks until the lock is available.
func (rw *RWMutex) Lock() {
	if sched.Active() {
		sched.Point("RWMutex.Lock", rw)
	}
	rw.mu.Lock()
	if !rw.writer && rw.readers == 0 {
		rw.writer = true
		rw.mu.Unlock()
		return
	}
	rw.wq.Wait(&rw.mu, "RWMutex.Lock", time.Time{}) // woken: granted by the waker
	rw.mu.Unlock()
}

// TryLock tries to lock rw for writing and reports whether it succeeded.
func (rw *RWMutex) TryLock() bool {
	if sched.Active() {
		sched.Point("RWMutex.TryLock", rw)
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.writer || rw.readers > 0 {
		return false
	}
	rw.writer = true
	return true
}

// Unlock unlocks rw for writing. It is a run-time error if rw is not
// locked for writing on entry to Unlock: it panics with an error wrapping
// ErrUnlockOfUnlocked.
//
// As with Mutexes, a locked RWMutex is not associated with a particular
// goroutine.
func (rw *RWMutex) Unlock() {
	if sched.Active() {
		sched.Point("RWMutex.Unlock", rw)
	}
	rw.mu.Lock()
	if !rw.writer {
		rw.mu.Unlock()
		if sched.Unwinding() {
			return
		}
		panic(fmt.Errorf("%w", ErrUnlockOfUnlocked))
	}
	rw.writer = false
	if n := rw.rq.Len(); n > 0 {
		rw.readers += n
		rw.rq.WakeAll()
	} else if rw.wq.Len() > 0 {
		rw.writer = true
		rw.wq.WakeOne()
	}
	rw.mu.Unlock()
}

// RLock locks rw for reading.
//
// It should not be used for recursive read locking; a blocked Lock call
// excludes new readers from acquiring the lock.
func (rw *RWMutex) RLock() {
	if sched.Active() {
		sched.Point("RWMutex.RLock", rw)
	}
	rw.mu.Lock()
	if !rw.writer && rw.wq.Len() == 0 {
		rw.readers++
		rw.mu.Unlock()
		return
	}
	rw.rq.Wait(&rw.mu, "RWMutex.RLock", time.Time{}) // woken: counted by the waker
	rw.mu.Unlock()
}

// TryRLock tries to lock rw for reading and reports whether it succeeded.
func (rw *RWMutex) TryRLock() bool {
	if sched.Active() {
		sched.Point("RWMutex.TryRLock", rw)
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.writer || rw.wq.Len() > 0 {
		return false
	}
	rw.readers++
	return true
}

// RUnlock undoes a single RLock call; it does not affect other
// simultaneous readers. It is a run-time error if rw is not locked for
// reading on entry to RUnlock: it panics with an error wrapping
// ErrRUnlockOfUnlocked.
func (rw *RWMutex) RUnlock() {
	if sched.Active() {
		sched.Point("RWMutex.RUnlock", rw)
	}
	rw.mu.Lock()
	if rw.readers == 0 {
		rw.mu.Unlock()
		if sched.Unwinding() {
			return
		}
		panic(fmt.Errorf("%w", ErrRUnlockOfUnlocked))
	}
	rw.readers--
	if rw.readers == 0 && rw.wq.Len() > 0 {
		rw.writer = true
		rw.wq.WakeOne()
	}
	rw.mu.Unlock()
}

// RLocker returns a Locker interface that implements the Lock and Unlock
// methods by calling rw.RLock and rw.RUnlock.
func (rw *RWMutex) RLocker() Locker { return (*rlocker)(rw) }

type rlocker RWMutex

func (r *rlocker) Lock()   { (*RWMutex)(r).RLock() }
func (r *rlocker) Unlock() { (*RWMutex)(r).RUnlock() }

// Observe reports the state a trace shows: "writer", "readers=N" or
// "unlocked", and the blocked goroutines.
func (rw *RWMutex) Observe() sched.Snapshot {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	st := "unlocked"
	switch {
	case rw.writer:
		st = "writer"
	case rw.readers > 0:
		st = fmt.Sprintf("readers=%d", rw.readers)
	}
	return sched.Snapshot{Kind: "RWMutex", State: st, Waiters: rw.wq.Len() + rw.rq.Len()}
}
