package sched

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The watchdog on the baton. A model run explores only what passes through
// its scheduling points; a thread that holds the baton and blocks on a Go
// channel, a sync.Mutex or a WaitGroup, or spins in a loop with no
// scheduling point, would hang the run (and the test binary) for ever. One
// watchdog goroutine watches every live run: when the baton holder has not
// come back to the scheduler for stallSample, it reads that goroutine's
// stack; a goroutine parked in a channel or sync operation fails the run at
// once, a running one fails it once the run's Watchdog bound has passed.
// The run then fails with ErrBlockedOutside, its other threads unwind, and
// the stuck goroutine is abandoned: it is no longer a model thread (its
// later calls into the primitives run in real mode) and Go cannot stop it,
// so it stays blocked until whatever blocks it lets it go.

// DefaultWatchdog is the wall-clock bound a thread may run between two
// scheduling points before the watchdog fails its run.
const DefaultWatchdog = 3 * time.Second

const (
	watchTick   = 2 * time.Millisecond // how often the watchdog looks
	stallSample = 4 * time.Millisecond // no progress for this long: read the stack
	// blockedConfirm is how long a thread must be seen blocked in the same
	// state at the same place, with no progress, before the watchdog calls
	// it blocked outside the explorer: a single sample may catch a thread
	// waiting a few microseconds on a lock that is only contended (the
	// goroutine pool's, a registry's), which is not a hang.
	blockedConfirm = 100 * time.Millisecond
	hijackBit      = uint64(1) << 62 // set in run.gate once the watchdog took the baton
)

// The gate protocol between a run's baton holder and the watchdog.
// run.gate counts every entry into and exit from the scheduler by the baton
// holder (an outermost call of point, park, sleep, wake, spawn or exit), so
// it is even exactly while the baton holder runs user code. The watchdog
// may take the baton only by a compare-and-swap from an even value it saw
// unchanged to that value with hijackBit set; a thread entering the
// scheduler adds 1 and, seeing hijackBit while it is the run's victim,
// knows it was abandoned and touches nothing of the run. The atomic
// operations are also what orders the baton holder's writes to the run
// before the watchdog's.

// enter is called by th before it reads or writes its run from a call
// coming from user code; it reports false if the watchdog abandoned th.
func (th *thread) enter() bool {
	th.depth++
	if th.depth > 1 {
		return true
	}
	r := th.run
	if n := r.gate.Add(1); n&hijackBit != 0 && r.victim.Load() == th {
		th.depth--
		return false
	}
	return true
}

// leave is called by th when it returns to user code.
func (th *thread) leave() {
	th.depth--
	if th.depth > 0 {
		return
	}
	r := th.run
	if r.holder.Load() != th.gid {
		// A thread that keeps the baton from point to point stores
		// nothing: an atomic store a point was a tenth of a short
		// schedule's machinery; gate.Add orders the run's writes.
		r.holder.Store(th.gid)
	}
	r.gate.Add(1)
	if r.um.traced {
		r.markStep() // confirm.go: what the thread does next follows the steps so far
	}
}

// abandoned reports whether the watchdog took the baton from th.
func (th *thread) abandoned() bool {
	r := th.run
	return r.gate.Load()&hijackBit != 0 && r.victim.Load() == th
}

// watched is the registry of live runs the watchdog looks at.
var watched struct {
	mu      sync.Mutex
	runs    map[*run]*watch // guarded by mu
	running bool            // a watchdog goroutine runs; guarded by mu
}

// A watch is what the watchdog knows of one run. Only the watchdog
// goroutine touches it after registration.
type watch struct {
	gate     uint64    // the gate value last seen
	since    time.Time // when gate last changed
	nextLook time.Duration

	// The blocked state first seen since gate last changed, where, and
	// when; zero while none was seen.
	blockedState, blockedWhere string
	blockedAt                  time.Time
}

func (r *run) watchStart() {
	watched.mu.Lock()
	if watched.runs == nil {
		watched.runs = map[*run]*watch{}
	}
	w := &r.block.watch // zero: set field by field, as in newThread
	w.gate, w.since, w.nextLook = r.gate.Load(), time.Now(), stallSample
	watched.runs[r] = w
	if !watched.running {
		watched.running = true
		goOwn(watchdog) // unmanaged.go's gates discount it
	}
	watched.mu.Unlock()
}

func (r *run) watchStop() {
	watched.mu.Lock()
	delete(watched.runs, r)
	watched.mu.Unlock()
}

// watchdog looks at every live run each watchTick; it ends when no run is
// left, so no goroutine outlives the tests.
func watchdog() {
	tick := time.NewTicker(watchTick)
	defer tick.Stop()
	for range tick.C {
		watched.mu.Lock()
		if len(watched.runs) == 0 {
			watched.running = false
			watched.mu.Unlock()
			return
		}
		now := time.Now()
		for r, w := range watched.runs {
			if r.look(w, now) {
				delete(watched.runs, r)
			}
		}
		watched.mu.Unlock()
	}
}

// look checks one run; it reports true once it failed the run.
func (r *run) look(w *watch, now time.Time) bool {
	g := r.gate.Load()
	if g != w.gate || g&1 != 0 || g&hijackBit != 0 {
		// progress, or the scheduler itself runs (its hand-offs never block)
		w.gate, w.since, w.nextLook = g, now, stallSample
		w.blockedState, w.blockedWhere, w.blockedAt = "", "", time.Time{}
		return false
	}
	stalled := now.Sub(w.since)
	if stalled < w.nextLook {
		return false
	}
	gid := r.holder.Load()
	if r.gate.Load() != g {
		return false
	}
	state, where := goroutineState(gid)
	blocked := blockingState(state)
	bound := r.cfg.Watchdog
	if bound <= 0 {
		bound = DefaultWatchdog
	}
	// A thread in time.Sleep waits on the wall clock, which a run's
	// virtual time never sees: one sighting is enough, as no wait of the
	// machinery is a sleep.
	wallSleep := state == wallSleepState
	if !blocked && !wallSleep && stalled < bound {
		w.nextLook = min(2*w.nextLook, bound)
		w.blockedState, w.blockedWhere, w.blockedAt = "", "", time.Time{}
		return false
	}
	if blocked && !wallSleep && stalled < bound {
		if state != w.blockedState || where != w.blockedWhere {
			w.blockedState, w.blockedWhere, w.blockedAt = state, where, now
		}
		if now.Sub(w.blockedAt) < blockedConfirm {
			w.nextLook = stalled + watchTick
			return false
		}
	}
	th := managedThread(gid)
	if th == nil || th.run != r {
		return false
	}
	r.victim.Store(th)
	r.takeover = make(chan struct{}) // before the baton is taken: th reads it once it sees that (coro.go)
	if !r.gate.CompareAndSwap(g, g|hijackBit) {
		r.victim.Store(nil)
		return false
	}
	// The baton is the watchdog's now. The run's driver waits in th's
	// coroutine, which th may never leave: the rescuer switches it out
	// (coro.go), and it goes on with the run, ending it or resuming the
	// other threads to unwind.
	cw := r.abandon(th, state, where, stalled)
	goOwn(func() { r.rescue(cw) })
	return true
}

// abandon fails the run with th's report and hands the baton to the next
// thread to unwind (none: the run is over); it returns th's coroutine
// worker, which the run's driver is waiting in.
func (r *run) abandon(th *thread, state, where string, stalled time.Duration) *coWorker {
	what := "running (a loop with no scheduling point?) for " + stalled.Round(time.Millisecond).String()
	switch {
	case blockingState(state):
		what = "blocked in " + state
	case state == wallSleepState:
		what = "sleeping in time.Sleep, on the wall clock (a run's time is virtual: use " +
			"primitives.Sleep or the Sleep of this module's time package)"
	}
	err := fmt.Errorf("%w: %s is %s at %s; only interleave's primitives and failpoints.Hit are "+
		"scheduling points: a Go channel, sync.Mutex, sync.WaitGroup or a busy loop between two of "+
		"them hangs the run (the goroutine is abandoned, still blocked)",
		ErrBlockedOutside, th.name(), what, where)
	if um := r.unmanagedErr(); um != nil {
		err = fmt.Errorf("%w; %w", err, um) // what it waits for may be up to that goroutine
	}
	r.fail(err, nil)
	r.record(th, StepBlock, "outside the explorer: "+state, nil)
	if th.state != done {
		th.state = done
		r.live--
	}
	if r.live == 0 {
		r.cur = nil
	} else {
		r.unwindNext()
	}
	return th.w
}

// wallSleepState is the traceback state of a goroutine in time.Sleep.
const wallSleepState = "sleep"

// blockingState reports whether a goroutine state from a traceback
// ("chan send", "sync.Mutex.Lock", "select") is a wait that only another
// goroutine can end.
func blockingState(state string) bool {
	for _, p := range []string{"chan ", "select", "sync.", "semacquire", "sync.Cond.Wait"} {
		if strings.HasPrefix(state, p) {
			return true
		}
	}
	return false
}

// stackBuf is reused by goroutineState: a dump of every goroutine, grown
// to need and kept (only the watchdog reads it, rarely).
var stackBuf struct {
	mu  sync.Mutex
	buf []byte
}

// allStacks calls fn with a dump of every goroutine's stack.
func allStacks(fn func(dump []byte)) {
	stackBuf.mu.Lock()
	defer stackBuf.mu.Unlock()
	if stackBuf.buf == nil {
		stackBuf.buf = make([]byte, 64<<10)
	}
	for {
		n := runtime.Stack(stackBuf.buf, true)
		if n < len(stackBuf.buf) {
			fn(stackBuf.buf[:n])
			return
		}
		stackBuf.buf = make([]byte, 2*len(stackBuf.buf))
	}
}

// goroutineState returns the state of goroutine gid ("chan send",
// "running") and its innermost frame outside the runtime, sync and this
// module's machinery, as "func (file:line)".
func goroutineState(gid int64) (state, where string) {
	prefix := []byte(fmt.Sprintf("goroutine %d [", gid))
	state, where = "unknown", "unknown location"
	allStacks(func(dump []byte) {
		i := bytes.Index(dump, prefix)
		if i < 0 {
			return
		}
		g := dump[i+len(prefix):]
		if j := bytes.Index(g, []byte("\n\n")); j >= 0 {
			g = g[:j]
		}
		lines := strings.Split(string(g), "\n")
		state = lines[0]
		if k := strings.Index(state, "]"); k >= 0 {
			state = state[:k]
		}
		if k := strings.Index(state, ","); k >= 0 {
			state = state[:k] // drop ", 2 minutes"
		}
		if fn, file, ok := userFrame(lines[1:]); ok {
			where = fmt.Sprintf("%s (in %s)", file, fn)
		}
	})
	return state, where
}

// userFrame returns the innermost frame of a goroutine's traceback lines
// (function line, then file line) outside the runtime, sync and this
// module's machinery.
func userFrame(lines []string) (fn, file string, ok bool) {
	for i := 0; i+1 < len(lines); i += 2 {
		fn, file = lines[i], strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(fn, "created by ") {
			return "", "", false
		}
		if inMachinery(fn) {
			continue
		}
		if k := strings.LastIndex(file, " +0x"); k >= 0 {
			file = file[:k]
		}
		if k := strings.LastIndex(fn, "("); k > 0 {
			fn = fn[:k]
		}
		return fn, shortFile(file), true
	}
	return "", "", false
}
