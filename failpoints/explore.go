package failpoints

import (
	"fmt"
	"reflect"
	"sync/atomic"

	"pgregory.net/rapid"
)

// An Option changes how a run is explored.
type Option func(*config)

type config struct {
	maxSteps     int
	maxSchedules int
	expectPanics bool
	strictExit   bool
	traceLimit   int
	pctDepth     int
	pctSteps     int
	seed         uint64
	schedule     Schedule
	replay       bool
}

func newConfig(opts []Option) *config {
	c := &config{maxSteps: 1_000_000, traceLimit: 400}
	for _, o := range opts {
		o(c)
	}
	return c
}

// MaxSteps fails a run that takes more than n scheduling steps (default
// 1,000,000): a livelock or a busy spin is a report, never a hang.
func MaxSteps(n int) Option {
	if n <= 0 {
		panic(fmt.Errorf("%w: MaxSteps(%d): the budget must be positive", ErrBadOption, n))
	}
	return func(c *config) { c.maxSteps = n }
}

// MaxSchedules stops Exhaustive after n schedules (default: no limit).
func MaxSchedules(n int) Option {
	if n <= 0 {
		panic(fmt.Errorf("%w: MaxSchedules(%d): the budget must be positive", ErrBadOption, n))
	}
	return func(c *config) { c.maxSchedules = n }
}

// ExpectPanics lets a thread's panic end only that thread: the property
// reads it from Thread.Err instead of the run failing.
func ExpectPanics() Option { return func(c *config) { c.expectPanics = true } }

// StrictExit makes it a failure for body to return while a non-daemon
// thread is alive (by default the main thread waits for them, as Python's
// interpreter does at exit).
func StrictExit() Option { return func(c *config) { c.strictExit = true } }

// TraceLimit bounds how many steps Trace.String prints (default 400; the
// first and the last are kept). 0 prints every step.
func TraceLimit(n int) Option {
	if n < 0 {
		panic(fmt.Errorf("%w: TraceLimit(%d) < 0", ErrBadOption, n))
	}
	return func(c *config) { c.traceLimit = n }
}

// PCT schedules with Probabilistic Concurrency Testing of the given depth
// (number of ordering constraints of the bug sought, >= 1), for runs of
// about steps scheduling points. Under Explore its seed is drawn from the
// rapid.T; under Run it comes from Seed. A run finds a bug of depth d among
// n threads and k steps with probability at least 1/(n·k^(d-1)).
func PCT(depth, steps int) Option {
	if depth < 1 || steps < 1 {
		panic(fmt.Errorf("%w: PCT(depth %d, steps %d): both must be >= 1", ErrBadOption, depth, steps))
	}
	return func(c *config) { c.pctDepth, c.pctSteps = depth, steps }
}

// Seed seeds the PCT strategy of Run.
func Seed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// Replay runs a fixed schedule (as printed in a trace's header, parsed by
// ParseSchedule); past its end every choice is 0. Run without Replay runs
// the all-zero schedule: each thread keeps running until it blocks, sleeps
// or ends, which is how the scenarios' Examples print deterministically.
func Replay(s Schedule) Option {
	return func(c *config) { c.schedule, c.replay = s, true }
}

// RunError is the error of a failed model run; its message includes the
// trace.
type RunError struct{ Trace *Trace }

// Error returns the failure and the trace of the failing run.
func (e *RunError) Error() string { return fmt.Sprintf("%v\n%s", e.Trace.Failure, e.Trace) }

// Unwrap returns the run's failure (wrapping ErrDeadlock, ErrStepBudget,
// ErrThreadPanic, ...).
func (e *RunError) Unwrap() error { return e.Trace.Failure }

// Explore runs body as the main thread of one model run; every thread body
// starts is managed; each scheduling choice is drawn from t. A deadlock, a
// step budget exceeded, or a panic in any thread fails t with the trace
// (ExpectPanics lets a property read a thread's panic from Thread.Err
// instead). The same t replays the same trace, byte for byte.
func Explore(t *rapid.T, body func(), opts ...Option) *Trace {
	t.Helper()
	cfg := newConfig(opts)
	var st strategy = rapidStrategy{t: t}
	switch {
	case cfg.replay:
		st = &fixedStrategy{s: cfg.schedule}
	case cfg.pctDepth > 0:
		st = newPCT(cfg.pctDepth, cfg.pctSteps, rapid.Uint64().Draw(t, "pct seed"))
	}
	tr := execute(body, cfg, st)
	if hunting.Load() > 0 {
		huntTraces.Store(t, tr)
	}
	if tr.Failure == nil {
		return tr
	}
	if v := tr.panicValue; isRapidSignal(v) {
		if reflect.TypeOf(v).Name() == "stopTest" {
			t.Logf("%s", tr) // a failed assertion: show the interleaving that broke it
			repanicFailure(v)
		}
		repanicInvalid(v)
	}
	t.Fatalf("%v\n%s", tr.Failure, tr)
	return tr
}

// Run runs body as the main thread of one model run under a fixed schedule
// (the all-zero one unless Replay says otherwise) or PCT, and returns the
// trace and, if the run failed, a *RunError.
func Run(body func(), opts ...Option) (*Trace, error) {
	cfg := newConfig(opts)
	var st strategy = &fixedStrategy{s: cfg.schedule}
	if cfg.pctDepth > 0 {
		st = newPCT(cfg.pctDepth, cfg.pctSteps, cfg.seed)
	}
	tr := execute(body, cfg, st)
	if tr.Failure != nil {
		return tr, &RunError{Trace: tr}
	}
	return tr, nil
}

// stepsHint sizes a new trace's step slice: the most steps a recent run
// took, up to maxStepsHint, so that appending rarely copies.
var stepsHint atomic.Int64

const maxStepsHint = 4096

func execute(body func(), cfg *config, st strategy) *Trace {
	if self() != nil {
		panic(fmt.Errorf("%w: Explore or Run called inside a model run", ErrMisuse))
	}
	r := &run{
		strategy: st,
		cfg:      cfg,
		trace:    &Trace{limit: cfg.traceLimit, Steps: make([]Step, 0, stepsHint.Load())},
		finished: make(chan struct{}),
	}
	r.start(body)
	if n := int64(len(r.trace.Steps)); n > stepsHint.Load() && n <= maxStepsHint {
		stepsHint.Store(n) // the next run of the same property will need about as many
	}
	r.finishTrace()
	r.trace.panicValue = r.panicVal
	return r.trace
}

// ThreadPanicked is called by a thread wrapper that recovered a panic from
// its target (value v, stack trace stack). In a model run it fails the run
// unless the run expects panics; rapid's own signals always reach rapid.
func ThreadPanicked(v any, stack []byte) {
	th := self()
	if th == nil {
		return
	}
	r := th.run
	if r.cfg.expectPanics && !isRapidSignal(v) {
		return
	}
	r.fail(panicError(th, v, string(stack)), v)
}

// rapid's shrinker tells failures apart by the traceback of their panic,
// so a failed assertion and an "overrun" of a shrunk draw buffer must not
// be re-panicked from the same line: each kind has its own function.

//go:noinline
func repanicFailure(v any) { panic(v) }

//go:noinline
func repanicInvalid(v any) { panic(v) }
