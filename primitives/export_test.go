package primitives

import "sync/atomic"

// ReleaseSave calls l's releaseSave (CPython's _release_save), so that the
// external tests can check its misuse case.
func ReleaseSave(l Locker) { l.releaseSave() }

// SetHookBeforeRegister sets (nil: clears) the hook that runs in a Lock's
// slow path between reading the held lock word and registering as a
// waiter.
func SetHookBeforeRegister(h func()) { setHook(&testHookBeforeRegister, h) }

// SetHookEventSlowPath sets (nil: clears) the hook that runs in an Event's
// wait between its unlocked read of the flag and taking its mutex.
func SetHookEventSlowPath(h func()) { setHook(&testHookEventSlowPath, h) }

func setHook(p *atomic.Pointer[func()], h func()) {
	if h == nil {
		p.Store(nil)
		return
	}
	p.Store(&h)
}

// LockWaiters returns the number of threads registered as waiters in l's
// lock word.
func LockWaiters(l *Lock) int { return int(l.state.Load() >> waiterShift) }
