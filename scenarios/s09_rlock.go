package scenarios

// S09 rlock: the tutorial's "Lock & RLock" section.
//
//	lock = Rlock()
//
//	def show():
//	    with lock:
//	        print current_thread().name, i
//	        sleep(0.1)
//
//	def test():
//	    with lock:
//	        for i in range(3):
//	            show(i)
//
//	for i in range(2):
//	    Thread(target=test).start()
//
// test() holds the lock and calls show(i), which takes it again: a plain
// Lock would deadlock on that nested acquire, a reentrant RLock only counts
// it. Two threads run test(); because each holds the lock for its whole
// loop, one thread's lines are never split by the other's. Python 2.7
// prints
//
//	Thread-1 0
//	Thread-1 1
//	Thread-1 2
//	Thread-2 0
//	Thread-2 1
//	Thread-2 2
//
// The tutorial's code does not run as written: the class is RLock, not
// Rlock, and show() has no parameter yet is called as show(i) and prints i.
// The port does what it means: show takes i. Go has no `with`: each block
// is Acquire followed by a deferred Release. Python's main thread does not
// join the threads (the interpreter waits for them at exit); the port joins
// them, to return what they observed. Its threads are renamed "Thread-N" as
// Python 2.7 names them (see python2Name).
//
// NestedPlainLock is the same code with a plain Lock: the first nested
// acquire blocks forever on the lock its own thread holds. In a model run
// the explorer reports the deadlock, naming every thread and what it waits
// on ("Thread-1 holds Lock#1 and waits on Lock#1 (Lock.Acquire) at …,
// held by Thread-1"); in real mode, where nothing could
// report it, the nested acquire gives up after RLockConfig.GiveUp and the
// call returns the same kind of error instead of hanging.

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// RLockConfig is the shape of S09.
type RLockConfig struct {
	// Threads is how many threads run test(): the tutorial's range(2).
	// 1 to 100.
	Threads int
	// Loops is how many times test() calls show(i): the tutorial's
	// range(3). 0 to 1000.
	Loops int
	// Hold is how long show sleeps while it holds the lock (twice): the
	// tutorial's sleep(0.1). >= 0.
	Hold time.Duration
	// GiveUp is how long NestedPlainLock's nested acquire waits in real
	// mode before it reports the deadlock (a model run reports it at once,
	// whatever GiveUp is). > 0.
	GiveUp time.Duration
}

// DefaultRLockConfig returns the tutorial's values: two threads, three
// calls of show each, 0.1 s inside show; a real-mode NestedPlainLock gives
// up after one second.
func DefaultRLockConfig() RLockConfig {
	return RLockConfig{Threads: 2, Loops: 3, Hold: 100 * time.Millisecond, GiveUp: time.Second}
}

func (c RLockConfig) validate() error {
	switch {
	case c.Threads < 1 || c.Threads > 100:
		return paramError("Threads", c.Threads, "must be between 1 and 100")
	case c.Loops < 0 || c.Loops > 1000:
		return paramError("Loops", c.Loops, "must be between 0 and 1000")
	case c.Hold < 0:
		return paramError("Hold", c.Hold, "must be >= 0")
	case c.GiveUp <= 0:
		return paramError("GiveUp", c.GiveUp, "must be > 0")
	}
	return nil
}

// RLockObservation is what one call of show(i) saw of the lock.
type RLockObservation struct {
	Thread string        // the thread that called show
	I      int           // show's argument
	Depth  int           // the lock's depth inside show: 2 (test's level and show's)
	Owned  bool          // whether the thread owned the lock inside show (always)
	After  int           // the depth back in test once show released its level: 1
	At     time.Duration // when show printed, since the scenario started
}

// RLockExit is what a thread saw of the lock after test() released it.
type RLockExit struct {
	Thread string // the thread's name
	Depth  int    // the depth it sees: 0
	Owned  bool   // whether it still owns the lock: false
}

// RLockResult is what S09 leaves behind.
type RLockResult struct {
	// Lines is the printout, in the order it was printed
	// ("Thread-1 0", ...).
	Lines []string
	// Observations holds one entry per call of show, in the order of
	// Lines.
	Observations []RLockObservation
	// Exits holds one entry per thread, in start order.
	Exits []RLockExit
	// Locked reports whether the lock was still held once every thread
	// ended (it must not be).
	Locked bool
	// NonOwnerRelease is what the main thread got for releasing the lock
	// it does not own, after the threads ended: an error wrapping
	// primitives.ErrNotOwner (Python's RuntimeError).
	NonOwnerRelease error
}

// Contiguous reports whether each thread's lines form one unbroken run:
// no thread's lines are split by another's.
func (r RLockResult) Contiguous() bool {
	done := map[string]bool{}
	prev := ""
	for _, o := range r.Observations {
		if o.Thread != prev {
			if done[o.Thread] {
				return false
			}
			if prev != "" {
				done[prev] = true
			}
			prev = o.Thread
		}
	}
	return true
}

// Check reports whether r keeps S09's invariant for an RLock run of cfg on
// any schedule, the one check the scenario's tests, property and demo
// share: one thread's lines are never split by another's (Contiguous);
// there is one line and one observation per call of show, Threads*Loops,
// and line k is "NAME i" with i = k mod Loops, so each thread prints
// "NAME 0" .. "NAME Loops-1" in one run; the RLock balances (depth 2 and
// owned inside show, 1 back in test, one exit per thread with depth 0 and
// not owned, unlocked at the end); and a non-owner Release failed with
// primitives.ErrNotOwner.
func (r RLockResult) Check(cfg RLockConfig) error {
	if !r.Contiguous() {
		return fmt.Errorf("lines %q; want each thread's lines unbroken", r.Lines)
	}
	if n := cfg.Threads * cfg.Loops; len(r.Observations) != n || len(r.Lines) != n {
		return fmt.Errorf("%d observations, %d lines; want %d each", len(r.Observations), len(r.Lines), n)
	}
	for k, o := range r.Observations {
		if want := fmt.Sprintf("%s %d", o.Thread, k%cfg.Loops); r.Lines[k] != want || o.I != k%cfg.Loops {
			return fmt.Errorf("line %d = %q (i %d); want %q", k, r.Lines[k], o.I, want)
		}
		if o.Depth != 2 || !o.Owned || o.After != 1 {
			return fmt.Errorf("show(%d) in %s: depth %d, owned %v, depth after %d; want 2, true, 1", o.I, o.Thread, o.Depth, o.Owned, o.After)
		}
	}
	if len(r.Exits) != cfg.Threads {
		return fmt.Errorf("%d exits; want one per thread, %d", len(r.Exits), cfg.Threads)
	}
	for _, e := range r.Exits {
		if e.Depth != 0 || e.Owned {
			return fmt.Errorf("after test() in %s: depth %d, owned %v; want 0, false", e.Thread, e.Depth, e.Owned)
		}
	}
	if r.Locked || !errors.Is(r.NonOwnerRelease, primitives.ErrNotOwner) {
		return fmt.Errorf("at the end: locked %v, non-owner Release = %v; want false, ErrNotOwner", r.Locked, r.NonOwnerRelease)
	}
	return nil
}

// rlockLocker is what S09 needs of its lock: *primitives.RLock, or
// *primitives.Lock for NestedPlainLock.
type rlockLocker interface {
	Acquire()
	AcquireTimeout(d time.Duration) bool
	Release()
}

// rlockDemo is one run of S09: the lock, the printout and the observations,
// all written while holding the lock (Exits[k] only by thread k).
type rlockDemo struct {
	cfg   RLockConfig
	w     io.Writer
	clock clock
	lock  rlockLocker
	rlock *primitives.RLock // lock, when it is an RLock
	res   RLockResult
}

// RLock runs S09 as the tutorial means it: cfg.Threads threads run test(),
// which holds an RLock and calls show(i) cfg.Loops times; show takes the
// lock again, prints the thread's name and i, and sleeps cfg.Hold. It joins
// the threads and returns the printout and what each call saw of the lock
// (depth 2 inside show, 1 after it, 0 and not owned after test). Every
// schedule prints each thread's lines unbroken.
//
// RLock ports the tutorial's RLock example; see the file comment for how
// it differs.
func RLock(w io.Writer, cfg RLockConfig) (RLockResult, error) {
	if err := cfg.validate(); err != nil {
		return RLockResult{}, err
	}
	rl := new(primitives.RLock)
	d := &rlockDemo{cfg: cfg, w: orDiscard(w), clock: newClock(), lock: rl, rlock: rl}
	if err := d.run(); err != nil {
		return d.res, err
	}
	d.res.Locked = !rl.TryAcquire()
	if !d.res.Locked {
		rl.Release()
	}
	d.res.NonOwnerRelease = catchMisuse(rl.Release)
	return d.res, nil
}

// NestedPlainLock is S09's deliberate bug: the same code with a plain Lock,
// which is not reentrant. Whatever the schedule, the first thread to take
// the lock in test() blocks forever on show's nested acquire, and every
// other thread on test's. In a model run the explorer reports the deadlock
// (the run's error wraps interleave.ErrDeadlock and names each thread, e.g.
// "Thread-1 holds Lock#1 and waits on Lock#1 (Lock.Acquire)" and the
// cycle "Thread-1 → Lock#1 → Thread-1"), and NestedPlainLock never returns. In
// real mode the nested acquire gives up after cfg.GiveUp: the thread skips
// the rest of its loop and releases the lock, and NestedPlainLock returns
// an error wrapping interleave.ErrDeadlock for each thread, naming it and
// "Lock.Acquire". Python would hang.
func NestedPlainLock(w io.Writer, cfg RLockConfig) (RLockResult, error) {
	if err := cfg.validate(); err != nil {
		return RLockResult{}, err
	}
	d := &rlockDemo{cfg: cfg, w: orDiscard(w), clock: newClock(), lock: new(primitives.Lock)}
	err := d.run()
	return d.res, err
}

// run starts the threads, as the tutorial's loop does, and joins them. It
// returns the threads' nested-acquire failures, joined.
func (d *rlockDemo) run() error {
	threads := make([]*primitives.Thread, d.cfg.Threads)
	errs := make([]error, d.cfg.Threads)
	d.res.Exits = make([]RLockExit, d.cfg.Threads)
	for k := range threads {
		threads[k] = python2Name(primitives.NewThread(func() { errs[k] = d.test(k) }))
		threads[k].Start()
	}
	for _, t := range threads {
		t.Join()
	}
	for _, t := range threads {
		if err := t.Err(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// test is the tutorial's test(): with lock, call show(i) for each i.
func (d *rlockDemo) test(k int) error {
	name := primitives.CurrentThread().Name()
	err := func() error {
		d.lock.Acquire()
		defer d.lock.Release()
		for i := range d.cfg.Loops {
			if err := d.show(i); err != nil {
				return err
			}
			d.res.Observations[len(d.res.Observations)-1].After = d.depth()
		}
		return nil
	}()
	d.res.Exits[k] = RLockExit{Thread: name, Depth: d.depth(), Owned: d.owned()}
	return err
}

// show is the tutorial's show(i): with lock (again), print the thread's
// name and i, and sleep while holding the lock.
func (d *rlockDemo) show(i int) error {
	if err := d.acquireNested(); err != nil {
		return err
	}
	defer d.lock.Release()
	name := primitives.CurrentThread().Name()
	line := fmt.Sprintf("%s %d", name, i)
	fmt.Fprintln(d.w, line)
	d.res.Lines = append(d.res.Lines, line)
	d.res.Observations = append(d.res.Observations, RLockObservation{
		Thread: name, I: i, Depth: d.depth(), Owned: d.owned(), At: d.clock.elapsed(),
	})
	primitives.Sleep(d.cfg.Hold)
	return nil
}

// acquireNested is show's acquire, made while test's is held. For an
// RLock it only raises the depth. For a plain Lock it never succeeds: a
// model run blocks on it so that the explorer reports the deadlock; real
// mode waits cfg.GiveUp and reports it itself.
func (d *rlockDemo) acquireNested() error {
	if d.rlock != nil || sched.InModel() {
		d.lock.Acquire()
		return nil
	}
	if d.lock.AcquireTimeout(d.cfg.GiveUp) {
		return nil // unreachable: the calling thread holds the lock
	}
	return fmt.Errorf("%w: %s waits on Lock.Acquire of the Lock it already holds (nested acquire, gave up after %v)",
		interleave.ErrDeadlock, primitives.CurrentThread().Name(), d.cfg.GiveUp)
}

func (d *rlockDemo) depth() int {
	if d.rlock == nil {
		return 0
	}
	return d.rlock.Depth()
}

func (d *rlockDemo) owned() bool {
	return d.rlock != nil && d.rlock.IsOwned()
}
