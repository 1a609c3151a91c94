package sync

import (
	"fmt"
	"sync/atomic"

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
	// The algorithm is Go's (src/sync/rwmutex.go), with the runtime's
	// semaphores replaced by the explorer's wait queues. Invariant, as
	// there: readerCount counts the readers holding or entering, minus
	// rwmutexMaxReaders while a writer holds or waits (so a negative count
	// sends new readers to readerSem); readerWait counts the readers the
	// pending writer still waits for; w serialises writers.
	w           Mutex
	writerSem   sema
	readerSem   sema
	readerCount atomic.Int32
	readerWait  atomic.Int32
}

const rwmutexMaxReaders = 1 << 30

// Lock locks rw for writing. If the lock is already locked for reading or
// writing, Lock blocks until the lock is available.
func (rw *RWMutex) Lock() {
	if sched.Active() {
		sched.Point("RWMutex.Lock", rw)
	}
	rw.w.lock("RWMutex.Lock")
	// Announce to readers there is a pending writer.
	r := rw.readerCount.Add(-rwmutexMaxReaders) + rwmutexMaxReaders
	// Wait for active readers.
	if r != 0 && rw.readerWait.Add(r) != 0 {
		rw.writerSem.acquire("RWMutex.Lock")
	}
}

// TryLock tries to lock rw for writing and reports whether it succeeded.
func (rw *RWMutex) TryLock() bool {
	if sched.Active() {
		sched.Point("RWMutex.TryLock", rw)
	}
	if !rw.w.tryLock() {
		return false
	}
	if !rw.readerCount.CompareAndSwap(0, -rwmutexMaxReaders) {
		rw.w.unlock()
		return false
	}
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
	// Announce to readers there is no active writer.
	r := rw.readerCount.Add(rwmutexMaxReaders)
	if r >= rwmutexMaxReaders {
		rw.readerCount.Add(-rwmutexMaxReaders)
		if sched.Unwinding() {
			return
		}
		panic(fmt.Errorf("%w", ErrUnlockOfUnlocked))
	}
	// Unblock the readers that queued during the write, then let the next
	// writer in: they are admitted first, as in Go.
	for range r {
		rw.readerSem.release()
	}
	rw.w.unlock()
}

// RLock locks rw for reading.
//
// It should not be used for recursive read locking; a blocked Lock call
// excludes new readers from acquiring the lock.
func (rw *RWMutex) RLock() {
	if sched.Active() {
		sched.Point("RWMutex.RLock", rw)
	}
	if rw.readerCount.Add(1) < 0 {
		// A writer is pending: wait for it.
		rw.readerSem.acquire("RWMutex.RLock")
	}
}

// TryRLock tries to lock rw for reading and reports whether it succeeded.
func (rw *RWMutex) TryRLock() bool {
	if sched.Active() {
		sched.Point("RWMutex.TryRLock", rw)
	}
	for {
		c := rw.readerCount.Load()
		if c < 0 {
			return false
		}
		if rw.readerCount.CompareAndSwap(c, c+1) {
			return true
		}
	}
}

// RUnlock undoes a single RLock call; it does not affect other
// simultaneous readers. It is a run-time error if rw is not locked for
// reading on entry to RUnlock: it panics with an error wrapping
// ErrRUnlockOfUnlocked.
func (rw *RWMutex) RUnlock() {
	if sched.Active() {
		sched.Point("RWMutex.RUnlock", rw)
	}
	if r := rw.readerCount.Add(-1); r < 0 {
		rw.rUnlockSlow(r)
	}
}

func (rw *RWMutex) rUnlockSlow(r int32) {
	if r+1 == 0 || r+1 == -rwmutexMaxReaders {
		rw.readerCount.Add(1)
		if sched.Unwinding() {
			return
		}
		panic(fmt.Errorf("%w", ErrRUnlockOfUnlocked))
	}
	// A writer is pending.
	if rw.readerWait.Add(-1) == 0 {
		// The last reader unblocks the writer.
		rw.writerSem.release()
	}
}

// RLocker returns a Locker interface that implements the Lock and Unlock
// methods by calling rw.RLock and rw.RUnlock.
func (rw *RWMutex) RLocker() Locker { return (*rlocker)(rw) }

type rlocker RWMutex

func (r *rlocker) Lock()   { (*RWMutex)(r).RLock() }
func (r *rlocker) Unlock() { (*RWMutex)(r).RUnlock() }

// Observe reports the state a trace shows: "writer" (held, with its
// goroutine as Owner, or pending, with the readers it waits for),
// "readers=N" or "unlocked", and the blocked goroutines.
func (rw *RWMutex) Observe() sched.Snapshot {
	c := rw.readerCount.Load()
	st := "unlocked"
	var owner int64
	switch {
	case c < 0:
		st, owner = "writer", rw.w.holder.Load()
		if w := rw.readerWait.Load(); w > 0 {
			st, owner = fmt.Sprintf("writer pending, readers=%d", w), 0
		}
	case c > 0:
		st = fmt.Sprintf("readers=%d", c)
	}
	return sched.Snapshot{Kind: "RWMutex", State: st, Owner: owner, Waiters: rw.writerSem.waiters() + rw.readerSem.waiters() + rw.w.waiters()}
}
