package failpoints

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Observable is implemented by the primitives so that a trace step shows
// the state that matters at that step.
type Observable interface {
	// Observe returns the primitive's state. The explorer calls it only
	// from the thread holding the baton.
	Observe() Snapshot
}

// A Snapshot is a primitive's state as a trace line shows it. Fields that
// do not apply stay zero and are not printed.
type Snapshot struct {
	Kind    string // "Lock", "RLock", "Queue", ...
	Locked  bool   // a lock is held, an event is set, a thread is alive
	Owner   int64  // goroutine id of an RLock's owner; 0 for none
	Depth   int    // an RLock's recursion depth
	Waiters int    // threads parked on the primitive
	Size    int    // a queue's length, a semaphore's value, a barrier's count
}

// StepKind says what a trace step is.
type StepKind uint8

// The kinds of trace step.
const (
	stepPoint   StepKind = iota // a failpoint hit
	stepStart                   // a thread started another
	stepExit                    // a thread ended
	stepBlock                   // a thread parked on an operation
	stepWake                    // a thread woke another
	stepTimeout                 // a parked thread's deadline passed
	stepSleep                   // a thread slept on the virtual clock
	stepDelay                   // the schedule delayed a thread (a preemption)
)

// A Step is one line of a trace.
type Step struct {
	At     time.Duration // virtual time since the run started
	Thread int           // index of the thread, in start order (0 is main)
	Kind   StepKind
	Op     string        // failpoint name or operation
	Delay  time.Duration // for a sleep or a delay
	State  *Snapshot     // nil when the step has no primitive
}

// A Trace is the record of one model run: one step per scheduling point,
// the choices the strategy made, and how the run ended.
type Trace struct {
	Steps    []Step
	Schedule Schedule // every choice made, in order; replays the run with Replay
	Failure  error    // nil for a clean run
	Duration time.Duration

	threads []*thread // the run's threads, for names (resolved when printed)
	limit   int
	fp      uint64

	panicValue any // what a thread panicked with, for Explore to re-panic
}

// Fingerprint returns a hash of the interleaving: which thread took which
// step, in order, regardless of the virtual times. Two runs with the same
// fingerprint interleaved the same way.
func (tr *Trace) Fingerprint() uint64 { return tr.fp }

// Preemptions returns how many times the schedule delayed a running thread
// that could have kept running.
func (tr *Trace) Preemptions() int {
	n := 0
	for _, s := range tr.Steps {
		if s.Kind == stepDelay {
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

func (r *run) record(th *thread, kind StepKind, op string, obj Observable) {
	s := Step{At: r.now, Thread: th.order, Kind: kind, Op: op}
	if obj != nil {
		snap := obj.Observe()
		s.State = &snap
	}
	r.trace.Steps = append(r.trace.Steps, s)
}

func (r *run) finishTrace() {
	tr := r.trace
	tr.Failure = r.failure
	tr.Duration = r.now
	tr.threads = r.threads
	// FNV-1a over (thread, kind, short op name) of every step: stable
	// across processes, blind to virtual times.
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, s := range tr.Steps {
		h = (h ^ uint64(s.Thread)) * prime
		h = (h ^ uint64(s.Kind)) * prime
		op := s.Op[strings.LastIndexByte(s.Op, '/')+1:]
		for i := 0; i < len(op); i++ {
			h = (h ^ uint64(op[i])) * prime
		}
	}
	tr.fp = h
}

// String returns the readable timeline, one step a line: virtual time,
// thread, operation and state. A long trace keeps its head and its tail.
func (tr *Trace) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "interleaving %016x: %d steps, %d preemptions, %v virtual",
		tr.fp, len(tr.Steps), tr.Preemptions(), tr.Duration)
	if s := tr.Schedule.String(); s != "" {
		fmt.Fprintf(&b, ", schedule %q", s)
	}
	b.WriteByte('\n')
	limit := tr.limit
	if limit <= 0 {
		limit = len(tr.Steps)
	}
	head := min(20, limit/2)
	width := 10
	for i := range tr.threads {
		width = max(width, len(tr.ThreadName(i)))
	}
	for i, s := range tr.Steps {
		if len(tr.Steps) > limit && i >= head && i < len(tr.Steps)-(limit-head) {
			if i == head {
				fmt.Fprintf(&b, "  ... %d steps ...\n", len(tr.Steps)-limit)
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
	case stepPoint:
		op = s.Op[strings.LastIndexByte(s.Op, '/')+1:]
	case stepStart, stepWake:
		op = s.Op
	case stepExit:
		op = "exit"
	case stepBlock:
		op = "blocks on " + s.Op
	case stepTimeout:
		op = "times out on " + s.Op
	case stepSleep:
		op = "sleep " + s.Delay.String()
	case stepDelay:
		op = "preempted for " + s.Delay.String()
		if s.Delay == 0 {
			op = "yields"
		}
	}
	if s.State != nil {
		op = fmt.Sprintf("%-22s %s", op, tr.state(s.State))
	}
	return op
}

func (tr *Trace) state(st *Snapshot) string {
	var parts []string
	if st.Locked {
		switch st.Kind { // the one flag means what the kind makes of it
		case "Thread", "Timer":
			parts = append(parts, "alive")
		case "Event":
			parts = append(parts, "set")
		default:
			parts = append(parts, "locked")
		}
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
	if st.Depth != 0 {
		parts = append(parts, "depth="+strconv.Itoa(st.Depth))
	}
	if st.Waiters != 0 {
		parts = append(parts, "waiters="+strconv.Itoa(st.Waiters))
	}
	if st.Size != 0 {
		parts = append(parts, "size="+strconv.Itoa(st.Size))
	}
	return st.Kind + "{" + strings.Join(parts, " ") + "}"
}

// A Schedule is the list of choices a strategy made in a run, in order: for
// each scheduling point with a choice, the delay code (0: keep running), and
// for each tie, the index of the thread chosen. Replay(s) runs it again.
type Schedule []int

// String returns the schedule in its compact form: the positions of its
// non-zero choices, "index:value" separated by spaces ("" for all zeros).
func (s Schedule) String() string {
	var parts []string
	for i, v := range s {
		if v != 0 {
			parts = append(parts, strconv.Itoa(i)+":"+strconv.Itoa(v))
		}
	}
	return strings.Join(parts, " ")
}

// ParseSchedule reads the compact form that Schedule.String prints.
func ParseSchedule(text string) (Schedule, error) {
	var s Schedule
	for _, f := range strings.Fields(text) {
		i, v, ok := strings.Cut(f, ":")
		idx, err1 := strconv.Atoi(i)
		val, err2 := strconv.Atoi(v)
		if !ok || err1 != nil || err2 != nil || idx < 0 || val < 0 {
			return nil, fmt.Errorf("%w: schedule entry %q is not index:value", ErrBadOption, f)
		}
		for len(s) <= idx {
			s = append(s, 0)
		}
		s[idx] = val
	}
	return s, nil
}
