package primitives

// A Locker is the lock a Condition is built on: a *Lock or an *RLock. It is
// sealed (its save/restore methods are unexported), so users pass one of
// those two types.
type Locker interface {
	Acquire()
	Release()
	TryAcquire() bool

	// isOwned reports whether the calling thread holds the lock; for a
	// plain Lock, whether it is locked at all (Python cannot tell who holds
	// a Lock either).
	isOwned() bool
	// releaseSave releases the lock completely (every RLock level) and
	// returns what acquireRestore needs to take it back.
	releaseSave() lockState
	// acquireRestore re-acquires the lock and restores the saved state.
	acquireRestore(lockState)
}

// lockState is what Condition.Wait saves of its lock: an RLock's owner and
// depth (a plain Lock saves nothing).
type lockState struct {
	owner int64
	depth int
}
