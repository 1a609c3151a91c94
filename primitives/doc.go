// Package primitives ports Python's threading and queue modules (CPython
// 3.13 semantics) to Go: Lock, RLock, Condition, Event, Semaphore,
// BoundedSemaphore, Barrier, Queue, Thread, Timer, the module functions and
// the low-level thread module.
//
// # Two modes
//
// Every primitive works in two modes with one implementation. Called from
// an ordinary goroutine, it is a goroutine-safe primitive on real time.
// Called from a thread of a model run (see the failpoints package), it
// blocks through the explorer's wait queues, its timeouts run on the
// virtual clock, and every failpoint it hits is a scheduling choice. The
// mode is found from the calling goroutine, so one value serves both.
//
// # Errors
//
// Misuse that Python answers with RuntimeError or ValueError panics with an
// error wrapping a sentinel (ErrReleaseUnlocked, ErrNotOwner, ...). A
// Thread recovers a panic in its target and reports it through Thread.Err
// and ExceptHook. Expected outcomes (ErrFull, ErrEmpty, ErrShutDown,
// ErrBrokenBarrier) are returned.
package primitives
