package sched

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Confirming by the tracer. A goroutine that a thread starts and that ends
// before any check looks (it never calls into the explorer, and it was not
// alive at a hand-off or at the run's end) leaves one trace in the run: the
// process's count of goroutines created moved. So does every goroutine that
// another test, the testing package or the runtime creates meanwhile, and
// nothing in the runtime says who created a goroutine that has ended, but
// Go's execution tracer records every creation with the goroutine that ran
// the go statement and its stack. A run in which the count moved beyond
// this package's own goroutines while the goroutine profile found none of
// the run's alive ("suspicious") is therefore confirmed under the tracer:
//
//   - where the body may be run again (Config.ConfirmByReplay: Exhaustive
//     and Minimize, whose bodies are deterministic apart from the
//     schedule and set up their own state), the run is replayed at once
//     with its own schedule, traced; it fails, with ErrUnmanaged, if the
//     replay's threads started a goroutine and the replay took the run's
//     steps up to where it saw it;
//   - elsewhere (Explore: a property may count on its body having run
//     once), the run passes and the next armRuns runs of the same body
//     (the same function code) are traced instead, until one of them
//     finds the goroutine or sees other goroutines create goroutines.
//
// A traced run is exact: its threads run on goroutines started for it
// alone (not the pool's), so a creation whose creator is one of them and
// whose new goroutine is not one of its threads is a goroutine the run
// does not manage; the thread marks the trace each time it goes back to
// user code (markStep), which names the scheduling point after which it
// ran the go statement. A creation by anything else (a parallel test, the
// tracer itself) is not the run's, so no such goroutine fails a run: the
// confirmation has no false positives, whatever the process does.
//
// Once a traced run of a body's code found one (or a check found one
// alive), every later run of that code is decided the same way: replayed
// when suspicious (ConfirmByReplay), else traced from its start. So a
// schedule that starts one fails every time it runs, and rapid's shrinker
// and Exhaustive see one verdict per schedule. A suspicious run whose
// confirmation finds nothing and shows that other goroutines created the
// goroutines (a replay that retraced the run; a traced run in which a
// goroutine outside the run created one) makes the next confirmations of
// that body rarer: after f such
// in a row, one suspicious run in 2^min(f, maxConfirmBackoff) is confirmed,
// so a test binary whose parallel tests create goroutines all along pays
// a few traced runs per body (about 3 ms of CPU each, BenchmarkUnmanaged*
// in unmanaged_bench_test.go), not one per run.
//
// What this does not see: under that back-off, a body found clean so far
// whose go statement runs only in some schedules may pass a schedule that
// starts one, until a confirmation comes; without ConfirmByReplay, the
// first run of a body that starts one passes (the next is traced); a run
// the tracer cannot record (another flight recorder is active, or the
// trace is unreadable) is not confirmed; and a replay of a body that is not
// deterministic may not start what the run started.

// maxConfirmBackoff caps the back-off of confirmations: at most one
// suspicious run in 64 of a body is confirmed.
const maxConfirmBackoff = 6

// A bodyRecord is what the runs of one body's code found: the tracer's
// verdicts and the confirmations' back-off.
//
// Invariant (under mu): confirmed, once set, stays; skip is the number of
// suspicious runs to pass before the next confirmation, 0 when confirmed;
// armed is 0 once a traced run saw other goroutines create goroutines.
type bodyRecord struct {
	mu        sync.Mutex
	confirmed bool // a run of this code started an unmanaged goroutine
	armed     int  // runs left to trace since a suspicious run could not be replayed
	fruitless int  // confirmations in a row that found none and saw others create goroutines
	skip      int
}

// armRuns is how many runs of a body a suspicious run that cannot be
// replayed has traced (Explore): the next run need not take the schedule
// that started a goroutine (a go statement in some interleavings only), so
// a few are traced; a traced run that sees other goroutines create
// goroutines (the suspicion was theirs) ends the series and backs off.
const armRuns = 4

// bodies maps a body's code pointer to its record.
var bodies sync.Map // uintptr -> *bodyRecord

// bodyOf returns the record of body's code.
func bodyOf(body func()) *bodyRecord {
	pc := reflect.ValueOf(body).Pointer()
	if v, ok := bodies.Load(pc); ok {
		return v.(*bodyRecord)
	}
	v, _ := bodies.LoadOrStore(pc, &bodyRecord{})
	return v.(*bodyRecord)
}

// traceNext reports whether a run about to start must be traced from its
// start: a suspicious run of the body asked for it, or the body is known
// to start goroutines and a suspicious run of it cannot be replayed; must
// says the run waits for the tracer if another run holds it (a known body:
// its every run must be decided the same way), else a run that could not
// be traced gives its turn back (untraced).
func (b *bodyRecord) traceNext(replayable bool) (trace, must bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.confirmed && !replayable {
		return true, true
	}
	if b.armed > 0 {
		b.armed--
		return true, false
	}
	return false, false
}

// untraced gives back the turn of a run traceNext asked to trace.
func (b *bodyRecord) untraced() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.confirmed {
		b.armed++
	}
}

// suspect notes a suspicious run and reports whether to replay it now; a
// run that cannot be replayed arms the next one instead (traceNext).
func (b *bodyRecord) suspect(replayable bool) bool {
	confirmStats.suspicious.Add(1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.skip > 0 {
		b.skip--
		return false
	}
	if replayable {
		return true
	}
	b.armed = armRuns
	return false
}

// result records a confirmation's verdict (or a check's finding): found,
// or, if not, whether it is evidence that goroutines other than the run's
// created what made the run suspicious (a replay that retraced the run
// found none of its threads start one; a traced run saw others do it).
func (b *bodyRecord) result(found, others bool) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case found:
		b.confirmed, b.fruitless, b.skip, b.armed = true, 0, 0, 0
	case !b.confirmed && others:
		b.fruitless++
		b.skip = 1<<min(b.fruitless, maxConfirmBackoff) - 1
		b.armed = 0
	}
}

// confirmStats counts the suspicious runs, the traced runs that were read
// (traced) and those in which the tracer saw a thread start an unmanaged
// goroutine (found).
var confirmStats struct{ suspicious, traced, found atomic.Int64 }

// ConfirmStats returns how many runs were suspicious so far, how many
// traced runs were read, and in how many the tracer saw a thread start a
// goroutine the run does not manage: for a test that asserts its runs were
// confirmed.
func ConfirmStats() (suspicious, traced, found int64) {
	return confirmStats.suspicious.Load(), confirmStats.traced.Load(), confirmStats.found.Load()
}

// goTracer serialises traced runs: the process has one flight recorder.
var goTracer sync.Mutex

// startGoTrace starts Go's execution tracer (a flight recorder, which may
// run alongside a trace.Start, such as go test -trace) for one run; nil if
// it cannot start, or if wait is false and another run is being traced
// (a run traced ahead need not wait: a later run of the body is traced
// instead). The tracer's own goroutines are created by the calling
// goroutine, which is no thread of the run.
func startGoTrace(wait bool) *trace.FlightRecorder {
	if wait {
		goTracer.Lock()
	} else if !goTracer.TryLock() {
		return nil
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: 1 << 30})
	if fr.Start() != nil {
		goTracer.Unlock()
		return nil
	}
	return fr
}

// markStep is called by a traced run's thread as it goes back to user code:
// what it does until its next scheduling point follows the run's steps so
// far.
func (r *run) markStep() {
	trace.Log(context.Background(), stepLogKey, strconv.Itoa(r.trace.Len()))
}

// traceVerdict stops the run's tracer and returns the first goroutine it
// saw a thread of the run start that is not one of the run's threads;
// read is false when the trace could not be read; others reports whether
// a goroutine that is neither a thread of the run nor the one that called
// Execute (which started the tracer) created a goroutine meanwhile.
func (r *run) traceVerdict() (g *unmanagedGoroutine, read, others bool) {
	u := &r.um
	var b bytes.Buffer
	_, err := u.fr.WriteTo(&b)
	u.fr.Stop()
	u.fr = nil
	goTracer.Unlock()
	if err != nil {
		return nil, false, false
	}
	creates, marks, err := readGoTrace(b.Bytes())
	if err != nil {
		return nil, false, false
	}
	confirmStats.traced.Add(1)
	threads := map[uint64]*thread{}
	for _, th := range r.threads {
		if th.gid != 0 {
			threads[uint64(th.gid)] = th
		}
	}
	for _, c := range creates {
		th := threads[c.creator]
		if th == nil && c.creator != uint64(u.caller) && threads[c.created] == nil {
			others = true
		}
		if th == nil || threads[c.created] != nil || runtimeGoroutine(c) {
			continue
		}
		confirmStats.found.Add(1)
		return r.describeCreate(th, c, marks), true, others
	}
	return nil, true, others
}

// runtimeGoroutine reports whether c created one of the runtime's own
// goroutines, which a thread's goroutine may start on the runtime's behalf
// (the first garbage collection's mark workers, the finalizer goroutine):
// the goroutines the runtime hides from tracebacks, those whose function
// is in package runtime.
func runtimeGoroutine(c goCreate) bool {
	if len(c.newStack) == 0 {
		return false
	}
	fn := c.newStack[0].fn
	return strings.HasPrefix(fn, "runtime.") && fn != "runtime.main"
}

// stdFunc reports whether fn is in the standard library: its import path's
// first element has no dot (and it is not package main).
func stdFunc(fn string) bool {
	path, _, ok := strings.Cut(fn, "/")
	if !ok {
		path, _, _ = strings.Cut(fn, ".")
		return path != "main"
	}
	return !strings.Contains(path, ".")
}

// describeCreate turns a creation by th into the report.
func (r *run) describeCreate(th *thread, c goCreate, marks []stepMark) *unmanagedGoroutine {
	g := &unmanagedGoroutine{fn: "?", thread: th.name(), ended: true}
	if len(c.newStack) > 0 {
		g.fn = shortFunc(c.newStack[0].fn)
	}
	if len(c.stack) > 0 {
		f := c.stack[0]
		g.creator, g.where = shortFunc(f.fn), shortFile(f.file)+":"+strconv.FormatUint(f.line, 10)
		if stdFunc(f.fn) { // sync.(*WaitGroup).Go, errgroup-like helpers of the standard library
			for _, u := range c.stack[1:] {
				if !stdFunc(u.fn) {
					g.creator += ", called from " + shortFunc(u.fn) + " at " + shortFile(u.file) + ":" + strconv.FormatUint(u.line, 10)
					break
				}
			}
		}
	}
	steps := -1
	for _, m := range marks {
		if m.g == c.creator && m.at <= c.at {
			steps = m.steps
		}
	}
	switch {
	case steps == 0:
		g.after = "before the run's first step"
	case steps > 0 && steps <= r.trace.Len():
		r.trace.threads = r.threads // for the step's line; finishTrace sets it again
		g.after = fmt.Sprintf("after step %d (%s) and before its next scheduling point",
			steps-1, strings.Join(strings.Fields(r.trace.Line(steps-1)), " "))
	}
	return g
}

// replayTraced replays the run's schedule under the tracer and returns the
// goroutine the replay saw a thread start, nil if none or if the replay
// went another way than the run before it saw one (the body is not
// deterministic): a replay never fails a run it does not reproduce.
func (r *run) replayTraced() *unmanagedGoroutine {
	rr := execute(r.body, r.cfg, NewFixed(r.trace.Schedule), true)
	g := rr.um.found.Load()
	if g == nil || !sameSteps(rr.trace, r.trace) {
		return nil
	}
	c := *g
	c.replay = true
	return &c
}

// sameSteps reports whether the replay's steps, up to where it stopped
// (a failure ends a replay early), are the run's: the same thread, kind
// and operation at each step. It reads the records, not Steps, which a
// trace builds once and caches: the run's trace is not finished yet.
func sameSteps(replay, run *Trace) bool {
	if len(replay.recs) > len(run.recs) {
		return false
	}
	for i, s := range replay.recs {
		o := run.recs[i]
		if s.thread != o.thread || s.kind != o.kind || replay.op(s) != run.op(o) {
			return false
		}
	}
	return true
}
