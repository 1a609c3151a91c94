package sched

import (
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
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
// its driver, resumes them one at a time: a thread gives the baton up by
// naming the next thread (run.cur) and yielding to the driver, which
// resumes that thread's coroutine. A coroutine switch transfers control
// directly, on the same OS thread, without the Go scheduler. The threads
// passed a channel token before: each hand-off made the Go scheduler ready
// the receiver and wake an idle processor for it (a futex, and the woken
// processor's spinning). Measured alone, a channel ping-pong cost about
// 350 ns of CPU a hand-off and an iter.Pull round trip (two switches)
// 110 ns; in BenchmarkScheduleCost the coroutines took a 3x20 schedule
// (about 20 hand-offs) from 53.7 to 44.3 µs of CPU.
//
// The driver is the goroutine that called Execute. It was a pooled
// goroutine of its own (a hub), which cost every run two more wake-ups of
// that kind (Execute to the hub, the hub back to Execute), about a fifth
// of a short run's CPU. Two things made the hub a separate goroutine, and
// both are kept without it:
//
//   - iter.Pull passes a coroutine's runtime.Goexit on to the goroutine
//     that resumed it, which would end the test's goroutine. So a worker
//     whose thread ends in Goexit yields from a deferred call, in the
//     middle of the Goexit (coWorker.call): the driver sees an ordinary
//     yield, and the worker is finished later on a goroutine of its own
//     (finishGoexit), which the Goexit then ends instead.
//   - A thread blocked outside the explorer (a channel, a sync.Mutex)
//     never yields, and the driver waits in the coroutine switch. When the
//     watchdog abandons the thread, it starts a rescuer goroutine that
//     calls the thread's yield in the thread's place (rescue): iter.Pull's
//     switch swaps whichever goroutine calls it with the one waiting in the
//     coroutine, so the driver resumes and goes on with the run (unwinding
//     the other threads), and the rescuer waits in the coroutine instead
//     until the thread, if ever, ends. The thread and the rescuer race to
//     make that switch (the thread may have been unblocked in the
//     meantime): coWorker.claim lets exactly one make it, and run.takeover
//     orders the loser after the winner (rescue, coWorker.end, drive).
//
// A driver locked to its OS thread (runtime.LockOSThread, a cgo callback)
// cannot switch to a coroutine created unlocked: the runtime ends the
// process ("coro: OS thread locking must match locking at coroutine
// creation"). Execute then drives the run from a pooled goroutine and
// waits for it (run.start). For the same reason a thread that reaches a
// scheduling point with runtime.LockOSThread in effect fails its run
// instead of switching (switchFromSafe, errLockedThread), and a worker
// unlocks what a thread's body left locked before it yields (a plain
// goroutine that ends locked takes its OS thread with it; a coroutine
// cannot).
//
// Invariant: a coWorker is in coWorkers.idle exactly while its coroutine
// is suspended in its yield after its last thread's body returned, and
// then its th is nil, its claim is claimNone and its goroutine
// carries no run's label; a worker taken from idle is resumed only by the
// driver of the run whose thread it runs (th.w), and only while that
// thread is run.cur, or by that run's rescuer once the watchdog abandoned
// the thread.

// A coWorker is a pooled coroutine that runs the bodies of model threads,
// one after another: a pooled goroutine keeps the stack it grew (a fresh
// one grows its stack, copying, the first time a thread draws from rapid,
// which was a fifth of the explorer's time).
type coWorker struct {
	next  func() (struct{}, bool) // resumes the coroutine; called by a driver, or by the janitor to end it
	stop  func()
	yield func(struct{}) bool // suspends the coroutine; called on its own goroutine, or once by a rescuer
	th    *thread             // the thread it runs; set by the driver before it first resumes it
	done  bool                // fn ended: the worker yielded for the last time for its thread
	exit  bool                // fn ended in runtime.Goexit: the worker yielded in the middle of it

	// claim says who made the switch back to the driver once the watchdog
	// abandoned th: the thread's last yield (claimThread) or the rescuer
	// (claimRescue); claimNone while th was not abandoned.
	claim atomic.Int32
}

const (
	claimNone = iota
	claimThread
	claimRescue
)

var coWorkers struct {
	idle []*coWorker // guarded by pool.mu; at most maxIdle
}

// getCoWorker returns an idle coroutine worker, or a new one, to run th.
func getCoWorker(th *thread) *coWorker {
	pool.mu.Lock()
	pool.used = true
	var w *coWorker
	if n := len(coWorkers.idle); n > 0 {
		w = coWorkers.idle[n-1]
		coWorkers.idle = coWorkers.idle[:n-1]
	}
	pool.mu.Unlock()
	if w == nil {
		return newCoWorker(th)
	}
	w.th = th
	return w
}

// newCoWorker returns a new coroutine worker to run th: a pooled one's
// goroutine has run other threads before, so a traced run (confirm.go),
// whose tracer attributes each goroutine created to its creator's
// goroutine, gives every thread a new one and retires it after.
func newCoWorker(th *thread) *coWorker {
	w := &coWorker{th: th}
	// The coroutine's goroutine exists from iter.Pull on: count it as
	// one of this package's own first, for unmanaged.go's gates.
	ownStarted.Add(1)
	ownLive.Add(1)
	w.next, w.stop = iter.Pull(w.run)
	return w
}

// putCoWorker gives back a worker whose thread's body returned.
func putCoWorker(w *coWorker) {
	w.done, w.th = false, nil
	w.claim.Store(claimNone)
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

// run is the coroutine's body: it runs each thread it is given, then yields.
func (w *coWorker) run(yield func(struct{}) bool) {
	defer ownLive.Add(-1)
	w.yield = yield
	for w.call() {
	}
}

// call runs the worker's next thread and yields for the last time for
// it; it reports whether the coroutine was resumed to run another.
func (w *coWorker) call() bool {
	defer func() {
		if w.exit {
			// The body ended in runtime.Goexit (threadMain set exit),
			// which is still unwinding this goroutine: yield from here,
			// so that the driver's resume returns instead of passing the
			// Goexit on to it. This yield returns once finishGoexit
			// stops the coroutine, and the Goexit goes on, on
			// finishGoexit's goroutine.
			w.end()
		}
	}()
	th := w.th
	th.run.threadMain(th)
	return w.end()
}

// end is the worker's last yield for its thread; it reports whether the
// coroutine was resumed to run another (false: it ends).
func (w *coWorker) end() bool {
	for i := 0; i < 1<<16 && lockedOSThread(); i++ { // the body returned locked: see above
		runtime.UnlockOSThread()
	}
	unlabel() // no run's label while idle, in the next run, or on what the janitor does
	w.done = true
	if th := w.th; th.abandoned() && !w.claim.CompareAndSwap(claimNone, claimThread) {
		// The rescuer switched the driver out of this coroutine first and
		// waits in it in the driver's place. Wait until the driver runs
		// again (it closes takeover then): before, the coroutine's end
		// would switch to the driver, not to the rescuer.
		<-th.run.takeover
		return false
	}
	return w.yield(struct{}{})
}

// finishGoexit ends the coroutine of a worker whose thread ended in
// runtime.Goexit, on a goroutine of its own: iter.Pull's stop passes the
// Goexit on to its caller, which it ends.
func finishGoexit(w *coWorker) { goOwn(w.stop) }

// rescue is started by the watchdog, on a goroutine of its own, once it
// took the baton from th, whose coroutine w the run's driver is waiting
// in: it switches the driver out of the coroutine, then waits in it until
// th's goroutine ends (it may never), unless th yielded first.
func (r *run) rescue(w *coWorker) {
	if !w.claim.CompareAndSwap(claimNone, claimRescue) {
		close(r.takeover) // th yielded first: the driver may go on
		return
	}
	w.yield(struct{}{})
}

// drive resumes r's threads, one at a time, until the run ended (run.cur
// is nil). It is the driver of coro.go: the goroutine that called Execute,
// or a pooled one for a locked caller.
func (r *run) drive() {
	for {
		th := r.cur
		if th == nil { // the last thread ended
			return
		}
		w := th.w
		if w == nil {
			if r.um.traced {
				w = newCoWorker(th)
			} else {
				w = getCoWorker(th)
			}
			th.w = w
		}
		w.next()
		switch w.claim.Load() {
		case claimRescue:
			// The watchdog abandoned th and its rescuer resumed this
			// driver: the run (run.cur) is the watchdog's to hand back,
			// and w is the rescuer's and th's goroutine's now.
			close(r.takeover)
			continue
		case claimThread:
			<-r.takeover // the watchdog is done with the run once its rescuer gave up
		}
		if w.done {
			th.w = nil
			switch {
			case w.exit:
				finishGoexit(w)
			case r.um.traced:
				w.stop() // a goroutine of the thread alone: see newCoWorker
			default:
				putCoWorker(w)
			}
		}
	}
}
