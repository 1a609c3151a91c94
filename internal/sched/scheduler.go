package sched

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/petermattis/goid"
)

type threadState uint8

const (
	ready   threadState = iota // may run from readyAt on
	running                    // holds the baton (exactly one thread, run.cur)
	blocked                    // parked until woken, or until wakeAt (noWake: never)
	done                       // its goroutine has ended or is ending
)

// yieldDelay is the delay a strategy returns to hand the turn to another
// thread ready at the same instant (chosen through tie), without moving the
// clock: how exhaustive enumeration and PCT switch threads.
const yieldDelay = time.Duration(-1)

// noWake is the wakeAt of a thread parked with no deadline.
const noWake = time.Duration(math.MaxInt64)

// A thread is one managed goroutine of a model run (a coroutine, coro.go).
//
// Invariant: state == running exactly for run.cur; a ready thread has
// readyAt >= the time it was made ready; a blocked thread has wakeAt ==
// noWake or the virtual instant its deadline or sleep ends; only the thread
// holding the baton reads or writes any field of its run or of its threads,
// but for w, which the run's driver sets between two turns.
type thread struct {
	run    *run
	order  int        // index in run.threads: the tie-break after "already running"
	info   ThreadInfo // the primitives' Thread, nil for a main thread until SetSelf
	never  func()     // called instead of the body when the run ends before the thread first ran
	daemon bool
	isMain bool
	gid    int64

	fn func()    // the thread's body (for the main thread, the run's body, which runMain wraps)
	w  *coWorker // the coroutine running it; set only by the driver (coro.go)

	state   threadState
	readyAt time.Duration
	wakeAt  time.Duration
	waitOp  string     // what a blocked thread waits on ("Lock.Acquire")
	lastObj Observable // the object of its last named scheduling point (nil: none)
	// the name and object of the scheduling point it reached last, named
	// or not ("", nil: none yet): what its next step does, as far as the
	// explorer can tell (View.Conflict)
	atName  string
	atObj   Observable
	atSpawn bool       // at the scheduling point of a thread it started (View.AtThreadOp)
	waitObj Observable // what a thread parked in WaitQueue.Wait waits on: lastObj as Wait began
	depth   int        // nesting of scheduler calls (enter/leave, watchdog.go); touched only by its goroutine
}

func (th *thread) name() string {
	if th.info != nil {
		if n := th.info.Name(); n != "" {
			return n
		}
	}
	if th.isMain {
		return "MainThread"
	}
	return fmt.Sprintf("thread#%d", th.order)
}

// A run is one model execution of a body.
//
// Invariant: threads[i].order == i and the slice only grows; live counts
// the threads whose state is not done; cur is the one running thread (nil
// once the run finished); now never decreases; steps counts scheduling
// points and never exceeds maxSteps without failing the run. Once failure
// is set, aborting is true and no further choice is drawn: every thread
// still alive is unwound, one at a time, in thread order (the protocol is
// in doc.go, "Unwinding").
type run struct {
	misuse atomic.Pointer[foreignWake] // the first wake from outside the run; written by any goroutine

	strategy Strategy
	view     View // handed to the strategy, so a choice allocates nothing
	cfg      *Config

	now      time.Duration
	threads  []*thread
	cur      *thread
	live     int
	steps    int
	aborting bool // unwinding every thread (a failure, or daemons at exit)
	yielding bool // the running thread yields its turn: pick another ready thread
	// pick's scratch: the tied threads and their orders, reused by every
	// pick of the run (a pick allocated both, a fifth of a short run's
	// allocations); read only within one pick and its Tie
	tiedBuf  []*thread
	orderBuf []int
	failure  error // the first failure; nil for a clean run
	panicVal any   // the value a thread panicked with, re-panicked by Explore

	body       func() // the main thread's body, for a replay that confirms (confirm.go)
	trace      *Trace
	objects    map[Observable]int    // each observed primitive's index in trace.Objects
	names      map[Observable]string // names given with Name
	kinds      map[string]int        // primitives of each kind seen so far, for Kind#N
	local      map[any]any
	atMainExit []func()      // run by the main thread when its body ends
	finished   atomic.Bool   // set by start once the last thread ended
	takeover   chan struct{} // made by the watchdog before it takes the baton; closed as the driver goes on (coro.go)

	// The watchdog's view (watchdog.go): gate counts scheduler entries and
	// exits, holder is the goroutine id of the baton holder in user code,
	// victim the thread the watchdog abandoned.
	gate   atomic.Uint64
	holder atomic.Int64
	victim atomic.Pointer[thread]

	um unmanagedState // goroutines started in the run that it does not manage (unmanaged.go)

	// block holds what every run needs, allocated with the run in one
	// piece instead of one allocation each (a short run made a dozen).
	block struct {
		trace   Trace
		watch   watch                 // the watchdog's record of the run (watchdog.go)
		ops     [2 * maxOpScan]string // the first backing arrays of trace.ops and trace.shorts
		threads [4]thread             // the first threads; threads[i] is r.threads[i]
		ptrs    [4]*thread            // the first backing array of r.threads
		tied    [4]*thread            // the first backing array of tiedBuf
		orders  [4]int                // the first backing array of orderBuf
	}
}

func (r *run) finishedRun() bool { return r.finished.Load() }

// start runs body as the main thread and waits until every thread ended.
func (r *run) start(body func()) {
	hooks.Add(1)
	defer hooks.Add(-1)
	main := r.newThread(nil, false)
	main.isMain = true
	main.state = running
	main.fn = body
	r.cur = main
	r.gate.Store(1) // the scheduler holds the baton until main runs its body
	if lockedOSThread() {
		// The caller cannot switch to coroutines (coro.go): a pooled
		// goroutine drives the run.
		done := make(chan struct{})
		goPooled(func() {
			r.drive()
			close(done)
		})
		<-done
	} else {
		r.drive()
	}
	r.finished.Store(true)
}

// runMain runs the main thread's body, then Python's interpreter exit.
func (r *run) runMain(main *thread) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if v := recover(); v != nil {
			panic(v) // a panic fails the run; it is not an exit
		}
		r.mainExit(main) // the body called runtime.Goexit
	}()
	main.fn()
	returned = true
	r.mainExit(main)
}

func (r *run) newThread(info ThreadInfo, daemon bool) *thread {
	var th *thread
	if n := len(r.threads); n < len(r.block.threads) {
		th = &r.block.threads[n] // most runs have a few threads: no allocation of their own
	} else {
		th = new(thread)
	}
	// Field by field: assigning a whole thread{...} copies it with the
	// garbage collector's bulk write barrier while the collector marks
	// (about 4% of an empty run's CPU profile); th is zero already.
	th.run = r
	th.order = len(r.threads)
	th.info = info
	th.daemon = daemon
	th.wakeAt = noWake
	th.depth = 1 // it starts inside the scheduler, leaving it when it first runs
	r.threads = append(r.threads, th)
	r.live++
	return th
}

// threadMain is the body of every model thread's coroutine, which starts
// holding the baton (the run's driver resumes it, coro.go).
func (r *run) threadMain(th *thread) {
	th.gid = goid.Get()
	manage(th)
	r.label()
	returned := false
	defer func() {
		v := recover()
		if v == nil && !returned {
			th.w.exit = true // runtime.Goexit: its worker must not yield normally (coro.go)
		}
		if !th.enter() {
			unmanage(th) // abandoned by the watchdog: the run is not ours any more
			return
		}
		if v != nil && !IsUnwinding(v) {
			r.threadPanicked(th, v, stack())
		}
		if v == nil && !returned {
			r.threadGoexit(th)
		}
		unmanage(th)
		r.exit(th)
	}()
	if r.aborting {
		if th.never != nil {
			th.never()
		}
		panic(unwinding{})
	}
	th.leave()
	if th.isMain {
		r.runMain(th)
	} else {
		th.fn()
	}
	returned = true
}

// spawn is Spawn in model mode: the new thread is ready at once, and the
// spawning thread reaches a scheduling point.
func (r *run) spawn(parent *thread, info ThreadInfo, daemon bool, fn, never func()) {
	if !parent.enter() {
		panic(unwinding{})
	}
	defer parent.leave()
	th := r.newThread(info, daemon)
	th.never = never
	th.readyAt = r.now
	r.record(parent, StepStart, th.name(), nil)
	th.fn = fn
	parent.atSpawn = true
	r.point(parent, "", nil)
	parent.atSpawn = false
}

// point is a scheduling choice for the running thread th: the strategy
// picks a delay, and the earliest ready thread runs next.
func (r *run) point(th *thread, name string, obj Observable) {
	if !th.enter() {
		panic(unwinding{})
	}
	defer th.leave()
	if r.aborting {
		return
	}
	if name != "" {
		r.record(th, StepPoint, name, obj)
		th.lastObj = obj
	}
	th.atName, th.atObj = name, obj
	r.countStep(th)
	if !r.hasChoice(th) {
		return
	}
	code, ok := r.choose(nil)
	if !ok {
		panic(unwinding{})
	}
	d := r.decodeDelay(code)
	if d == 0 {
		return
	}
	r.record(th, StepDelay, "", nil)
	th.state = ready
	if d == yieldDelay {
		th.readyAt = r.now
		r.yielding = true
	} else {
		r.setDelay(d)
		th.readyAt = r.now + d
	}
	r.switchFrom(th)
}

// choose asks the strategy for a delay code (tied == nil) or for the index
// of the tied thread that runs next, and appends the answer to the
// schedule: the one place a schedule is written. It reports false when
// the strategy panicked, which fails the run.
func (r *run) choose(tied []int) (c int, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			r.fail(fmt.Errorf("the strategy stopped the run: %v", v), v)
			ok = false
		}
	}()
	r.view = View{r: r, tied: tied}
	if tied == nil {
		c = r.strategy.Delay(&r.view)
	} else {
		c = r.strategy.Tie(&r.view)
	}
	if r.trace.Schedule == nil {
		r.trace.Schedule = make(Schedule, 0, max(16, scheduleHint.Load()))
	}
	r.trace.Schedule = append(r.trace.Schedule, c)
	return c, true
}

// hasChoice reports whether a delay could change anything: another thread
// is ready, or some sleeper or timeout is pending.
func (r *run) hasChoice(th *thread) bool {
	for _, o := range r.threads {
		if o != th && (o.state == ready || (o.state == blocked && o.wakeAt != noWake)) {
			return true
		}
	}
	return false
}

// nextTimer returns the earliest pending wake-up of a blocked thread, or
// noWake.
func (r *run) nextTimer() time.Duration {
	at := noWake
	for _, o := range r.threads {
		if o.state == blocked && o.wakeAt < at {
			at = o.wakeAt
		}
	}
	return at
}

// countStep counts one scheduling step of th and unwinds it past the
// budget.
func (r *run) countStep(th *thread) {
	if r.overBudget(th) {
		panic(unwinding{})
	}
}

// overBudget counts one scheduling step of th; past the budget it fails the
// run and reports true. Every way a thread can give up the baton (point,
// sleep, park) counts, so no loop of the explorer's own (a timed wait that
// times out again and again, a broken wake-up) outlives the budget, and the
// trace, which grows by a bounded number of steps per counted one, stays
// bounded too.
func (r *run) overBudget(th *thread) bool {
	r.steps++
	if r.steps <= r.cfg.MaxSteps {
		return false
	}
	r.fail(fmt.Errorf("%w: %d steps without finishing (a livelock or a busy spin? "+
		"a body that is only long needs a larger MaxSteps); %s was running", ErrStepBudget, r.cfg.MaxSteps, th.name()), nil)
	return true
}

// sleep parks th on the virtual clock for d.
func (r *run) sleep(th *thread, d time.Duration) {
	if !th.enter() {
		panic(unwinding{})
	}
	defer th.leave()
	if r.aborting {
		panic(unwinding{})
	}
	if d <= 0 {
		r.point(th, "", nil)
		return
	}
	r.record(th, StepSleep, "", nil)
	r.setDelay(d)
	r.countStep(th)
	th.state = blocked
	th.wakeAt = r.now + d
	th.waitOp = "Sleep"
	end := th.wakeAt
	r.switchFrom(th)
	th.waitOp = ""
	if r.now < end {
		// Nothing wakes a sleeper early: this is the scheduler's bug (a
		// clock that did not move, a pick that ran a parked thread). Fail
		// here, or a polling loop would spin to the step budget.
		r.fail(fmt.Errorf("%w: %s resumed from Sleep at %v, before its end at %v", errUnwokenResume, th.name(), r.now, end), nil)
		panic(unwinding{})
	}
}

// park blocks th until wake or its deadline, and reports whether the
// thread must unwind instead of returning. Whether it was woken is the
// caller's Waiter's to say (WaitQueue.Wait reads Waiter.woken), not the
// thread's: a wake chooses a waiter, and a thread keeps no timed-out state
// of its own that could outlive its park.
func (r *run) park(th *thread, op string, deadline time.Time) (unwind bool) {
	if !th.enter() {
		return true
	}
	defer th.leave()
	if r.aborting {
		return true
	}
	if r.overBudget(th) {
		return true
	}
	r.record(th, StepBlock, op, nil)
	th.state = blocked
	th.wakeAt = noWake
	if !deadline.IsZero() {
		th.wakeAt = deadline.Sub(Epoch)
	}
	th.waitOp = op
	if !r.switchFromSafe(th) {
		r.captureDeadlock(th)
		return true
	}
	th.waitOp = ""
	return false
}

// wake makes a parked thread ready; it runs when the scheduler picks it.
func (r *run) wake(th *thread) {
	cur := self()
	if cur == nil || cur.run != r {
		// The waker holds the primitive's mutex and does not hold this
		// run's baton: it must neither panic (the mutex would stay held)
		// nor touch the run. The woken thread stays parked; the run
		// reports the misuse when it can go no further (see deadlock).
		waker := "a goroutine outside any model run"
		if cur != nil {
			waker = "a thread of another model run"
		}
		r.misuse.CompareAndSwap(nil, &foreignWake{th: th, waker: waker, gid: GoID()})
		return
	}
	if !cur.enter() {
		// The watchdog abandoned the waker: the run is no longer its to
		// touch. It holds the primitive's mutex, so it must not panic here
		// either; it unwinds at its next scheduling point, after the
		// primitive released the mutex.
		return
	}
	defer cur.leave()
	if th.state != blocked {
		return
	}
	th.state = ready
	th.readyAt = r.now
	th.wakeAt = noWake
	if !r.aborting {
		r.record(r.cur, StepWake, th.name(), nil)
	}
}

// switchFrom passes the baton from th (no longer running) to the next
// thread and waits for it to come back; a thread resumed during an abort
// unwinds.
func (r *run) switchFrom(th *thread) {
	if !r.switchFromSafe(th) {
		panic(unwinding{})
	}
}

// switchFromSafe is switchFrom that reports an abort instead of panicking.
func (r *run) switchFromSafe(th *thread) bool {
	if lockedOSThread() {
		r.fail(errLockedThread(th), nil) // th cannot yield (coro.go): it unwinds, still holding the baton
		return false
	}
	next := r.pick(th)
	if next == nil {
		if !r.aborting {
			r.fail(r.stuck(), nil)
		}
		return false
	}
	if next != th {
		r.handoff(next)
		th.w.yield(struct{}{}) // to the driver, which resumes next; back when the baton is th's again
	} else {
		r.resume(th)
	}
	return !r.aborting
}

// pick chooses the thread to run after from stopped running: among ready
// threads (from their readyAt) and blocked threads with a pending wake-up
// (from their wakeAt), the earliest; ties go to from if it is still ready
// (it was delayed, not blocked), then to the strategy (thread order by
// default). It advances the clock and records the timeout of a thread whose
// deadline it reached. It returns nil when nothing can ever run again.
func (r *run) pick(from *thread) *thread {
	best := noWake
	tied := r.tiedBuf[:0]
	yielding := r.yielding
	r.yielding = false
	for _, o := range r.threads {
		if yielding && o == from {
			continue
		}
		var at time.Duration
		switch o.state {
		case ready:
			at = max(o.readyAt, r.now)
		case blocked:
			if o.wakeAt == noWake {
				continue
			}
			at = max(o.wakeAt, r.now)
		default:
			continue
		}
		switch {
		case at < best:
			best, tied = at, append(tied[:0], o)
		case at == best:
			tied = append(tied, o)
		}
	}
	r.tiedBuf = tied[:0] // keep an array that grew
	if len(tied) == 0 {
		if yielding {
			tied, best = append(tied, from), r.now
		} else {
			return nil
		}
	}
	next := tied[0]
	if len(tied) > 1 {
		next = nil
		for _, o := range tied {
			if o == from && from.state == ready {
				next = o // a delayed thread keeps its turn on a tie
			}
		}
		if next == nil {
			orders := r.orderBuf[:0]
			for _, o := range tied {
				orders = append(orders, o.order)
			}
			r.orderBuf = orders
			i, ok := r.choose(orders)
			if !ok {
				return nil
			}
			next = tied[i]
		}
	}
	if best > r.now {
		r.now = best
	}
	if next.state == blocked {
		next.wakeAt = noWake
		if next.waitOp != "Sleep" {
			r.record(next, StepTimeout, next.waitOp, nil)
		}
	}
	next.state = running
	return next
}

func (r *run) resume(th *thread) {
	th.state = running
	r.cur = th
}

// handoff gives the baton to next: the thread that gives it up then
// yields to the run's driver, which resumes next (coro.go), or returns from
// its body if it ended.
func (r *run) handoff(next *thread) {
	r.checkHandoff()
	r.cur = next
}

// exit ends th: it wakes a main thread waiting for non-daemon threads, and
// passes the baton on for the last time.
func (r *run) exit(th *thread) {
	th.state = done
	r.live--
	if !r.aborting {
		r.record(th, StepExit, "", nil)
	}
	if !th.daemon && !th.isMain {
		for _, o := range r.threads {
			if o.isMain && o.state == blocked && o.waitOp == opExit {
				o.state, o.readyAt = ready, r.now
			}
		}
	}
	if r.live == 0 {
		r.cur = nil // the driver returns
		return
	}
	if r.aborting {
		r.unwindNext()
		return
	}
	next := r.pick(th)
	if next == nil {
		if !r.aborting {
			r.fail(r.stuck(), nil)
		}
		r.unwindNext()
		return
	}
	r.handoff(next)
}

// unwindNext hands the baton to the first live thread so it unwinds.
func (r *run) unwindNext() {
	for _, o := range r.threads {
		if o.state != done {
			o.state = running
			r.handoff(o)
			return
		}
	}
}

const opExit = "exit (waiting for non-daemon threads)"

// mainExit is Python's interpreter exit: wait for every non-daemon thread,
// then unwind the daemon threads.
func (r *run) mainExit(main *thread) {
	if main.abandoned() {
		return // the watchdog ended the run while main was blocked outside it
	}
	for len(r.atMainExit) > 0 {
		fn := r.atMainExit[0]
		r.atMainExit = r.atMainExit[1:]
		fn()
	}
	if !main.enter() {
		panic(unwinding{})
	}
	defer main.leave()
	for r.nonDaemonAlive() {
		if r.cfg.StrictExit {
			r.fail(fmt.Errorf("%w: the main thread returned while non-daemon threads were alive: %s",
				ErrDeadlock, strings.Join(r.aliveNames(), ", ")), nil)
			panic(unwinding{})
		}
		if r.overBudget(main) { // a wait like any park: the budget bounds a broken wake-up here too
			panic(unwinding{})
		}
		main.state = blocked
		main.wakeAt = noWake
		main.waitOp = opExit
		r.switchFrom(main)
		main.waitOp = ""
	}
	r.aborting = true // unwind the daemons; not a failure
}

func (r *run) nonDaemonAlive() bool {
	for _, o := range r.threads {
		if !o.isMain && !o.daemon && o.state != done {
			return true
		}
	}
	return false
}

func (r *run) aliveNames() []string {
	var names []string
	for _, o := range r.threads {
		if !o.isMain && o.state != done {
			names = append(names, o.name())
		}
	}
	return names
}

// fail records the run's first failure and starts the abort.
func (r *run) fail(err error, panicVal any) {
	if r.failure == nil {
		r.failure = err
		r.panicVal = panicVal
	}
	r.aborting = true
}

// A foreignWake is a wake of a model thread by a goroutine that does not
// hold the run's baton, recorded for the run's failure report.
type foreignWake struct {
	th    *thread
	waker string
	gid   int64
}

// deadlock is the failure of a run that can go no further: a wake from
// outside the run (misuse) if one was seen, else a deadlockError naming
// every live thread, what it holds and waits on, and the cycles.
func (r *run) deadlock() error {
	if fw := r.misuse.Load(); fw != nil {
		return fmt.Errorf("%w: %s, parked on %s, was woken by %s (goroutine %d): "+
			"a primitive a model thread waits on must be used only by threads of the same run",
			ErrMisuse, fw.th.name(), fw.th.waitOp, fw.waker, fw.gid)
	}
	return r.newDeadlock()
}

func shortFile(path string) string {
	parts := strings.Split(path, "/")
	if len(parts) > 2 {
		return strings.Join(parts[len(parts)-2:], "/")
	}
	return path
}

// panicError describes a thread's panic; a panic value that is an error
// stays visible to errors.Is.
func panicError(th *thread, v any, stack string) error {
	if err, ok := v.(error); ok {
		return fmt.Errorf("%w: %s: %w\n%s", ErrThreadPanic, th.name(), err, stack)
	}
	return fmt.Errorf("%w: %s: %v\n%s", ErrThreadPanic, th.name(), v, stack)
}

func stack() string {
	buf := make([]byte, 8192)
	return string(buf[:runtime.Stack(buf, false)])
}

// ThreadPanicked is called by a thread wrapper that recovered a panic from
// its target (value v, stack trace stack). In a model run it fails the run
// unless the run expects panics; the values the run's PassThrough accepts
// (rapid's own signals) always fail it, so they reach the caller.
func ThreadPanicked(v any, stack []byte) {
	if th := self(); th != nil {
		th.run.threadPanicked(th, v, string(stack))
	}
}

// threadGoexit is called for a thread whose goroutine ended with
// runtime.Goexit; the run's ThreadGoexit hook decides whether that fails
// the run.
func (r *run) threadGoexit(th *thread) {
	if r.cfg.ThreadGoexit == nil {
		return
	}
	if err := r.cfg.ThreadGoexit(th.name()); err != nil {
		r.fail(err, nil)
	}
}

func (r *run) threadPanicked(th *thread, v any, stack string) {
	passThrough := r.cfg.PassThrough != nil && r.cfg.PassThrough(v)
	if !r.aborting {
		r.record(th, StepPanic, fmt.Sprint(v), nil)
	}
	if r.cfg.ExpectPanics && !passThrough {
		return
	}
	r.fail(panicError(th, v, stack), v)
}

// stepsHint sizes a new trace's step slice: about the most steps recent
// runs took, up to maxStepsHint, so that appending rarely copies (a new
// trace gets an eighth more: runs of one property differ by a few steps).
var stepsHint atomic.Int64

const maxStepsHint = 4096

// scheduleHint is stepsHint for the schedule (the choices of recent runs).
var scheduleHint atomic.Int64

// noteHint updates a size hint with a run's size n: a longer run raises it
// at once; a shorter one lowers it by a sixteenth of the gap, so the hint
// follows the longest of recent runs, and the runs of a small property
// that follows a large one (in the same test binary) stop allocating for
// the large one's steps after a few dozen runs. Parallel runs may lose an
// update: it is only a hint.
func noteHint(h *atomic.Int64, n int) {
	if n > maxStepsHint {
		return
	}
	if cur := h.Load(); int64(n) >= cur {
		h.Store(int64(n))
	} else {
		h.Store(cur - (cur-int64(n))/16)
	}
}

// Execute runs body as the main thread of one model run under st and
// returns its trace. It panics with an error wrapping ErrMisuse when called
// from a thread of a model run.
func Execute(body func(), cfg *Config, st Strategy) *Trace {
	return execute(body, cfg, st, false).trace
}

// execute is Execute that returns the run; traced runs it under Go's
// execution tracer (a replay that confirms, confirm.go).
func execute(body func(), cfg *Config, st Strategy, traced bool) *run {
	if self() != nil {
		panic(fmt.Errorf("%w: Explore or Run called inside a model run", ErrMisuse))
	}
	r := &run{strategy: st, cfg: cfg, body: body}
	b := &r.block
	tr := &b.trace // set field by field, as in newThread
	tr.limit = cfg.TraceLimit
	tr.recs = make([]rec, 0, stepsHint.Load()*9/8)
	tr.ops, tr.shorts = b.ops[:0:maxOpScan], b.ops[maxOpScan:maxOpScan]
	tr.fp = fnvOffset
	r.trace = tr
	r.threads = b.ptrs[:0]
	r.tiedBuf, r.orderBuf = b.tied[:0], b.orders[:0]
	r.unmanagedStart(body, traced)
	r.watchStart()
	r.start(body)
	r.watchStop()
	r.checkEnd()
	r.unmanagedStop()
	noteHint(&stepsHint, len(r.trace.recs)) // the next run of the same property will need about as many
	noteHint(&scheduleHint, len(r.trace.Schedule))
	r.finishTrace()
	r.trace.PanicValue = r.panicVal
	return r
}

// readyNow reports whether th could run at instant now.
func (th *thread) readyNow(now time.Duration) bool {
	return (th.state == ready && th.readyAt <= now) || (th.state == blocked && th.wakeAt <= now)
}
