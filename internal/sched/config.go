package sched

import "time"

// Config is a run's settings, filled in by the root package's options.
type Config struct {
	MaxSteps     int  // a run fails after this many scheduling steps
	MaxSchedules int  // Exhaustive stops after this many schedules (0: no limit)
	ExpectPanics bool // a thread's panic ends only that thread
	StrictExit   bool // the main thread may not return while non-daemon threads live
	TraceLimit   int  // steps Trace.String prints (0: all)

	// Watchdog bounds the wall-clock time a thread may run between two
	// scheduling points (0: DefaultWatchdog); see watchdog.go.
	Watchdog time.Duration

	// AllowUnmanaged accepts goroutines started inside the run that the
	// run does not manage (unmanaged.go): they run unexplored.
	AllowUnmanaged bool

	// ConfirmByReplay says the body may be run again with the same
	// schedule (it is deterministic apart from the schedule and sets up
	// its own state, as Exhaustive and Minimize require): a run in
	// which goroutines were created that no check could account for is
	// then replayed at once under Go's execution tracer, which tells
	// whether its threads started them (confirm.go). Without it, the next
	// runs of the same body are traced instead.
	ConfirmByReplay bool

	// ThreadGoexit, if set, is called in a thread other than the main one
	// that ended with runtime.Goexit (t.FailNow of a *testing.T ends the
	// calling goroutine so); a non-nil error fails the run.
	ThreadGoexit func(thread string) error

	// PassThrough reports the panic values that must reach the caller of
	// the run unchanged, even under ExpectPanics (rapid's signals).
	PassThrough func(v any) bool
}

// NewConfig returns the default settings.
func NewConfig() *Config { return &Config{MaxSteps: 200_000, TraceLimit: 400} }
