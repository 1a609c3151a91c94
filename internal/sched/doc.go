// Package sched is the explorer's machinery: model runs, their threads
// (coroutines) and the baton they pass, the virtual clock, the wait queue
// every primitive parks on, real-mode thread bookkeeping, and the trace a
// run writes. The public packages build on it: the root package
// interleave (the explorer's API, which re-exports the trace types),
// primitives (whose every blocking operation is a WaitQueue.Wait or a
// Point) and failpoints (whose Hit is a Point). Nothing here may import
// rapid.
//
// # Invariants of a model run
//
//   - Exactly one thread of a run holds the baton (run.cur) and runs; every
//     other thread of the run is a suspended coroutine, or has none yet (a
//     thread's coroutine starts when it first gets the baton). A thread
//     gives the baton up only at a scheduling point (Point, WaitQueue.Wait,
//     Sleep, Spawn, thread exit), by naming the next thread (run.handoff)
//     and yielding to the run's driver, the one goroutine that resumes the
//     run's coroutines (coro.go): the goroutine that called Execute, which
//     closes run.finished when the last thread ended.
//   - The strategy is asked for a choice only at a scheduling point, and
//     run.choose is the one place a choice is decoded and written to the
//     trace's Schedule; the same choices replay the same run.
//   - Virtual time (run.now) never decreases; it jumps to the earliest
//     pending wake-up when no thread is ready.
//   - A run's first failure (deadlock, step budget, a thread's panic) is
//     kept and no later event replaces it.
//   - A goroutine carries a run's profiler label exactly while it runs a
//     thread of that run (threadMain sets it, the pool worker drops it when
//     the thread ended), and the goroutines it starts inherit it: a
//     labelled goroutine that is not one of this package's own was started
//     inside the run and is not managed by it (unmanaged.go).
//   - A traced run (one Go's execution tracer records, confirm.go) runs
//     each thread on a goroutine started for it alone, never a pooled
//     worker, so that every goroutine the trace shows one of those
//     goroutines create, other than the run's threads, was started by
//     that thread.
//
// # Unwinding: how a dying daemon or an aborted run ends
//
// This is the one description of the protocol; the code that implements a
// step refers here.
//
// A thread is unwound, instead of returning from the call it is blocked in,
// when the run can no longer use it: the run failed (run.fail sets
// run.aborting), or the main thread's body ended and only daemon threads
// remain (run.mainExit sets aborting; not a failure), or, in real mode,
// Shutdown is ending the process and the thread is a daemon. Unwinding is a
// panic with the private value unwinding{}:
//
//  1. The thread panics with unwinding{} at its next scheduling point
//     (Point, WaitQueue.Wait, Sleep, Spawn), or at once if it is resumed
//     while aborting; a thread that never ran calls its never function
//     (the primitives mark their Thread finished) and unwinds before fn.
//  2. Its deferred calls run, so locks are released and clean-up happens.
//     While it unwinds, Unwinding reports true: a deferred Release of a
//     lock the thread did not get back (it was unwound out of
//     Condition.Wait) passes quietly instead of panicking with
//     ErrReleaseUnlocked, and no further choice is drawn, no step is
//     recorded, nothing parks (park returns unwind=true at once).
//  3. A WaitQueue.Wait that unwinds leaves the queue, and if it had been
//     woken passes the wake-up on to the next waiter: a dying thread must
//     not swallow a wake-up meant for a live one.
//  4. Every wrapper that recovers panics between the scheduling point and
//     the thread's start (the primitives' Thread bootstrap, ExceptHook's
//     guard) checks IsUnwinding and re-panics the value: unwinding is not a
//     thread panic, calls no ExceptHook and sets no Thread.Err.
//  5. The thread's goroutine (threadMain, or realThreads' wrapper in real
//     mode) recovers the signal, ends the thread (run.exit) and hands the
//     baton to the first live thread in thread order (run.unwindNext),
//     which unwinds in turn; the run is over when the last one ended.
//
// In real mode the same signal is raised by checkUnwind, called at every
// blocking point, failpoint and sleep of a daemon thread while Shutdown
// runs; Shutdown waits for the non-daemon threads first, then for every
// daemon to unwind.
package sched
