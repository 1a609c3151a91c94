package sched

import (
	"fmt"
	"iter"
	"runtime"
	_ "unsafe" // for go:linkname
)

// lockedOSThread reports whether the calling goroutine is locked to its OS
// thread (runtime.LockOSThread, or a cgo callback). The runtime has no
// public way to ask; this is its own function, which cgo's tests reach the
// same way.
//
//go:linkname lockedOSThread runtime.lockedOSThread
func lockedOSThread() bool

// errLockedThread is the failure of a run whose thread th reached a
// scheduling point locked to its OS thread.
func errLockedThread(th *thread) error {
	return fmt.Errorf("%w: %s reached a scheduling point with runtime.LockOSThread in effect: "+
		"model threads are coroutines, which cannot switch away from a locked OS thread; "+
		"unlock it (runtime.UnlockOSThread) before the next primitive or failpoint", ErrMisuse, th.name())
}

// Model threads run on coroutines (iter.Pull), and one goroutine per run,
// its hub, resumes them one at a time: a thread gives the baton up by
// naming the next thread (run.cur) and yielding to the hub, which resumes
// that thread's coroutine. A coroutine switch transfers control directly,
// on the same OS thread, without the Go scheduler. The threads passed a
// channel token before: each hand-off made the Go scheduler ready the
// receiver and wake an idle processor for it (a futex, and the woken
// processor's spinning). Measured alone, a channel ping-pong cost about
// 350 ns of CPU a hand-off and an iter.Pull round trip (two switches)
// 110 ns; in BenchmarkScheduleCost the hub took a 3x20 schedule (about 20
// hand-offs) from 53.7 to 44.3 µs of CPU.
//
// The runtime ends the process when a coroutine switch leaves a goroutine
// locked to its OS thread ("coro: OS thread locking must match locking at
// coroutine creation"). So a thread that reaches a scheduling point with
// runtime.LockOSThread in effect fails its run instead of switching
// (switchFromSafe, errLockedThread), and a worker unlocks what a thread's
// body left locked before it yields (a plain goroutine that ends locked
// takes its OS thread with it; a coroutine cannot).
//
// Invariant: a coWorker is in coWorkers.idle exactly while its coroutine
// is suspended in its yield after its last thread's body returned, and
// then its fn is nil and its goroutine carries no run's label; a worker
// taken from idle is resumed only by the hub of the run whose thread it
// runs (th.w), and only while that thread is run.cur.

// A coWorker is a pooled coroutine that runs the bodies of model threads,
// one after another: a pooled goroutine keeps the stack it grew (a fresh
// one grows its stack, copying, the first time a thread draws from rapid,
// which was a fifth of the explorer's time).
type coWorker struct {
	next  func() (struct{}, bool) // resumes the coroutine; called by a hub, or by the janitor to end it
	stop  func()
	yield func(struct{}) bool // suspends the coroutine; called only on its own goroutine
	fn    func()              // the thread body the coroutine runs next
	done  bool                // fn returned: the worker yielded for the last time for its thread
}

var coWorkers struct {
	idle []*coWorker // guarded by pool.mu; at most maxIdle
}

// getCoWorker returns an idle coroutine worker, or a new one, to run fn.
func getCoWorker(fn func()) *coWorker {
	pool.mu.Lock()
	pool.used = true
	var w *coWorker
	if n := len(coWorkers.idle); n > 0 {
		w = coWorkers.idle[n-1]
		coWorkers.idle = coWorkers.idle[:n-1]
	}
	pool.mu.Unlock()
	if w == nil {
		return newCoWorker(fn)
	}
	w.fn = fn
	return w
}

// newCoWorker returns a new coroutine worker to run fn: a pooled one's
// goroutine has run other threads before, so a traced run (confirm.go),
// whose tracer attributes each goroutine created to its creator's
// goroutine, gives every thread a new one and retires it after.
func newCoWorker(fn func()) *coWorker {
	w := &coWorker{fn: fn}
	// The coroutine's goroutine exists from iter.Pull on: count it as
	// one of this package's own first, for unmanaged.go's gates.
	ownStarted.Add(1)
	ownLive.Add(1)
	w.next, w.stop = iter.Pull(w.run)
	return w
}

// putCoWorker gives back a worker whose thread's body returned.
func putCoWorker(w *coWorker) {
	w.done = false
	pool.mu.Lock()
	if len(coWorkers.idle) >= maxIdle {
		pool.mu.Unlock()
		w.stop() // the coroutine returns from its yield and ends
		return
	}
	coWorkers.idle = append(coWorkers.idle, w)
	startJanitorLocked()
	pool.mu.Unlock()
}

// run is the coroutine's body: it runs each fn it is given, then yields.
func (w *coWorker) run(yield func(struct{}) bool) {
	defer ownLive.Add(-1)
	w.yield = yield
	for {
		fn := w.fn
		w.fn = nil
		fn()
		for i := 0; i < 1<<16 && lockedOSThread(); i++ { // the body returned locked: see above
			runtime.UnlockOSThread()
		}
		unlabel() // no run's label while idle, in the next run, or on what the janitor does
		w.done = true
		if !yield(struct{}{}) {
			return
		}
	}
}

// hub resumes r's threads, one at a time, until the run ended (run.cur is
// nil: it closes run.finished, and touches the run no more) or the
// watchdog took the run over (the thread it resumed was abandoned; the
// watchdog started another hub). It starts a new hub to
// take its place when a thread's runtime.Goexit ends it: iter.Pull passes
// a coroutine's Goexit on to the goroutine that resumed it.
func (r *run) hub() {
	var th *thread
	returned := false
	defer func() {
		if !returned && th != nil && !th.abandoned() {
			goPooled(r.hub)
		}
	}()
	for {
		th = r.cur
		if th == nil { // the last thread ended: the run is Execute's again
			returned = true
			close(r.finished)
			return
		}
		w := th.w
		if w == nil {
			if r.um.traced {
				w = newCoWorker(th.body)
			} else {
				w = getCoWorker(th.body)
			}
			th.w, th.body = w, nil
		}
		w.next()
		if w.done {
			th.w = nil
			if r.um.traced {
				w.stop() // a goroutine of the thread alone: see newCoWorker
			} else {
				putCoWorker(w)
			}
		}
		if th.abandoned() {
			returned = true
			return
		}
	}
}
