package interleave

import (
	"fmt"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// An Option changes how a run is explored. The zero Option (nil) is
// refused: every entry point panics with an error wrapping ErrBadOption.
type Option func(*settings)

// settings is a run's configuration: the scheduler's part and the choice
// of strategy.
type settings struct {
	sched.Config
	pctDepth, pctSteps int
	seed               uint64
	schedule           Schedule
	replay             bool
	pastTimers         bool
	noReduction        bool // Exhaustive enumerates every schedule (NoReduction)
	conservative       bool // Exhaustive's reduction: every failpoint without an object touches one memory (ConservativeReduction)
	saveTrace          bool // write a trace file for every run (SaveTrace)
	invariant          func() error
}

func newSettings(opts []Option) *settings {
	s := &settings{Config: *sched.NewConfig()}
	s.PassThrough = isRapidSignal
	for i, o := range opts {
		if o == nil {
			panic(fmt.Errorf("%w: option %d is nil", ErrBadOption, i))
		}
		o(s)
	}
	return s
}

// MaxSteps fails a run that takes more than n scheduling steps (default
// 200,000): a livelock or a busy spin is a report, never a hang. The
// default is tens of milliseconds of a run's time, so that a property
// whose every schedule livelocks still fails in seconds, shrinking
// included; the longest run of this repository (the tutorial's pipeline of
// 10,000 records, S01) takes under a third of it.
func MaxSteps(n int) Option {
	if n <= 0 {
		panic(fmt.Errorf("%w: MaxSteps(%d): the budget must be positive", ErrBadOption, n))
	}
	return func(s *settings) { s.MaxSteps = n }
}

// Invariant checks the state body leaves after every run: check is called
// in the caller's goroutine once the run ended, if it did not fail
// otherwise, and an error fails the run as a deadlock would (the error
// wraps ErrInvariant and check's error, and the trace is reported). Run,
// Explore, Exhaustive and Cover honour it. Under Explore it is also what
// lets the search for fewer preemptions (see Explore) judge a schedule
// whose run ends normally: a check the property makes after Explore
// returns is out of Explore's reach. body must reset the state it leaves,
// as it does for rapid's repeated cases. A nil check panics with
// ErrBadOption.
func Invariant(check func() error) Option {
	if check == nil {
		panic(fmt.Errorf("%w: Invariant(nil)", ErrBadOption))
	}
	return func(s *settings) { s.invariant = check }
}

// execute runs body once under st and applies the Invariant, if any.
func (s *settings) execute(body func(), st sched.Strategy) *Trace {
	tr := sched.Execute(body, &s.Config, st)
	s.checkInvariant(tr)
	return tr
}

// checkInvariant fails tr with the Invariant's error if its run ended
// without failing otherwise.
func (s *settings) checkInvariant(tr *Trace) {
	if s.invariant == nil || tr.Failure != nil {
		return
	}
	if err := s.invariant(); err != nil {
		tr.Failure = fmt.Errorf("%w: %w", ErrInvariant, err)
	}
}

// MaxSchedules stops Exhaustive after n schedules (default: no limit).
func MaxSchedules(n int) Option {
	if n <= 0 {
		panic(fmt.Errorf("%w: MaxSchedules(%d): the budget must be positive", ErrBadOption, n))
	}
	return func(s *settings) { s.MaxSchedules = n }
}

// DelayPastTimers makes Minimize enumerate, at every scheduling point where
// a sleep or a timeout is pending, one more preemption: delaying the
// running thread past the next pending wake-up (plus one Tick), so that
// timer races (a thread that is late for a deadline) are in reach. It
// multiplies the schedules of bodies that sleep. Exhaustive always
// enumerates these delays; the option changes nothing there.
func DelayPastTimers() Option { return func(s *settings) { s.pastTimers = true } }

// NoReduction makes Exhaustive enumerate every schedule within the bound,
// without partial-order reduction: the search the reduced one is measured
// and checked against. It runs many more schedules on the same body.
func NoReduction() Option { return func(s *settings) { s.noReduction = true } }

// ConservativeReduction coarsens Exhaustive's reduction: every failpoint
// hit without an object conflicts with every other, whatever their names,
// instead of only with hits of the same name. The default relation takes a
// failpoint's name for the memory the code around it touches, so it is
// sound only when the names partition that memory: code around two
// failpoints of different names must not touch the same variables. Use
// this option when they do (a writer's "seq-write" and a reader's
// "seq-read" around the same counter) and the search must cover every
// order of those accesses; it runs more schedules (the seqlock kernel at
// bound 2: 993 instead of 238, of 2071 unreduced).
func ConservativeReduction() Option { return func(s *settings) { s.conservative = true } }

// ExpectPanics lets a thread's panic end only that thread: the property
// reads it from Thread.Err instead of the run failing.
func ExpectPanics() Option { return func(s *settings) { s.ExpectPanics = true } }

// StrictExit makes it a failure for body to return while a non-daemon
// thread is alive (by default the main thread waits for them, as Python's
// interpreter does at exit).
func StrictExit() Option { return func(s *settings) { s.StrictExit = true } }

// TraceLimit bounds how many steps Trace.String prints (default 400; the
// first and the last are kept). 0 prints every step.
func TraceLimit(n int) Option {
	if n < 0 {
		panic(fmt.Errorf("%w: TraceLimit(%d) < 0", ErrBadOption, n))
	}
	return func(s *settings) { s.TraceLimit = n }
}

// PCT schedules with Probabilistic Concurrency Testing (Burckhardt et al.,
// ASPLOS 2010) of the given depth, for runs of about steps scheduling
// choices. Every thread gets a priority when first seen and the
// highest-priority ready thread runs; depth d places exactly d-1 priority
// change points (fewer only when two fall on the same choice or past the
// run's end), and at each the running thread drops below every other
// thread: one preemption each. So a bug that needs k preemptions needs
// depth d = k+1, and PCT(1, n) never preempts (it only orders threads by
// priority). A run finds a bug of depth d among n threads and k steps with
// probability at least 1/(n·k^(d-1)).
//
// Under Explore every PCT choice (change points and priorities) is drawn
// from the rapid.T, so a PCT failure replays from its seed and rapid
// shrinks it towards fewer change points; under Run the choices come from
// Seed.
func PCT(depth, steps int) Option {
	if depth < 1 || steps < 1 {
		panic(fmt.Errorf("%w: PCT(depth %d, steps %d): both must be >= 1", ErrBadOption, depth, steps))
	}
	return func(s *settings) { s.pctDepth, s.pctSteps = depth, steps }
}

// Seed seeds the PCT strategy of Run.
func Seed(seed uint64) Option { return func(s *settings) { s.seed = seed } }

// Replay runs a fixed schedule (as printed in a trace's header, parsed by
// ParseSchedule); past its end every choice is 0. Run without Replay runs
// the all-zero schedule: each thread keeps running until it blocks, sleeps
// or ends, which is how the scenarios' Examples print deterministically.
//
// Replay panics with an error wrapping ErrBadOption if a choice of s is
// negative or above MaxChoice (the largest delay code, YieldCode).
func Replay(s Schedule) Option {
	if err := s.Check(); err != nil {
		panic(fmt.Errorf("Replay: %w", err))
	}
	s = append(Schedule(nil), s...) // the caller may reuse its slice
	return func(st *settings) { st.schedule, st.replay = s, true }
}

// strategy returns the strategy the settings ask for under Run (and under
// Explore when they ask for a replay).
func (s *settings) fixedStrategy() sched.Strategy {
	if s.pctDepth > 0 {
		return sched.NewPCT(s.pctDepth, s.pctSteps, s.seed)
	}
	return sched.NewFixed(s.schedule)
}

// Watchdog bounds the wall-clock time a thread may run between two
// scheduling points (default 3 s). Only interleave's primitives, the
// Go-native swap-ins and failpoints.Hit are scheduling points: a thread
// that blocks on a Go channel, a sync.Mutex, a sync.WaitGroup, or spins in
// a loop with none of them, would hang the run. A goroutine parked in such
// an operation, or sleeping in time.Sleep on the wall clock, is seen within
// a few milliseconds; a running one after d.
// The run then fails with an error wrapping ErrBlockedOutside that names
// the thread and where it is (its state and innermost frame), and the
// other threads unwind. Go cannot stop a goroutine: the stuck one is
// abandoned, no longer a thread of the run, and stays blocked until what
// blocks it lets it go.
func Watchdog(d time.Duration) Option {
	if d <= 0 {
		panic(fmt.Errorf("%w: Watchdog(%v): the bound must be positive", ErrBadOption, d))
	}
	return func(s *settings) { s.Watchdog = d }
}

// AllowUnmanaged accepts goroutines that a run starts with a plain go
// statement (directly or deep in called code) instead of goroutine.Go or a
// primitives.Thread: those goroutines run unexplored. They run in parallel
// with the baton holder on real time; the explorer neither schedules them
// nor sees what they do, and the primitives they use run in real mode (a
// wake of a model thread from one of them is still misuse). Without this
// option such a goroutine fails the run with an error wrapping ErrUnmanaged
// that names where it was started (see the package doc, "What the explorer
// sees").
func AllowUnmanaged() Option { return func(s *settings) { s.AllowUnmanaged = true } }
