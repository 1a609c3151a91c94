// Package sync is the standard library's sync package under the explorer:
// the same names, methods and semantics, so that changing
//
//	import "sync"
//
// to
//
//	import "github.com/interleave-lab/interleave/sync"
//
// compiles and runs unchanged code. Outside a model run (real mode) the
// types are ordinary goroutine-safe primitives. Inside a run started by
// interleave.Explore, Run or Exhaustive (model mode) every operation is a
// scheduling point, a blocked Lock, RLock, Wait or Cond.Wait parks on the
// explorer's wait queues, and a deadlock report names the primitive and the
// operation each goroutine blocks on, the mutexes it holds and who holds
// the one it waits for.
//
// # Fatal errors
//
// Where Go's runtime dies with a fatal error that no recover can catch
// (unlock of an unlocked mutex, a negative WaitGroup counter), this package
// panics with an error that wraps a sentinel (ErrUnlockOfUnlocked,
// ErrRUnlockOfUnlocked, ErrNegativeCounter, ErrWaitGroupMisuse) and carries
// Go's own words, so the explorer reports it as a failure with the trace.
package sync
