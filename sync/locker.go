package sync

// A Locker represents an object that can be locked and unlocked: *Mutex,
// *RWMutex (and its RLocker), the standard library's mutexes, and the
// primitives package's *Lock and *RLock.
type Locker interface {
	Lock()
	Unlock()
}
