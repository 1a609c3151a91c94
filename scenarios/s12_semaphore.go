package scenarios

// S12 semaphore: the tutorial's list of the threading module's objects
// names Semaphore ("provides a structure like a waiting room for threads
// waiting for a lock"), BoundedSemaphore ("like Semaphore, but it may not
// exceed its initial value") and Timer ("like Thread, but it waits a while
// before it starts running"), with no code. The port gives each one a job:
//
//   - a pool of Slots slots guarded by a Semaphore (a BoundedSemaphore when
//     Bounded is set): each worker thread takes a slot, works, gives it back;
//     the threads that find no slot free wait in the semaphore's waiting
//     room. The result counts the most holders seen at once, which never
//     exceeds Slots;
//   - with ProbeOverRelease, once every worker is done, main gives back one
//     slot too many: a BoundedSemaphore refuses (the panic wraps
//     primitives.ErrOverRelease, recovered and returned in the result, and
//     the pool keeps its size), a plain Semaphore silently grows the pool;
//   - timers started at the beginning, each firing after its interval unless
//     main cancels it first.
//
// The deliberate bug, OverReleasedSemaphore, has every worker release its
// slot twice: the pool grows while slots are still held, and more than
// Slots workers hold a slot at once under some interleaving.
//
// Differences from Python: Python raises ValueError on a BoundedSemaphore's
// over-release; Go panics with an error wrapping ErrOverRelease, which the
// scenario recovers, since nothing in a scenario panics on user input.

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// SemaphoreConfig is the shape of S12.
type SemaphoreConfig struct {
	Slots            int           // N, the size of the pool (>= 1)
	Threads          int           // worker threads, each taking one slot once (>= 0)
	Work             time.Duration // how long a worker holds its slot (>= 0)
	Bounded          bool          // guard the pool with a BoundedSemaphore instead of a Semaphore
	ProbeOverRelease bool          // once the workers are done, main releases one slot too many
	Timers           []TimerSpec   // timers started at the beginning
}

// TimerSpec is one timer of S12.
type TimerSpec struct {
	Interval    time.Duration // the timer fires this long after it started (>= 0)
	CancelAfter time.Duration // main cancels it this long after the start; < 0: never
}

// DefaultSemaphoreConfig returns a pool of 2 slots for 4 workers of 1s each,
// guarded by a BoundedSemaphore that main then over-releases, and two
// timers: one fires at 2.5s, the other (due at 1.5s) is cancelled at 0.5s.
func DefaultSemaphoreConfig() SemaphoreConfig {
	return SemaphoreConfig{
		Slots: 2, Threads: 4, Work: time.Second, Bounded: true, ProbeOverRelease: true,
		Timers: []TimerSpec{
			{Interval: 2500 * time.Millisecond, CancelAfter: -1},
			{Interval: 1500 * time.Millisecond, CancelAfter: 500 * time.Millisecond},
		},
	}
}

func (c SemaphoreConfig) validate() error {
	switch {
	case c.Slots < 1:
		return paramError("Slots", c.Slots, "the pool needs at least one slot")
	case c.Threads < 0:
		return paramError("Threads", c.Threads, "must be >= 0")
	case c.Work < 0:
		return paramError("Work", c.Work, "must be >= 0")
	}
	for i, t := range c.Timers {
		if t.Interval < 0 {
			return paramError(fmt.Sprintf("Timers[%d].Interval", i), t.Interval, "must be >= 0")
		}
	}
	return nil
}

// TimerOutcome is what became of one timer of S12.
type TimerOutcome struct {
	Name        string
	Interval    time.Duration
	StartedAt   time.Duration // when main started it
	Cancelled   bool          // main called Cancel
	CancelledAt time.Duration // when
	Fired       int           // how many times its function ran (0 or 1)
	FiredAt     time.Duration // when it ran
}

// SemaphoreResult is what S12 leaves behind.
type SemaphoreResult struct {
	Slots      int
	MaxHolders int // the most workers holding a slot at once
	Acquired   int // slots taken (one per worker)
	Released   int // releases the workers made (and main's probe, if it was accepted)
	// FinalValue is the semaphore's value at the end: Slots when every
	// slot came back once, more when the pool grew.
	FinalValue int
	// OverRelease is the first over-release a BoundedSemaphore refused (it
	// wraps primitives.ErrOverRelease); nil when none was refused.
	OverRelease error
	Timers      []TimerOutcome
}

// Check reports whether r keeps S12's invariant for a Semaphore run of cfg
// on any schedule, the one check the scenario's tests and property share:
// CheckHolders; every worker took and gave back exactly one slot; the
// over-release probe was refused by a BoundedSemaphore (OverRelease wraps
// primitives.ErrOverRelease, the pool keeps its size) and silently grew a
// plain Semaphore by one, and nothing else was refused; and each timer
// fired at most once, never before its interval, always if it was not
// cancelled, and was cancelled exactly if cfg says so.
func (r SemaphoreResult) Check(cfg SemaphoreConfig) error {
	if err := r.CheckHolders(cfg); err != nil {
		return err
	}
	refused := cfg.ProbeOverRelease && cfg.Bounded
	accepted := cfg.ProbeOverRelease && !cfg.Bounded
	wantValue, wantReleased := cfg.Slots, cfg.Threads
	if accepted {
		wantValue++
		wantReleased++
	}
	switch {
	case r.Slots != cfg.Slots || r.Acquired != cfg.Threads:
		return fmt.Errorf("%d slots, %d taken; want %d, %d", r.Slots, r.Acquired, cfg.Slots, cfg.Threads)
	case r.Released != wantReleased:
		return fmt.Errorf("%d releases accepted; want %d", r.Released, wantReleased)
	case r.FinalValue != wantValue:
		return fmt.Errorf("final value %d; want %d", r.FinalValue, wantValue)
	case refused != errors.Is(r.OverRelease, primitives.ErrOverRelease) || (!refused && r.OverRelease != nil):
		return fmt.Errorf("over-release %v; want ErrOverRelease exactly for a bounded probe (bounded %v, probe %v)",
			r.OverRelease, cfg.Bounded, cfg.ProbeOverRelease)
	}
	if len(r.Timers) != len(cfg.Timers) {
		return fmt.Errorf("%d timers; want %d", len(r.Timers), len(cfg.Timers))
	}
	for i, o := range r.Timers {
		due := o.StartedAt + cfg.Timers[i].Interval
		switch {
		case o.Fired > 1:
			return fmt.Errorf("timer %d fired %d times; want at most once", i, o.Fired)
		case o.Fired == 1 && o.FiredAt < due:
			return fmt.Errorf("timer %d fired at %v; want no earlier than %v", i, o.FiredAt, due)
		case !o.Cancelled && o.Fired != 1:
			return fmt.Errorf("timer %d (not cancelled) fired %d times; want once", i, o.Fired)
		case o.Cancelled != (cfg.Timers[i].CancelAfter >= 0):
			return fmt.Errorf("timer %d cancelled = %v; want %v", i, o.Cancelled, cfg.Timers[i].CancelAfter >= 0)
		}
	}
	return nil
}

// CheckHolders reports whether r keeps S12's pool invariant for cfg, the
// part that OverReleasedSemaphore breaks (its demo's check): never more
// holders at once than slots (nor than workers), and at least one if there
// are workers. Its error says "max holders = N".
func (r SemaphoreResult) CheckHolders(cfg SemaphoreConfig) error {
	if hi := min(cfg.Slots, cfg.Threads); r.MaxHolders > hi || (cfg.Threads > 0 && r.MaxHolders < 1) {
		return fmt.Errorf("max holders = %d; want 1..%d (%d slots, %d workers)", r.MaxHolders, hi, cfg.Slots, cfg.Threads)
	}
	return nil
}

// CheckAllZero reports whether r's timers have S12's exact times under the
// all-zero schedule: a timer that fired did so exactly at its interval, and
// one cancelled before its interval ran out never fired. (On an explored
// schedule main may be delayed inside Cancel past the interval, after it
// noted the time of the cancel: the timer then fires first, legitimately.)
// It assumes Check's shape (one outcome per timer) and checks it too.
func (r SemaphoreResult) CheckAllZero(cfg SemaphoreConfig) error {
	if len(r.Timers) != len(cfg.Timers) {
		return fmt.Errorf("%d timers; want %d", len(r.Timers), len(cfg.Timers))
	}
	for i, o := range r.Timers {
		due := o.StartedAt + cfg.Timers[i].Interval
		switch {
		case o.Fired == 1 && o.FiredAt != due:
			return fmt.Errorf("timer %d fired at %v (all-zero schedule); want exactly %v", i, o.FiredAt, due)
		case o.Cancelled && o.CancelledAt < due && o.Fired != 0:
			return fmt.Errorf("timer %d cancelled at %v, before it was due at %v, fired (all-zero schedule); want never", i, o.CancelledAt, due)
		}
	}
	return nil
}

// slotPool is what S12 needs of Semaphore and BoundedSemaphore.
type slotPool interface {
	Acquire()
	Release()
	Value() int
}

// semRun is one run of S12.
type semRun struct {
	p      *tprinter
	cfg    SemaphoreConfig
	sem    slotPool
	double bool // release every slot twice (the deliberate bug)

	mu      sync.Mutex // guards everything below
	holders int
	res     SemaphoreResult
}

// Semaphore runs S12: cfg.Threads workers share a pool of cfg.Slots slots
// guarded by a Semaphore (BoundedSemaphore if cfg.Bounded), main probes an
// over-release if asked, and cfg.Timers fire or are cancelled. It prints
// each take and give-back with the number of slots taken, each timer's end,
// and the probe's outcome.
func Semaphore(w io.Writer, cfg SemaphoreConfig) (SemaphoreResult, error) {
	return runSemaphore(w, cfg, false)
}

// OverReleasedSemaphore is S12's deliberate bug: every worker gives its slot
// back twice. Each extra release adds a slot to a plain Semaphore, so once
// a worker finished, the workers waiting in the room may take more slots
// than the pool has while others still hold theirs: MaxHolders > Slots.
// It breaks when a worker that was woken by a double release, or arrives
// late, takes a slot before a worker already holding one gives it back:
// with 2 slots and 4 workers, the third and fourth take the two slots the
// first worker's double release made while the second still works. Under
// the all-zero schedule the second worker, whose sleep ends at the same
// instant, gives its slot back before the woken workers run (ties go to the
// thread started first), and the bug stays hidden; the explorer finds the
// order that shows it. With
// cfg.Bounded the extra releases are refused once the value would pass
// Slots (OverRelease wraps ErrOverRelease), but only then: the pool may
// already have overflowed before the first refusal.
func OverReleasedSemaphore(w io.Writer, cfg SemaphoreConfig) (SemaphoreResult, error) {
	return runSemaphore(w, cfg, true)
}

func runSemaphore(w io.Writer, cfg SemaphoreConfig, double bool) (SemaphoreResult, error) {
	if err := cfg.validate(); err != nil {
		return SemaphoreResult{}, err
	}
	r := &semRun{p: newTprinter(w), cfg: cfg, double: double}
	kind := "Semaphore"
	if cfg.Bounded {
		r.sem = primitives.NewBoundedSemaphore(cfg.Slots)
		kind = "BoundedSemaphore"
	} else {
		r.sem = primitives.NewSemaphore(cfg.Slots)
	}
	r.res.Slots = cfg.Slots
	r.p.printf("start at: %s: %s(%d), %d workers", r.p.stamp(), kind, cfg.Slots, cfg.Threads)

	timers := make([]*primitives.Timer, len(cfg.Timers))
	r.res.Timers = make([]TimerOutcome, len(cfg.Timers))
	for i, spec := range cfg.Timers {
		timers[i] = primitives.NewTimer(spec.Interval, func() { r.fire(i) })
		timers[i].SetName(fmt.Sprintf("timer-%d", i))
		r.res.Timers[i] = TimerOutcome{Name: timers[i].Name(), Interval: spec.Interval, StartedAt: r.p.elapsed()}
		timers[i].Start()
	}
	workers := make([]*primitives.Thread, cfg.Threads)
	for i := range workers {
		workers[i] = primitives.NewThread(r.worker, primitives.WithName(fmt.Sprintf("worker-%d", i)))
		workers[i].Start()
	}

	// Cancel the timers that are to be cancelled, earliest first.
	order := make([]int, 0, len(cfg.Timers))
	for i, spec := range cfg.Timers {
		if spec.CancelAfter >= 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return int(cfg.Timers[a].CancelAfter - cfg.Timers[b].CancelAfter)
	})
	for _, i := range order {
		primitives.Sleep(cfg.Timers[i].CancelAfter - r.p.elapsed())
		at := r.p.elapsed()
		timers[i].Cancel()
		r.mu.Lock()
		r.res.Timers[i].Cancelled, r.res.Timers[i].CancelledAt = true, at
		r.mu.Unlock()
		r.p.printf("%s cancelled at: %s", timers[i].Name(), r.p.stamp())
	}

	for _, t := range workers {
		t.Join()
	}
	if cfg.ProbeOverRelease {
		if err := r.release(); err != nil {
			r.p.printf("main: one release too many at: %s: refused (over-release)", r.p.stamp())
		} else {
			r.p.printf("main: one release too many at: %s: accepted, the pool grew to %d", r.p.stamp(), r.sem.Value())
		}
	}
	for _, t := range timers {
		t.Join()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.FinalValue = r.sem.Value()
	r.p.printf("done at: %s: at most %d of %d slots taken at once, %d free", r.p.stamp(), r.res.MaxHolders, cfg.Slots, r.res.FinalValue)
	return r.res, nil
}

// worker is each worker thread's target: take a slot, work, give it back.
func (r *semRun) worker() {
	name := primitives.CurrentThread().Name()
	r.sem.Acquire()
	r.mu.Lock()
	r.holders++
	r.res.Acquired++
	r.res.MaxHolders = max(r.res.MaxHolders, r.holders)
	holders := r.holders
	r.mu.Unlock()
	r.p.printf("%s takes a slot at: %s (%d of %d taken)", name, r.p.stamp(), holders, r.cfg.Slots)

	failpoints.Hit(failpoints.ScenarioStep, nil)
	primitives.Sleep(r.cfg.Work)

	r.mu.Lock()
	r.holders--
	holders = r.holders
	r.mu.Unlock()
	r.p.printf("%s gives its slot back at: %s (%d of %d taken)", name, r.p.stamp(), holders, r.cfg.Slots)
	_ = r.release()
	if r.double {
		failpoints.Hit(failpoints.ScenarioStep, nil)
		_ = r.release() // BUG: the slot was already given back
	}
}

// release gives one slot back and returns the over-release error a
// BoundedSemaphore panicked with (also kept in the result), nil if the
// release was accepted.
func (r *semRun) release() (err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		e, ok := v.(error)
		if !ok || !errors.Is(e, primitives.ErrOverRelease) {
			panic(v) // not ours to handle (a daemon unwinding, a real bug)
		}
		err = e
		r.mu.Lock()
		if r.res.OverRelease == nil {
			r.res.OverRelease = e
		}
		r.mu.Unlock()
	}()
	r.sem.Release()
	r.mu.Lock()
	r.res.Released++
	r.mu.Unlock()
	return nil
}

// fire is timer i's function.
func (r *semRun) fire(i int) {
	at := r.p.elapsed()
	r.mu.Lock()
	r.res.Timers[i].Fired++
	r.res.Timers[i].FiredAt = at
	name := r.res.Timers[i].Name
	r.mu.Unlock()
	r.p.printf("%s fires at: %s", name, r.p.stamp())
}
