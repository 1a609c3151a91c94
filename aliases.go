package interleave

import (
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Trace is the record of one model run: one Step per scheduling point,
// the primitives the steps name, the choices the strategy made (its
// Schedule), and how the run ended. Trace.String is the readable timeline;
// Fingerprint identifies the interleaving; Preemptions counts the delays
// the schedule imposed.
type Trace = sched.Trace

// A Step is one line of a trace: the virtual instant, the thread (by start
// order, 0 is the main thread), what happened, and the primitive's state.
type Step = sched.Step

// StepKind says what a Step is.
type StepKind = sched.StepKind

// The kinds of trace step.
const (
	StepPoint   = sched.StepPoint   // a failpoint hit
	StepStart   = sched.StepStart   // a thread started another
	StepExit    = sched.StepExit    // a thread ended
	StepBlock   = sched.StepBlock   // a thread parked on an operation
	StepWake    = sched.StepWake    // a thread woke another
	StepTimeout = sched.StepTimeout // a parked thread's deadline passed
	StepSleep   = sched.StepSleep   // a thread slept on the virtual clock
	StepDelay   = sched.StepDelay   // the schedule delayed a thread (a preemption)
	StepPanic   = sched.StepPanic   // a thread's target panicked
)

// An Object is a primitive a trace names: its kind and its name in the run
// ("Lock#2", or the name given with Name).
type Object = sched.Object

// A Schedule is the list of choices a strategy made in a run, in order: for
// each scheduling point with a choice, the delay code (0: keep running), and
// for each tie, the index of the thread chosen. Replay(s) runs it again;
// String and ParseSchedule convert it to and from its compact text form.
type Schedule = sched.Schedule

// ParseSchedule reads the compact form that Schedule.String prints
// ("index:code" pairs separated by spaces). It refuses, with an error
// wrapping ErrBadOption, an entry that is not two unsigned decimal numbers,
// an index given twice or at or above MaxScheduleLen, and a code above
// MaxChoice.
func ParseSchedule(text string) (Schedule, error) { return sched.ParseSchedule(text) }

// MaxScheduleLen bounds a parsed schedule: ParseSchedule refuses an index
// at or above it (1<<20), so a typo cannot allocate gigabytes.
const MaxScheduleLen = sched.MaxScheduleLen

// MaxChoice is the largest choice a Schedule may hold (the yield delay
// code); Replay and ParseSchedule refuse larger and negative ones.
const MaxChoice = sched.MaxChoice

// Coverage counts the schedules a property ran and the distinct
// interleavings (trace fingerprints) they covered. It is safe for
// concurrent use.
type Coverage = sched.Coverage

// Tick is the smallest virtual delay the explorer draws: one step of a
// preemption that lets another thread run first.
const Tick = sched.Tick

// Name gives obj (a primitive, or any failpoints.Observable) a name in the
// traces of the calling model run: its steps show the name instead of the
// Kind#N ordinal. Outside a run it does nothing.
func Name(obj failpoints.Observable, name string) { sched.Name(obj, name) }
