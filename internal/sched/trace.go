package sched

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// StepKind says what a trace step is.
type StepKind uint8

// The kinds of trace step.
const (
	StepPoint   StepKind = iota // a failpoint hit
	StepStart                   // a thread started another
	StepExit                    // a thread ended
	StepBlock                   // a thread parked on an operation
	StepWake                    // a thread woke another
	StepTimeout                 // a parked thread's deadline passed
	StepSleep                   // a thread slept on the virtual clock
	StepDelay                   // the schedule delayed a thread (a preemption)
	StepPanic                   // a thread's target panicked (Op holds the value)
)

var stepKindNames = [...]string{"point", "start", "exit", "block", "wake", "timeout", "sleep", "delay", "panic"}

// String returns the kind's name ("point", "block", ...).
func (k StepKind) String() string {
	if int(k) < len(stepKindNames) {
		return stepKindNames[k]
	}
	return "StepKind(" + itoa(int(k)) + ")"
}

// A Step is one line of a trace.
type Step struct {
	At     time.Duration // virtual time since the run started
	Thread int           // index of the thread, in start order (0 is main)
	Kind   StepKind
	Op     string        // failpoint name or operation
	Delay  time.Duration // for a sleep or a delay
	Object int           // index into Trace.Objects of the step's primitive, -1 for none
	State  *Snapshot     // the primitive's state at the step, nil for none
}

// A Trace is the record of one model run: one step per scheduling point,
// the choices the strategy made, and how the run ended.
type Trace struct {
	Objects  []Object // the primitives the steps name, in order of first appearance
	Schedule Schedule // every choice made, in order; replays the run with Replay
	Failure  error    // nil for a clean run
	Duration time.Duration

	// PanicValue is what a thread panicked with (or a strategy stopped the
	// run with), for Explore to re-panic rapid's signals.
	PanicValue any

	// The run records its steps compactly (rec); Steps builds the []Step
	// on first call, so that a passing run nobody prints or inspects
	// allocates no Step, no Snapshot and no "start T1" string, and its
	// record, which holds no pointer, costs the garbage collector nothing
	// to scan (the Steps were most of what a schedule allocated).
	//
	// Invariant: recs, ops, opIdx, shorts, lastOp, times, delays and snaps
	// are written only by the run, until Execute returns the trace; every
	// rec's op indexes ops, which holds no string twice, and shorts is as
	// long as ops; lastOp holds indexes of ops or 0; times holds, in order,
	// each step index from which At changes (the steps before the first
	// have At 0); steps is nil until the first Steps call, then one Step
	// per rec, never rebuilt.
	recs   []rec
	ops    []string                  // the distinct ops the recs name
	opIdx  map[string]int32          // ops' indexes, once ops is too long to scan
	shorts []string                  // shorts[i] is the short name of ops[i] (after its last '/')
	lastOp [len(stepKindNames)]int32 // per kind, the op it recorded last: most steps repeat it
	times  []stepTime
	delays []time.Duration // the Delay of each StepDelay and StepSleep rec
	snaps  []Snapshot      // the State of each rec with a primitive
	steps  atomic.Pointer[[]Step]

	threads []*thread // the run's threads, for names (resolved when printed)
	limit   int
	fp      uint64
}

// A rec is one trace step as the run records it: 20 bytes and no pointer.
// Its op is an index into Trace.ops: the Step's Op, except for StepStart
// and StepWake, whose op is only the other thread's name, taken when the
// step happened (the Step's Op adds "start " or "wake ", opPrefix). arg
// indexes Trace.delays for StepDelay and StepSleep, Trace.snaps for a step
// with a primitive, and is -1 otherwise. The step's At is in Trace.times.
type rec struct {
	op     int32
	arg    int32
	object int32 // index into Trace.Objects, -1 for none
	thread int32
	kind   StepKind
}

// A stepTime says that the steps from index from on happened at At (until
// the next stepTime).
type stepTime struct {
	from int
	at   time.Duration
}

// maxOpScan is how many ops opIndex compares one by one before it keeps a
// map: a run names few distinct operations.
const maxOpScan = 8

// opIndex returns the index of op in tr.ops, adding it on first sight,
// for a step of the given kind.
func (tr *Trace) opIndex(kind StepKind, op string) int32 {
	if i := tr.lastOp[kind]; int(i) < len(tr.ops) && tr.ops[i] == op {
		return i
	}
	i := tr.findOp(op)
	tr.lastOp[kind] = i
	return i
}

// findOp is opIndex without the per-kind cache.
func (tr *Trace) findOp(op string) int32 {
	if tr.opIdx == nil {
		for i := len(tr.ops) - 1; i >= 0; i-- {
			if tr.ops[i] == op {
				return int32(i)
			}
		}
		if len(tr.ops) < maxOpScan {
			return tr.addOp(op)
		}
		tr.opIdx = make(map[string]int32, 2*maxOpScan)
		for i, o := range tr.ops {
			tr.opIdx[o] = int32(i)
		}
	}
	if i, ok := tr.opIdx[op]; ok {
		return i
	}
	i := tr.addOp(op)
	tr.opIdx[op] = i
	return i
}

// addOp appends op to tr.ops and returns its index.
func (tr *Trace) addOp(op string) int32 {
	tr.ops = append(tr.ops, op)
	tr.shorts = append(tr.shorts, op[strings.LastIndexByte(op, '/')+1:])
	return int32(len(tr.ops) - 1)
}

// op returns the Op of a point, block, timeout or panic rec: its Step's Op.
func (tr *Trace) op(s rec) string { return tr.ops[s.op] }

// opPrefix is what a Step's Op has before its rec's Op.
func opPrefix(k StepKind) string {
	switch k {
	case StepStart:
		return "start "
	case StepWake:
		return "wake "
	}
	return ""
}

// Steps returns the run's steps, one per scheduling point, in order. The
// first call builds them from the run's compact record; every call returns
// the same slice. It is safe to call from several goroutines.
func (tr *Trace) Steps() []Step {
	if p := tr.steps.Load(); p != nil {
		return *p
	}
	steps := make([]Step, len(tr.recs))
	var at time.Duration
	times := tr.times
	for i, r := range tr.recs {
		for len(times) > 0 && times[0].from <= i {
			at, times = times[0].at, times[1:]
		}
		s := Step{At: at, Thread: int(r.thread), Kind: r.kind, Op: tr.ops[r.op], Object: int(r.object)}
		if p := opPrefix(r.kind); p != "" {
			s.Op = p + s.Op
		}
		switch {
		case r.arg < 0:
		case r.kind == StepDelay || r.kind == StepSleep:
			s.Delay = tr.delays[r.arg]
		default:
			s.State = &tr.snaps[r.arg]
		}
		steps[i] = s
	}
	if !tr.steps.CompareAndSwap(nil, &steps) {
		return *tr.steps.Load() // another goroutine built them first: one slice for all callers
	}
	return steps
}

// Len returns the number of steps, without building them.
func (tr *Trace) Len() int { return len(tr.recs) }

// Fingerprint returns a hash of the interleaving: which thread took which
// step, in order, regardless of the virtual times. Two runs with the same
// fingerprint interleaved the same way.
func (tr *Trace) Fingerprint() uint64 { return tr.fp }

// Preemptions returns how many times the schedule delayed a running thread
// that could have kept running.
func (tr *Trace) Preemptions() int {
	n := 0
	for _, s := range tr.recs {
		if s.kind == StepDelay {
			n++
		}
	}
	return n
}

// ThreadName returns the name of the thread with index i.
func (tr *Trace) ThreadName(i int) string {
	if i >= 0 && i < len(tr.threads) {
		return tr.threads[i].name()
	}
	return "?"
}

// record appends a step of thread th to the trace. For StepStart and
// StepWake, op is the other thread's name (see rec). It allocates nothing
// but the growth of the trace's slices: no Step and no string.
func (r *run) record(th *thread, kind StepKind, op string, obj Observable) {
	tr := r.trace
	if n := len(tr.times); (n == 0 && r.now != 0) || (n > 0 && tr.times[n-1].at != r.now) {
		tr.times = append(tr.times, stepTime{from: len(tr.recs), at: r.now})
	}
	s := rec{op: tr.opIndex(kind, op), arg: -1, object: -1, thread: int32(th.order), kind: kind}
	switch {
	case kind == StepDelay || kind == StepSleep:
		if tr.delays == nil {
			tr.delays = make([]time.Duration, 0, 16) // not 1, 2, 4, ...: a run that delays once delays often
		}
		s.arg = int32(len(tr.delays))
		tr.delays = append(tr.delays, 0)
	case obj != nil:
		snap := obj.Observe()
		s.object = int32(r.objectIndex(obj, snap.Kind))
		s.arg = int32(len(tr.snaps))
		tr.snaps = append(tr.snaps, snap)
	}
	tr.recs = append(tr.recs, s)
	tr.fp = fingerprintShort(tr.fp, th.order, kind, opPrefix(kind), op, tr.shorts[s.op])
}

// setDelay sets the Delay of the last recorded step, the delay or sleep
// just recorded.
func (r *run) setDelay(d time.Duration) {
	tr := r.trace
	tr.delays[tr.recs[len(tr.recs)-1].arg] = d
}

// The fingerprint is FNV-1a over (thread, kind, short op name) of every
// step, hashed as record appends the step (no second pass, no
// allocation): stable across processes, blind to virtual times and to a
// step's Delay, which point sets after recording it.
const (
	fnvOffset = uint64(14695981039346656037)
	fnvPrime  = 1099511628211
)

// fingerprintStep hashes one step: thread, kind, and the short name (after
// the last '/') of the Step's Op, prefix+op, without building that string.
// prefix (opPrefix) has no '/'.
func fingerprintStep(h uint64, thread int, kind StepKind, prefix, op string) uint64 {
	return fingerprintShort(h, thread, kind, prefix, op, op[strings.LastIndexByte(op, '/')+1:])
}

// fingerprintShort is fingerprintStep given short, the short name of op.
func fingerprintShort(h uint64, thread int, kind StepKind, prefix, op, short string) uint64 {
	h = (h ^ uint64(thread)) * fnvPrime
	h = (h ^ uint64(kind)) * fnvPrime
	if len(short) == len(op) { // the short name starts in prefix
		for i := 0; i < len(prefix); i++ {
			h = (h ^ uint64(prefix[i])) * fnvPrime
		}
	}
	for i := 0; i < len(short); i++ {
		h = (h ^ uint64(short[i])) * fnvPrime
	}
	return h
}

func (r *run) finishTrace() {
	tr := r.trace
	tr.Failure = r.failure
	tr.Duration = r.now
	tr.threads = r.threads
}

// String returns the readable timeline, one step a line: virtual time,
// thread, operation and state. A long trace keeps its head and its tail.
func (tr *Trace) String() string {
	var b strings.Builder
	steps := tr.Steps()
	fmt.Fprintf(&b, "interleaving %016x: %d steps, %d preemptions, %v virtual",
		tr.fp, len(steps), tr.Preemptions(), tr.Duration)
	if s := tr.Schedule.Short(ShortSchedule); s != "" {
		fmt.Fprintf(&b, ", schedule %q", s)
	}
	b.WriteByte('\n')
	limit := tr.limit
	if limit <= 0 {
		limit = len(steps)
	}
	head := min(20, limit/2)
	width := 10
	for i := range tr.threads {
		width = max(width, len(tr.ThreadName(i)))
	}
	for i, s := range steps {
		if len(steps) > limit && i >= head && i < len(steps)-(limit-head) {
			if i == head {
				fmt.Fprintf(&b, "  ... %d steps ...\n", len(steps)-limit)
			}
			continue
		}
		fmt.Fprintf(&b, "%6d %12v  %-*s  %s\n", i, s.At, width, tr.ThreadName(s.Thread), tr.describe(s))
	}
	return b.String()
}

func (tr *Trace) describe(s Step) string {
	var op string
	switch s.Kind {
	case StepPoint:
		op = s.Op[strings.LastIndexByte(s.Op, '/')+1:]
	case StepStart, StepWake:
		op = s.Op
	case StepExit:
		op = "exit"
	case StepBlock:
		op = "blocks on " + s.Op
	case StepTimeout:
		op = "times out on " + s.Op
	case StepSleep:
		op = "sleep " + s.Delay.String()
	case StepPanic:
		op = "panics: " + s.Op
	case StepDelay:
		op = "preempted for " + s.Delay.String()
		if s.Delay == 0 {
			op = "yields"
		}
	}
	if s.State != nil {
		op = fmt.Sprintf("%-22s %s", op, tr.state(s))
	}
	return op
}

// state prints a step's primitive and its state: Lock#1{locked waiters=1}.
func (tr *Trace) state(s Step) string {
	st := s.State
	name := st.Kind
	if s.Object >= 0 && s.Object < len(tr.Objects) {
		name = tr.Objects[s.Object].Name
	}
	var parts []string
	if st.State != "" {
		parts = append(parts, st.State)
	}
	if st.Owner != 0 {
		owner := "?"
		for _, th := range tr.threads {
			if th.gid == st.Owner {
				owner = th.name()
			}
		}
		parts = append(parts, "owner="+owner)
	}
	if st.Waiters != 0 {
		parts = append(parts, "waiters="+strconv.Itoa(st.Waiters))
	}
	return name + "{" + strings.Join(parts, " ") + "}"
}

func itoa(n int) string { return strconv.Itoa(n) }

// Threads returns how many threads the run had (the main thread is 0).
func (tr *Trace) Threads() int { return len(tr.threads) }

// ThreadDaemon reports whether the thread with index i was a daemon.
func (tr *Trace) ThreadDaemon(i int) bool {
	return i >= 0 && i < len(tr.threads) && tr.threads[i].daemon
}

// ThreadMain reports whether the thread with index i was a main thread.
func (tr *Trace) ThreadMain(i int) bool {
	return i >= 0 && i < len(tr.threads) && tr.threads[i].isMain
}

// OwnerName returns the name of the thread whose goroutine id is gid, ""
// for none: how a Snapshot's Owner is printed.
func (tr *Trace) OwnerName(gid int64) string {
	if gid == 0 {
		return ""
	}
	for _, th := range tr.threads {
		if th.gid == gid {
			return th.name()
		}
	}
	return "?"
}

// Line returns step i as String prints it, without the step number and
// the time: "thread  operation  state".
func (tr *Trace) Line(i int) string {
	s := tr.Steps()[i]
	return tr.ThreadName(s.Thread) + "  " + tr.describe(s)
}
