package scenarios

// S03 lock-sync: the tutorial's second thread-module example, which
// replaces main's sleep with one lock per thread.
//
//	loops = [4, 2]
//	def loop(nloop, nsec, lock):
//	    print('start loop %s at: %s' % (nloop, time()))
//	    sleep(nsec)
//	    print('loop %s done at: %s' % (nloop, time()))
//	    lock.release()
//	def main():
//	    print('starting at:', time())
//	    locks = []
//	    for i in nloops: lock = thread.allocate_lock(); lock.acquire(); locks.append(lock)
//	    for i in nloops: thread.start_new_thread(loop, (i, loops[i], locks[i]))
//	    for i in nloops: while locks[i].locked(): pass
//	    print('all DONE at:', time())
//
// Every lock is acquired before any thread starts ("all the horses out of
// the gate at once"), each thread releases its own lock when done, and main
// waits until every lock is unlocked, so "all DONE" comes right after the
// longest loop instead of after a guessed sleep.
//
// How it differs from the Python:
//   - Main cannot spin with `pass`. A busy spin takes no virtual time, so
//     under the explorer the loops' sleeps would never end (time advances
//     only when no thread can run) and the run would hit its step budget. Main
//     polls Locked() with a virtual sleep of PollInterval between polls
//     instead. The default, 5 ms, is CPython 3's switch interval
//     (sys.getswitchinterval()): a spinning Python thread holds the GIL
//     that long before another thread gets a turn, so a Python spin also
//     sees a release up to about 5 ms late. Main therefore prints "all DONE"
//     at most one PollInterval after the last release: at 4.005 s with the
//     defaults, because at 4 s main's poll and loop 0's wake-up tie and
//     main, started first, polls first and sees the lock still held.
//   - Timeout (0: none, as in the tutorial) lets main give up polling, so a
//     lock that is never released (see LockSyncAcquireAfterStart) ends the
//     run with GaveUp instead of a spin until the step budget.
//   - Times print as seconds since the start and lines as Python 3 prints
//     them (the tutorial ran Python 2: "('starting at:', 1489387024.88)").

import (
	"fmt"
	"io"
	"time"

	"github.com/interleave-lab/interleave/failpoints"

	"github.com/interleave-lab/interleave/primitives"
)

// LockSyncConfig is S03's parameters.
type LockSyncConfig struct {
	Loops        []time.Duration // each thread's sleep, each >= 0, at most 1000 (tutorial: [4 s, 2 s])
	PollInterval time.Duration   // main's virtual sleep between polls of Locked(), > 0 (default 5 ms)
	Timeout      time.Duration   // main gives up polling after this long, >= 0; 0 polls forever (the tutorial)
}

// DefaultLockSyncConfig returns the tutorial's loops [4 s, 2 s], a 5 ms poll
// and no timeout.
func DefaultLockSyncConfig() LockSyncConfig {
	return LockSyncConfig{Loops: []time.Duration{4 * time.Second, 2 * time.Second}, PollInterval: 5 * time.Millisecond}
}

func (c LockSyncConfig) check() error {
	if err := checkLoops("Loops", c.Loops); err != nil {
		return err
	}
	if c.PollInterval <= 0 {
		return paramError("PollInterval", c.PollInterval, "must be positive: a spin without sleeping never lets virtual time advance")
	}
	return checkDuration("Timeout", c.Timeout)
}

// LockSyncResult is what S03's threads did before main exited.
//
// In a correct run every loop returned (it released its lock), and main
// printed "all DONE" after the last release and at most one PollInterval
// later: max(Loops) <= AllDoneAt <= max(Loops) + PollInterval, and under
// the all-zero schedule, where main wins ties, AllDoneAt is the first
// multiple of PollInterval strictly after max(Loops).
type LockSyncResult struct {
	// Loops[i] is loop i: Returned says it released its lock and returned
	// (a release that panicked did not), ReturnedAt when.
	Loops     []LoopRun
	AllDoneAt time.Duration // when main stopped polling and exited
	Polls     int           // how many times main slept between polls
	GaveUp    bool          // main stopped at Timeout with a lock still held
}

// Check reports whether r keeps S03's invariant for cfg on any schedule,
// the one check the scenario's tests, property and demo share: main did
// not give up, and it printed "all DONE" only after every loop released
// its lock and returned, each no earlier than its own sleep.
func (r LockSyncResult) Check(cfg LockSyncConfig) error {
	if r.GaveUp {
		return fmt.Errorf("gave up at %v; want all DONE", r.AllDoneAt)
	}
	if len(r.Loops) != len(cfg.Loops) {
		return fmt.Errorf("%d loops; want %d", len(r.Loops), len(cfg.Loops))
	}
	for i, l := range r.Loops {
		if !l.Returned || l.ReturnedAt < cfg.Loops[i] || l.ReturnedAt > r.AllDoneAt {
			return fmt.Errorf("loop %d: returned %v at %v; want returned in [%v, AllDoneAt %v]",
				i, l.Returned, l.ReturnedAt, cfg.Loops[i], r.AllDoneAt)
		}
	}
	return nil
}

// LockSync runs S03: it acquires one lock per loop, starts every loop with
// StartNewThread, polls the locks until all are released, and prints "all
// DONE at:" (or "gave up at:" after Timeout).
func LockSync(w io.Writer, cfg LockSyncConfig) (LockSyncResult, error) {
	if err := cfg.check(); err != nil {
		return LockSyncResult{}, err
	}
	s := newLockSync(w, cfg)
	s.out.println("starting at:", s.c.stamp())
	locks := make([]*primitives.Lock, len(cfg.Loops))
	for i := range locks {
		lock := primitives.AllocateLock()
		lock.Acquire()
		locks[i] = lock
	}
	for i := range locks {
		primitives.StartNewThread(func() { s.loop(i, cfg.Loops[i], locks[i]) })
	}
	return s.wait(locks)
}

// LockSyncAcquireAfterStart is LockSync with the mistake the tutorial warns
// about: each lock is acquired after its thread was started, in the same
// loop. Under the all-zero schedule main acquires before the thread runs
// and all is well. The interleaving that breaks it delays main at the
// failpoint between Start and Acquire until the thread has finished its
// sleep: the thread releases a lock nobody acquired, and its Release panics
// with ErrReleaseUnlocked (Python: "release unlocked lock"), which the
// explorer reports as the run's failure; with interleave.ExpectPanics the
// thread just dies, main then acquires the lock that nobody will release,
// and polls until Timeout (GaveUp) or forever. A loop of 0 s breaks with a
// single one-tick preemption; a longer loop needs the explorer's delay past
// the next timer once the thread sleeps.
func LockSyncAcquireAfterStart(w io.Writer, cfg LockSyncConfig) (LockSyncResult, error) {
	if err := cfg.check(); err != nil {
		return LockSyncResult{}, err
	}
	s := newLockSync(w, cfg)
	s.out.println("starting at:", s.c.stamp())
	locks := make([]*primitives.Lock, len(cfg.Loops))
	for i := range locks {
		lock := primitives.AllocateLock()
		locks[i] = lock
		primitives.StartNewThread(func() { s.loop(i, cfg.Loops[i], lock) })
		failpoints.Hit(failpoints.ScenarioStep, lock) // the thread may run, even finish, here
		lock.Acquire()
	}
	return s.wait(locks)
}

// lockSync is one run of S03.
type lockSync struct {
	cfg LockSyncConfig
	out *linePrinter
	c   clock
	res LockSyncResult // Loops written by the loops under out's lock
}

func newLockSync(w io.Writer, cfg LockSyncConfig) *lockSync {
	s := &lockSync{cfg: cfg, out: newLinePrinter(w), c: newClock()}
	s.res.Loops = make([]LoopRun, len(cfg.Loops))
	for i, d := range cfg.Loops {
		s.res.Loops[i] = LoopRun{Name: fmt.Sprintf("loop %d", i), Loop: i, Sleep: d}
	}
	return s
}

// loop is the tutorial's loop(nloop, nsec, lock).
func (s *lockSync) loop(nloop int, nsec time.Duration, lock *primitives.Lock) {
	s.out.println(fmt.Sprintf("start loop %d at: %s", nloop, s.c.stamp()))
	primitives.Sleep(nsec)
	s.out.println(fmt.Sprintf("loop %d done at: %s", nloop, s.c.stamp()))
	lock.Release()
	s.out.record(func() { s.res.Loops[nloop].Returned, s.res.Loops[nloop].ReturnedAt = true, s.c.elapsed() })
}

// wait is main's `for i in nloops: while locks[i].locked(): pass`, with a
// virtual sleep for the pass, and main's exit.
func (s *lockSync) wait(locks []*primitives.Lock) (LockSyncResult, error) {
	gaveUp := false
poll:
	for _, lock := range locks {
		for lock.Locked() {
			if s.cfg.Timeout > 0 && s.c.elapsed() >= s.cfg.Timeout {
				gaveUp = true
				break poll
			}
			primitives.Sleep(s.cfg.PollInterval)
			s.res.Polls++
		}
	}
	if gaveUp {
		s.out.println("gave up at:", s.c.stamp())
	} else {
		s.out.println("all DONE at:", s.c.stamp())
	}
	var snap LockSyncResult
	err := s.out.close(func() {
		snap = s.res
		snap.Loops = append([]LoopRun(nil), s.res.Loops...)
		snap.AllDoneAt = s.c.elapsed()
		snap.GaveUp = gaveUp
	})
	return snap, err
}
