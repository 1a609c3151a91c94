package sched

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Uncontrolled goroutines. A goroutine started with a plain go statement
// inside a model run (by a thread, directly or deep in code it calls) is
// not one of the run's threads: it runs in parallel with the baton holder,
// on real time, and the explorer neither schedules nor sees it. A run that
// passed with one would have passed without exploring what that goroutine
// does, so it is a failure (ErrUnmanaged) unless the run allows it.
//
// Every managed thread's goroutine carries the profiler label
// interleave.run=<run id> while it runs a thread of that run (threadMain
// sets it, the pool worker clears it when the thread ended), and the
// runtime copies a goroutine's labels to every goroutine it starts. So a
// goroutine that carries a run's label and is not one of the library's own
// (a pool worker, the janitor, the watchdog) was started from inside that
// run and is not managed by it. It is found three ways:
//
//   - when it calls into the explorer (a primitive, a swap-in, a failpoint:
//     self() finds no thread for it), it reads its own label set (a pointer
//     compare, getProfLabel) and, if it carries a live run's, records
//     itself on that run with the creator from its own stack;
//   - at a check of the run, a goroutine profile lists every goroutine
//     with its labels, and the creator is read from a stack dump (its
//     "created by" line). The profile is taken only when a cheap gate
//     moved: at a hand-off of the baton, the number of live goroutines
//     rose since the last hand-off; at the run's end, a deadlock and the
//     watchdog's report, the count of goroutines created (runtime/metrics'
//     /sched/goroutines-created, Go 1.26; the live number before) changed
//     since the run began. Both discount this package's own goroutines;
//   - one that ended before any check looked leaves only the count of
//     goroutines created behind, which other tests move too: a run whose
//     count moved while the profile found none of its goroutines alive is
//     confirmed by Go's execution tracer, which records every creation
//     with the goroutine that ran the go statement (confirm.go): replayed
//     at once with its schedule where the body may run again (Run,
//     Exhaustive, Minimize), else by tracing the body's next runs
//     (Explore). The report then names the thread, the go statement and
//     the step after which the thread ran it.
//
// No single run can be both fully checked and free of false positives at
// the cost of a run: the runtime keeps no record of who created a
// goroutine that has ended, but for the execution tracer, whose window
// costs about 3 ms of CPU where a run costs 10 to 50 µs, and the count of
// goroutines created is the whole process's. Hence the confirmation of
// the suspicious runs only, and its limits:
//
// What this cannot see: without ConfirmByReplay (Explore, Run), the first run of a body
// whose goroutine ended before any check (its next runs are traced, and
// the first that starts one fails); while confirmations of a body keep finding nothing (other tests
// create goroutines), the suspicious runs it skips (one in 2^6 at most is
// confirmed, confirm.go), which may hide a body whose go statement runs in
// few schedules; a run the tracer cannot record (another flight recorder is
// active) or a replay that does not retrace the run (a body that is not
// deterministic); at a hand-off, one that started while another goroutine
// ended (the end check still sees it); a goroutine started by a callback
// the runtime runs on its own goroutine (time.AfterFunc's function does
// not inherit labels, and the tracer sees the runtime start it). Code that
// overwrites the labels it inherited (pprof.SetGoroutineLabels, pprof.Do
// with a context that does not derive from the goroutine's own) hides its
// goroutines from the first two ways only: the tracer does not read labels.

// runLabel is the profiler label key that ties a goroutine to its run.
const runLabel = "interleave.run"

// backoff spaces out the goroutine profiles taken at hand-offs while they
// find nothing (a parallel test that starts goroutines all along makes
// every hand-off's count rise): after streak fruitless ones in a row, one
// rise in 2^min(streak, maxBackoff) takes a profile. A run whose hand-offs
// saw no rise, or a profile that finds a goroutine, ends the streak. The
// checks at the run's end, at a deadlock and by the watchdog do not back
// off.
var backoff struct{ streak, rises atomic.Int64 }

const maxBackoff = 10

// ResetHandoffBackoff ends the hand-off checks' back-off streak, so that
// the next rise is profiled: for a test that asserts what a hand-off check
// finds, whatever the tests before it left in the process-wide streak.
func ResetHandoffBackoff() {
	backoff.streak.Store(0)
	backoff.rises.Store(0)
}

// getProfLabel returns the calling goroutine's profiler label set, the
// pointer the runtime copies to every goroutine it starts. The runtime
// exports it to runtime/pprof under this name and keeps it for the packages
// that read it (go.dev/issue/67401); runtime/pprof has no public getter, and
// reading one's own labels must cost nanoseconds: self() calls it on every
// real-mode entry into the explorer while a run is live.
//
//go:linkname getProfLabel runtime/pprof.runtime_getProfLabel
func getProfLabel() unsafe.Pointer

// createdMetric counts the goroutines created since the process started
// (Go 1.26 and later).
const createdMetric = "/sched/goroutines-created:goroutines"

// haveCreatedMetric reports whether this runtime has createdMetric.
var haveCreatedMetric = func() bool {
	for _, d := range metrics.All() {
		if d.Name == createdMetric {
			return true
		}
	}
	return false
}()

// ownStarted counts the goroutines this package started (pool workers, the
// janitor, the watchdog) and ownLive those still alive, which the two gates
// discount: a run that needs a new worker, or sees the janitor retire some,
// pays no profile for it and misses nothing because of it.
var (
	ownStarted atomic.Uint64
	ownLive    atomic.Int64
)

// goOwn starts one of this package's goroutines.
func goOwn(f func()) {
	ownStarted.Add(1)
	ownLive.Add(1)
	go func() {
		defer ownLive.Add(-1)
		f()
	}()
}

// A labelSlot is one value of runLabel: the label set the threads of one
// live run carry. Making one costs a few allocations, a tenth of a short
// run, so a slot is reused by a later run when its run passed: then no
// goroutine but the library's own (which the checks skip, and which drop
// the label as they leave the run) can still carry it, since a passing
// run's end check saw none. A slot whose run failed or allowed unmanaged
// goroutines is never reused: a goroutine it left behind keeps its label,
// and must not be taken for one of a later run.
//
// Invariant: labels is nil until a thread first carried the slot's label,
// then that label set, registered in labelled for as long as the slot may
// be used; run is the live run using the slot, nil between runs.
type labelSlot struct {
	id     string          // the value of runLabel
	ctx    context.Context // carries the label; SetGoroutineLabels reads it
	labels unsafe.Pointer  // the label set as goroutines hold it
	run    atomic.Pointer[run]
}

// slots holds the reusable slots; runIDs numbers new ones.
var (
	slots struct {
		mu   sync.Mutex
		free []*labelSlot // guarded by mu; at most maxFreeSlots
	}
	runIDs atomic.Uint64
)

const maxFreeSlots = 64

// labelled maps the label set of every slot in use or free (the pointer
// getProfLabel returns in its goroutines) to the slot.
var labelled sync.Map // unsafe.Pointer -> *labelSlot

// unmanagedState is what a run knows of uncontrolled goroutines.
//
// Invariant: slot.run is the run from its start to its end; found, once
// set, never changes; fr is non-nil exactly while the run is traced (from
// unmanagedStart to checkEnd), and traced says the run was. last, live,
// rose and sample are touched only by the baton holder (or the watchdog
// once it took the baton); start, body and fr only by the goroutine that
// called Execute.
type unmanagedState struct {
	slot *labelSlot // the run's label

	found atomic.Pointer[unmanagedGoroutine] // the first one found; set by any goroutine

	start  int64       // the exact gate's value as the run began
	last   int64       // the exact gate's value at the last full check
	live   int64       // the cheap gate's value at the last hand-off
	rose   bool        // the cheap gate rose at some hand-off
	body   *bodyRecord // what earlier runs of the body's code found (confirm.go); nil under AllowUnmanaged
	traced bool        // Go's execution tracer recorded the run (confirm.go)
	replay bool        // the run is a replay that confirms another (confirm.go)
	caller int64       // the goroutine that called Execute (it starts the tracer)
	fr     *trace.FlightRecorder
	sample [1]metrics.Sample
}

// An unmanagedGoroutine describes an uncontrolled goroutine for the report.
type unmanagedGoroutine struct {
	fn      string // the function it runs
	creator string // the function whose go statement started it ("" if unknown)
	where   string // file:line of that statement ("" if unknown)
	thread  string // the thread that ran the statement ("" if unknown)
	after   string // the scheduling point after which it ran it ("" if unknown)
	ended   bool   // it had ended when the run looked: only the tracer saw it
	replay  bool   // seen in a replay of the run's schedule, not in the run itself
	gid     int64  // the id of the goroutine that ran the statement (0 if unknown)
}

func (g *unmanagedGoroutine) String() string {
	s := "a goroutine running " + g.fn
	if g.where != "" {
		s += ", started by "
		if g.thread != "" {
			s += g.thread + " at "
		}
		s += g.where + " (in " + g.creator + ")"
		if g.after != "" {
			s += " " + g.after
		}
	}
	s += ", not managed by the explorer"
	switch {
	case g.ended && g.replay:
		s += "; it ended before the explorer could see it (Go's execution tracer saw it start, in a replay of this schedule)"
	case g.ended:
		s += "; it ended before the explorer could see it (Go's execution tracer saw it start)"
	case g.replay:
		s += " (seen in a replay of this schedule)"
	}
	return s
}

// report is g's error, naming the thread that started it when that was
// one of r's threads (a profile names only the goroutine). It is called by
// the baton holder, or the goroutine that called Execute once the run ended.
func (r *run) report(g *unmanagedGoroutine) error {
	if g.thread == "" && g.gid != 0 {
		for _, th := range r.threads {
			if th.gid == g.gid {
				c := *g
				c.thread = th.name()
				return c.err()
			}
		}
	}
	return g.err()
}

func (g *unmanagedGoroutine) err() error {
	return fmt.Errorf("%w: %s; it runs in parallel with the threads, unexplored "+
		"(start it with goroutine.Go or a primitives.Thread, or accept it with AllowUnmanaged)",
		ErrUnmanaged, g)
}

// unmanagedStart prepares the run's label and the gate, before the run's
// first thread runs, and starts the tracer if the run is to be traced:
// when trace says so (a replay that confirms), or when what earlier runs of
// body's code found asks for it (confirm.go).
func (r *run) unmanagedStart(body func(), trace bool) {
	u := &r.um
	slots.mu.Lock()
	if n := len(slots.free); n > 0 {
		u.slot = slots.free[n-1]
		slots.free = slots.free[:n-1]
	}
	slots.mu.Unlock()
	if u.slot == nil {
		id := strconv.FormatUint(runIDs.Add(1), 10)
		u.slot = &labelSlot{id: id, ctx: pprof.WithLabels(context.Background(), pprof.Labels(runLabel, id))}
	}
	u.slot.run.Store(r)
	u.sample[0].Name = createdMetric
	if !r.cfg.AllowUnmanaged && body != nil {
		u.body = bodyOf(body)
		u.replay, u.caller = trace, GoID()
		next, must := u.body.traceNext(r.cfg.ConfirmByReplay)
		switch {
		case trace || must:
			u.fr = startGoTrace(true)
		case next:
			if u.fr = startGoTrace(false); u.fr == nil {
				u.body.untraced()
			}
		}
		u.traced = u.fr != nil
	}
	u.last, u.live = u.gate(true), u.gate(false)
	u.start = u.last
}

// unmanagedStop ends the run's use of its label: the slot is freed for
// reuse if the run passed, else retired.
func (r *run) unmanagedStop() {
	sl := r.um.slot
	sl.run.Store(nil)
	if r.failure == nil && !r.cfg.AllowUnmanaged {
		slots.mu.Lock()
		if len(slots.free) < maxFreeSlots {
			slots.free = append(slots.free, sl)
			sl = nil
		}
		slots.mu.Unlock()
	}
	if sl != nil && sl.labels != nil {
		labelled.Delete(sl.labels)
	}
}

// label gives the calling goroutine, which is about to run a thread of r,
// the run's label.
func (r *run) label() {
	sl := r.um.slot
	pprof.SetGoroutineLabels(sl.ctx)
	if sl.labels == nil { // the first thread that carries this label
		sl.labels = getProfLabel()
		labelled.Store(sl.labels, sl)
	}
}

// unlabel clears the calling goroutine's labels as it leaves a run, so that
// a pooled goroutine carries no run's label while idle or in another run.
func unlabel() { pprof.SetGoroutineLabels(context.Background()) }

// Cost on the passing path (CPU profiles of BenchmarkSchedules, Go 1.26, 2
// cores, samples under these functions): 3.1% of the explorer's time for
// 2 threads of 1 step, 2.5% for 3 threads of 20 (checkHandoff about 0.9%,
// checkEnd 0.7%, unmanagedStart 0.5%, the labels 0.5%); a goroutine
// profile is taken only when a gate moved. Wall-clock A/B runs of the
// benchmark on the shared machine varied by ±50%, too much to resolve it.
// The tracer's confirmation (confirm.go) adds to a run that was not
// suspicious the look-up of its body's record, 36 ns
// (BenchmarkUnmanagedBodyRecord; a run of three threads is about 11 µs of
// CPU); a traced run costs 2.7 ms of process CPU, a confirmation by replay
// 3.5 ms (5.2 and 8.4 ms under -race; measured with getrusage around 100
// runs, Go 1.26, the shared machine loaded).
//
// gate returns the cheap signal that a goroutine may have been created
// since the last check, less the goroutines this package started. Exact,
// it is the process's count of goroutines created (a change means one was
// created, about 70 ns to read); otherwise, or on a runtime without that
// counter, the number of live goroutines (a rise means a new one is alive;
// a few nanoseconds, but blind to one that started while another ended).
func (u *unmanagedState) gate(exact bool) int64 {
	if !exact || !haveCreatedMetric {
		return int64(runtime.NumGoroutine()) - ownLive.Load()
	}
	metrics.Read(u.sample[:])
	return int64(u.sample[0].Value.Uint64()) - int64(ownStarted.Load())
}

// checkHandoff is the check at a hand-off of the baton: it fails the run if
// an uncontrolled goroutine was found. It is cheap unless the goroutine
// count rose since the last check.
func (r *run) checkHandoff() {
	if r.aborting || r.cfg.AllowUnmanaged {
		return
	}
	u := &r.um
	g := u.found.Load()
	if g == nil {
		n := u.gate(false)
		rose := n > u.live
		u.live = n
		if !rose {
			return
		}
		u.rose = true
		if backoff.rises.Add(1)%(1<<min(backoff.streak.Load(), maxBackoff)) != 0 {
			return
		}
		if g = r.scanProfile(); g == nil {
			backoff.streak.Add(1)
			return
		}
		backoff.streak.Store(0)
		u.found.CompareAndSwap(nil, g)
	}
	r.fail(r.report(u.found.Load()), nil)
}

// unmanagedErr is the full check (the run's end, a deadlock, the
// watchdog): the error describing an uncontrolled goroutine of r, or nil.
func (r *run) unmanagedErr() error {
	if r.cfg.AllowUnmanaged {
		return nil
	}
	u := &r.um
	if g := u.found.Load(); g != nil {
		return r.report(g)
	}
	n := u.gate(true)
	if n == u.last {
		return nil
	}
	u.last = n
	g := r.scanProfile()
	if g == nil {
		return nil
	}
	u.found.CompareAndSwap(nil, g)
	return r.report(u.found.Load())
}

// checkEnd fails a run that would pass while an uncontrolled goroutine it
// started is still alive (or was found earlier), or, when the run was
// traced, that the tracer saw one of its threads start; a run in which
// goroutines were created that neither explains is confirmed (confirm.go).
func (r *run) checkEnd() {
	u := &r.um
	if !u.rose {
		backoff.streak.Store(0) // a quiet run: whatever made hand-offs rise has stopped
	}
	var seen *unmanagedGoroutine
	read, others := false, false
	if u.fr != nil {
		seen, read, others = r.traceVerdict()
	}
	if r.failure != nil || r.cfg.AllowUnmanaged {
		if u.found.Load() != nil {
			u.body.result(true, false)
		}
		return
	}
	if err := r.unmanagedErr(); err != nil {
		r.failure = err
		u.body.result(true, false)
		return
	}
	if read {
		// A replay that retraced the run and saw no thread start one says
		// the run's creations were other goroutines'.
		u.body.result(seen != nil, others || u.replay)
		if seen != nil {
			u.found.CompareAndSwap(nil, seen)
			r.failure = r.report(seen)
		}
		return
	}
	if u.body == nil || r.body == nil || u.last == u.start || !u.body.suspect(r.cfg.ConfirmByReplay) {
		return
	}
	if g := r.replayTraced(); g != nil {
		u.found.CompareAndSwap(nil, g)
		r.failure = r.report(g)
	}
}

// stuck is the failure of a run in which no thread can run: an
// uncontrolled goroutine (what the threads wait for may be up to it), else
// the deadlock.
func (r *run) stuck() error {
	if err := r.unmanagedErr(); err != nil {
		return err
	}
	return r.deadlock()
}

// noteForeign is called by self() for a goroutine that is no thread of any
// run while a run is live: if it carries a live run's label, it records
// itself as that run's uncontrolled goroutine.
func noteForeign() {
	p := getProfLabel()
	if p == nil {
		return
	}
	v, ok := labelled.Load(p)
	if !ok {
		return
	}
	r := v.(*labelSlot).run.Load()
	if r == nil || r.cfg.AllowUnmanaged || r.um.found.Load() != nil {
		return
	}
	buf := make([]byte, 8192)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) || len(buf) >= 1<<20 {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf)) // a deep stack: its "created by" line is at the end
	}
	if g := creatorIn(buf, ""); g != nil {
		r.um.found.CompareAndSwap(nil, g)
	}
}

// libraryGoroutine reports whether a frame's function marks one of this
// package's own goroutines: a pool worker (idle, or running a thread), the
// janitor, the watchdog.
func libraryGoroutine(fn string) bool {
	const pkg = "github.com/interleave-lab/interleave/internal/sched."
	if !strings.HasPrefix(fn, pkg) {
		return false
	}
	switch fn[len(pkg):] {
	case "goOwn.func1", "(*worker).loop", "(*coWorker).run", "janitor", "watchdog", "(*run).threadMain":
		return true
	}
	return false
}

// scanProfile looks for a goroutine that carries r's label and is not one
// of the library's own; it names its creator from a stack dump.
func (r *run) scanProfile() *unmanagedGoroutine {
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 1); err != nil {
		return nil
	}
	want := []byte(`# labels: {`)
	label := []byte(strconv.Quote(runLabel) + ":" + strconv.Quote(r.um.slot.id))
	for _, e := range bytes.Split(b.Bytes(), []byte("\n\n")) {
		i := bytes.Index(e, want)
		if i < 0 {
			continue
		}
		line := e[i:]
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		if !bytes.Contains(line, label) {
			continue
		}
		fn, ours := "", false
		for _, l := range strings.Split(string(e), "\n") {
			if !strings.HasPrefix(l, "#\t") {
				continue
			}
			f := strings.Fields(l[2:]) // pc, function+offset, file:line
			if len(f) < 2 {
				continue
			}
			name := f[1]
			if k := strings.LastIndex(name, "+0x"); k >= 0 {
				name = name[:k]
			}
			if libraryGoroutine(name) {
				ours = true
				break
			}
			if name != "runtime.goexit" {
				fn = name // the outermost frame so far: the goroutine's function
			}
		}
		// A goroutine whose outermost frame is the runtime's exit path has
		// ended but for its last instructions, and one missing from the dump
		// ended between the profile and the dump: the run's end confirms
		// them by the tracer, which names where they were started.
		if ours || fn == "" || strings.HasPrefix(fn, "runtime.goexit") {
			continue
		}
		var g *unmanagedGoroutine
		allStacks(func(dump []byte) { g = creatorIn(dump, fn) })
		if g != nil {
			return g
		}
	}
	return nil
}

// creatorIn finds, in a dump of goroutine stacks, the first goroutine whose
// function is fn (any, if fn is empty) and returns it with the creator and
// the place of its go statement, read from its "created by" line.
func creatorIn(dump []byte, fn string) *unmanagedGoroutine {
	for len(dump) > 0 {
		g := dump
		if j := bytes.Index(dump, []byte("\n\n")); j >= 0 {
			g, dump = dump[:j], dump[j+2:]
		} else {
			dump = nil
		}
		lines := strings.Split(string(g), "\n")
		for i, l := range lines {
			if !strings.HasPrefix(l, "created by ") || i < 2 || i+1 >= len(lines) {
				continue
			}
			entry := lines[i-2]
			if k := strings.LastIndex(entry, "("); k > 0 {
				entry = entry[:k]
			}
			if fn != "" && entry != fn {
				break
			}
			creator := strings.TrimPrefix(l, "created by ")
			var gid int64
			if k := strings.Index(creator, " in goroutine "); k >= 0 {
				gid, _ = strconv.ParseInt(creator[k+len(" in goroutine "):], 10, 64)
				creator = creator[:k]
			}
			where := strings.TrimSpace(lines[i+1])
			if k := strings.LastIndex(where, " +0x"); k >= 0 {
				where = where[:k]
			}
			return &unmanagedGoroutine{fn: shortFunc(entry), creator: shortFunc(creator), where: shortFile(where), gid: gid}
		}
	}
	return nil
}

// shortFunc drops a function name's package path ("pkg.TestX.func1").
func shortFunc(fn string) string { return fn[strings.LastIndexByte(fn, '/')+1:] }
