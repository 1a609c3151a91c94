package scenarios

// S17 race: "race condition" in the tutorial's section on threads and
// processes ("if several threads access the same data, the order of access
// may make the result inconsistent: a race condition"). The tutorial shows
// no code; the port is the classic demonstration: N threads each increment
// a shared counter k times.
//
//   - Race is the correct version: each increment (read, then write) holds a
//     Lock, so the counter ends at N*k on every schedule.
//   - ReadThenWriteCounter reads the counter, reaches a scheduling point
//     (failpoints.ScenarioReadWrite) and writes back what it read plus one,
//     without a lock: a thread preempted between its read and its write
//     overwrites the increments made meanwhile. The counter itself is an
//     atomic, so this is a race condition (lost updates) without being a
//     data race, and the explorer finds it with one preemption.
//   - UnsyncCounter is the data race itself: real goroutines incrementing a
//     plain int with no synchronisation at all, which the race detector
//     reports. Call it in a child process under -race only (properties does
//     so); the default tests never do.
//
// Go differs from the Python of the tutorial in one way that matters here:
// with the GIL a Python "counter += 1" is still not atomic (the read and
// the write are separate bytecodes, and the GIL may switch between them),
// but Python has no data races in Go's sense; Go threads run truly in
// parallel, so an unsynchronised counter is undefined behaviour, not just a
// wrong count.

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// RaceConfig is the shape of S17: how many threads share the counter and
// how many times each increments it.
type RaceConfig struct {
	Threads    int // N, the threads that increment the counter (>= 1)
	Increments int // k, the increments each thread makes (>= 0)
}

// DefaultRaceConfig returns two threads of three increments each: small
// enough for the explorer to enumerate every schedule.
func DefaultRaceConfig() RaceConfig { return RaceConfig{Threads: 2, Increments: 3} }

func (c RaceConfig) validate() error {
	if c.Threads < 1 {
		return paramError("Threads", c.Threads, "at least one thread must increment the counter")
	}
	if c.Increments < 0 {
		return paramError("Increments", c.Increments, "must be >= 0")
	}
	return nil
}

// RaceResult is what S17 leaves behind.
type RaceResult struct {
	Counter int // the counter's final value
	Want    int // N*k, what a correct counter ends at
	Lost    int // Want - Counter: the increments that were overwritten
}

// Check reports whether r keeps S17's invariant for cfg, the one check the
// scenario's tests, property and demo share: CheckConsistent, and no
// update was lost (Counter == Want == N*k, Lost 0). Race keeps it on every
// schedule; ReadThenWriteCounter breaks it when a thread is preempted
// between its read and its write. Its error says "counter = N".
func (r RaceResult) Check(cfg RaceConfig) error {
	if err := r.CheckConsistent(cfg); err != nil {
		return err
	}
	if r.Lost != 0 {
		return fmt.Errorf("counter = %d (lost %d); want %d", r.Counter, r.Lost, r.Want)
	}
	return nil
}

// CheckConsistent reports whether r is a consistent count for cfg on any
// schedule, what even ReadThenWriteCounter keeps: Want is N*k, the counter
// never counts more than that and, with increments to make, at least one
// (the last write stands), and Lost is exactly what it counted less.
func (r RaceResult) CheckConsistent(cfg RaceConfig) error {
	want := cfg.Threads * cfg.Increments
	if r.Want != want || r.Counter > want || r.Lost != want-r.Counter || (want > 0 && r.Counter < 1) {
		return fmt.Errorf("counter = %d (want %d, lost %d); want counter in %d..%d, Want %d, Lost = %d - counter",
			r.Counter, r.Want, r.Lost, min(1, want), want, want, want)
	}
	return nil
}

func newRaceResult(counter int, cfg RaceConfig) RaceResult {
	want := cfg.Threads * cfg.Increments
	return RaceResult{Counter: counter, Want: want, Lost: want - counter}
}

// Race runs S17's correct version: cfg.Threads threads each increment a
// shared counter cfg.Increments times, every read-then-write inside a Lock.
// The counter ends at N*k on every schedule. It prints each thread's end
// and the final count.
func Race(w io.Writer, cfg RaceConfig) (RaceResult, error) {
	if err := cfg.validate(); err != nil {
		return RaceResult{}, err
	}
	var (
		lock    primitives.Lock
		counter int // guarded by lock
	)
	increment := func() {
		lock.Acquire()
		v := counter
		failpoints.Hit(failpoints.ScenarioReadWrite, nil) // harmless: nobody else may write now
		counter = v + 1
		lock.Release()
	}
	runCounterThreads(newTprinter(w), cfg, increment, func() int {
		lock.Acquire()
		defer lock.Release()
		return counter
	})
	lock.Acquire()
	defer lock.Release()
	return newRaceResult(counter, cfg), nil
}

// ReadThenWriteCounter is S17's deliberate bug: the same threads increment
// the counter by reading it, reaching failpoints.ScenarioReadWrite, then
// writing back what they read plus one, with no lock. It breaks when a
// thread is preempted between its read and its write and another thread
// increments meanwhile: the first thread's write overwrites those
// increments (Lost > 0). Under the all-zero schedule each thread runs its
// increments without being preempted and nothing is lost; the explorer
// finds the lost update with a single preemption.
func ReadThenWriteCounter(w io.Writer, cfg RaceConfig) (RaceResult, error) {
	if err := cfg.validate(); err != nil {
		return RaceResult{}, err
	}
	var counter atomic.Int64 // atomic so that the bug is a lost update, not a data race
	increment := func() {
		v := counter.Load()
		failpoints.Hit(failpoints.ScenarioReadWrite, nil) // BUG: another thread may write here
		counter.Store(v + 1)
	}
	runCounterThreads(newTprinter(w), cfg, increment, func() int { return int(counter.Load()) })
	return newRaceResult(int(counter.Load()), cfg), nil
}

// counterRun is one run of S17's threads around an increment function.
type counterRun struct {
	p         *tprinter
	cfg       RaceConfig
	increment func()     // one increment of the shared counter
	read      func() int // the counter's value
}

// runCounterThreads starts cfg.Threads threads that each call increment
// cfg.Increments times, joins them, and prints the counter (read with
// read).
func runCounterThreads(p *tprinter, cfg RaceConfig, increment func(), read func() int) {
	r := &counterRun{p: p, cfg: cfg, increment: increment, read: read}
	p.printf("start at: %s", p.stamp())
	threads := make([]*primitives.Thread, cfg.Threads)
	for i := range threads {
		threads[i] = primitives.NewThread(r.incrementer) // "Thread-N (incrementer)", as Python names it
	}
	for _, t := range threads {
		t.Start()
	}
	for _, t := range threads {
		t.Join()
	}
	p.printf("counter = %d; want %d", read(), cfg.Threads*cfg.Increments)
}

// incrementer is each thread's target: k increments.
func (r *counterRun) incrementer() {
	for range r.cfg.Increments {
		r.increment()
	}
	r.p.printf("%s done at: %s", primitives.CurrentThread().Name(), r.p.stamp())
}

// UnsyncCounter is S17's data race: cfg.Threads plain goroutines (not
// Threads, so no explorer manages them, even inside a model run) each
// increment a plain int cfg.Increments times with no synchronisation at
// all. The race detector reports it (go test -race); without -race, on a
// machine with more than one core, large counts usually lose updates. The
// default tests must not call it: properties runs it in a child process.
// It prints nothing but the final count.
func UnsyncCounter(w io.Writer, cfg RaceConfig) (RaceResult, error) {
	if err := cfg.validate(); err != nil {
		return RaceResult{}, err
	}
	counter := new(int)
	var wg sync.WaitGroup
	for range cfg.Threads {
		wg.Go(func() {
			for range cfg.Increments {
				*counter++ // BUG: a data race, by design
			}
		})
	}
	wg.Wait() // the goroutines' writes happen before this read; their writes race with each other
	p := newTprinter(w)
	p.printf("counter = %d; want %d", *counter, cfg.Threads*cfg.Increments)
	return newRaceResult(*counter, cfg), nil
}
