// Package interleave model-checks concurrent Go code: it runs a body many
// times, each time under a different interleaving of its threads on a
// virtual clock, and reports the interleaving that breaks a property as a
// readable, replayable trace.
//
// # A run
//
// [Explore] runs body as the main thread of one model run. Every thread the
// body starts (a primitives.Thread, a Timer) belongs to the run, and exactly
// one of them runs at a time: it holds the baton until it reaches a
// scheduling point. At each scheduling point the strategy chooses a virtual
// delay for the running thread (0: keep running); the ready thread with the
// earliest ready time runs next, ties going to the thread already running
// and then to the thread started first. Time is virtual: a Sleep or a
// timeout takes no wall time, and when no thread is ready the clock jumps
// to the earliest pending wake-up. When nothing is left to wake, the run is
// a deadlock, and the report names every thread, what it holds, what it
// waits on and who holds that, and each cycle of the waits-for graph.
//
// Under Explore each choice is drawn from a [rapid.T], so the draws are the
// schedule: rapid's seed or fail file replays the same interleaving, byte
// for byte, and rapid's shrinker shrinks a failing schedule towards fewer
// and shorter preemptions. [Run] runs one fixed schedule (the all-zero one,
// or [Replay] of a printed one, or [PCT]); [Exhaustive] enumerates every
// schedule of a small body up to a preemption bound; [Hunt] runs a property
// and records, instead of failing, whether and where it broke: it is how a
// test asserts that a deliberate bug is found.
//
// # What the explorer sees
//
// A run is explored only where it passes through a scheduling point:
//
//   - every blocking or state-changing operation of the primitives package
//     (Lock, RLock, Condition, Event, Semaphore, Barrier, Queue, Thread,
//     Timer, Sleep);
//   - every operation of the Go-native swap-ins: the sync, chans, goroutine,
//     time and context packages of this module (see the README's porting
//     guide);
//   - every failpoints.Hit, the user's own preemption point;
//   - thread start and exit, and the virtual clock.
//
// Everything else is invisible to it: Go's own sync package, channels,
// select, go statements, time.Sleep, I/O, a busy loop. Code between two
// scheduling points runs atomically in every schedule, so a read and a
// write with no scheduling point between them are never interleaved. A
// thread that blocks in something the explorer cannot see holds the baton:
// the watchdog (see Watchdog) fails the run with ErrBlockedOutside, naming
// the thread and where it is blocked, within milliseconds for a channel
// operation, a sync lock or a wall-clock time.Sleep (a run's time is
// virtual; a sleep shorter than the watchdog's first look, about 4 ms, goes
// unseen), and after the bound for a busy loop.
//
// A goroutine started with a plain go statement inside a run (by a thread,
// directly or deep in code it calls) is not one of the run's threads: it
// runs in parallel with them, on real time, and nothing it does is
// explored. Such a goroutine fails the run with ErrUnmanaged, naming the
// function it runs and where it was started ("started by file.go:42 (in
// pkg.f), not managed by the explorer"), unless the run is given
// AllowUnmanaged; goroutine.Go and primitives.Thread start managed ones.
// Every thread of a run carries a profiler label that the runtime copies
// to the goroutines it starts, so a labelled goroutine that is not a thread
// is uncontrolled. It is seen:
//
//   - at once, when it calls into the explorer (a primitive, a swap-in, a
//     failpoints.Hit);
//   - when it is alive at a hand-off of the baton at which the number of
//     live goroutines rose since the previous hand-off, at the run's end,
//     at a deadlock and when the watchdog fails the run (whose report then
//     names it too). A goroutine profile is taken only when the count of
//     goroutines created moved since the last check (the number of live
//     goroutines before Go 1.26), so a passing run pays nanoseconds;
//   - when it ended before any of those looked (a go statement whose
//     goroutine does some memory work and is joined by a sync.WaitGroup or
//     spun on): the run's count of goroutines created moved, but other
//     tests, the testing package and the runtime create goroutines too, so
//     the run is confirmed by Go's execution tracer, which records who ran
//     each go statement. Exhaustive and Minimize replay the run at once
//     with its schedule, traced (their body is deterministic apart from
//     the schedule and sets up its own state); Explore and Run never run a
//     body twice (a property or a caller may count on one run), and trace
//     the body's next runs instead, so such a property fails by its second
//     schedule (or the first traced one that starts the goroutine), and a
//     second Run of the body fails. The report names the
//     thread, the go statement and the step after which the thread ran it
//     ("started by Thread-1 at file.go:42 (in pkg.f) after step 3 (Thread-1
//     point x) and before its next scheduling point ... it ended before the
//     explorer could see it"). Once a body's code is known to start one,
//     every suspicious run of it is confirmed, so a schedule fails every
//     time it runs (rapid's shrinking included). Measured: 0 of 200 runs of
//     such probes failed before; every run does now, at about 3 ms of CPU
//     for each confirmation, which a passing run in a quiet process never
//     pays. A confirmation that finds nothing (another test created the
//     goroutines) makes that body's next ones rarer, down to one suspicious
//     run in 64.
//
// It cannot see: under that back-off, a body whose go statement runs only
// in rare schedules, while other tests create goroutines all along; the
// first schedule of such a body under Explore (the next one is traced);
// the function of a time.AfterFunc (the runtime starts its goroutine); a
// run the tracer cannot record (while another runtime/trace.FlightRecorder
// is active; go test -trace is fine). A goroutine of code that replaces the
// labels it inherited (pprof.SetGoroutineLabels, or pprof.Do with a context
// that does not carry them) is seen only through the tracer. A rapid
// t.Fatalf in an uncontrolled goroutine is a panic outside any thread and
// ends the test binary, as in any Go program.
//
// Data races between threads of one model run are invisible to the race
// detector: the baton orders every step, so -race sees a happens-before
// edge between any two of them. Race demos therefore run in real mode.
//
// # Replaying a failure
//
// A failing property prints rapid's replay command (-rapid.seed or
// -rapid.failfile) and the trace, whose header gives the schedule in its
// compact form ("12:230 31:1"): Run(body, Replay(s)) with the schedule from
// [ParseSchedule] runs that interleaving again, outside rapid.
//
// # Isolation
//
// Each run has its own threads, clock and thread registry. A primitive may
// serve one run after another, but not two live runs at once (parallel
// tests must not share one): the run that parks on a primitive another
// live run is using fails with an error wrapping ErrMisuse, as does a run
// whose parked thread is woken by a goroutine outside it. Neither hangs
// nor leaves the primitive locked.
package interleave
