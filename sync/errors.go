package sync

import "errors"

// The errors a misuse panics with (wrapped, so errors.Is finds them); each
// carries the words of the fatal error Go's runtime stops the program with.
var (
	// ErrUnlockOfUnlocked: Mutex.Unlock or RWMutex.Unlock of an unlocked mutex.
	ErrUnlockOfUnlocked = errors.New("sync: unlock of unlocked mutex")
	// ErrRUnlockOfUnlocked: RWMutex.RUnlock with no reader holding it.
	ErrRUnlockOfUnlocked = errors.New("sync: RUnlock of unlocked RWMutex")
	// ErrNegativeCounter: WaitGroup.Add or Done taking the counter below zero.
	ErrNegativeCounter = errors.New("sync: negative WaitGroup counter")
	// ErrWaitGroupMisuse: WaitGroup.Add called concurrently with Wait, or a
	// WaitGroup reused before a previous Wait has returned.
	ErrWaitGroupMisuse = errors.New("sync: WaitGroup misuse")
)
