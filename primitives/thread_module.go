package primitives

import "runtime"

// This file ports the low-level thread module (Python 2's thread, Python
// 3's _thread) that the tutorial starts with.

// StartNewThread starts fn in a new thread and returns its ident, the value
// Thread.Ident and CurrentThread().Ident() report in that thread. The
// thread is a daemon, as the thread module's threads are (process exit does
// not wait for them), and Enumerate lists it while it runs. A panic in fn
// is reported through ExceptHook. Its Thread (CurrentThread() in it) is a
// dummy thread to Python: joining it panics with an error wrapping
// ErrThreadState; wait for it with a lock or an Event, as Python code does.
//
// StartNewThread ports Python's thread.start_new_thread(fn, args); a
// closure carries the arguments.
func StartNewThread(fn func()) uint64 {
	t := NewThread(fn, WithDaemon(true))
	t.foreign = true // before Start: read-only once the thread runs
	t.Start()
	return t.Ident()
}

// AllocateLock returns a new, unlocked Lock.
//
// AllocateLock ports Python's thread.allocate_lock.
func AllocateLock() *Lock { return new(Lock) }

// ExitThread ends the calling thread. In a thread that Thread or
// StartNewThread started, the target unwinds: its deferred calls run, the
// thread ends normally (Thread.Err is nil, ExceptHook is not called) and
// its joiners return. ExitThread must not be called from code that
// recovers panics between it and the target, which would stop the unwind
// (as a bare "except:" catches Python's SystemExit). In any other
// goroutine, including the main thread of a model run, it calls
// runtime.Goexit.
//
// ExitThread ports Python's thread.exit (raising SystemExit in a thread).
func ExitThread() {
	if t := currentThread(false); t != nil && t.kind == kindThread {
		panic(exitSignal{})
	}
	runtime.Goexit()
}
