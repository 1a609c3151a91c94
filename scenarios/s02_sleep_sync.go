package scenarios

// S02 sleep-sync: the tutorial's first thread-module example ("thread 模块").
//
//	def loop(num):  print('start loop at:', time()); sleep(num); print('loop done at:', time())
//	def loop1(num): print('start loop 1 at:', time()); sleep(num); print('loop 1 done at:', time())
//	def main():
//	    print('starting at:', time())
//	    thread.start_new_thread(loop, (4,))
//	    thread.start_new_thread(loop1, (5,))
//	    sleep(6)
//	    print('all DONE at:', time())
//
// Two threads and a main that "waits" for them by sleeping longer than
// either. The port starts them with primitives.StartNewThread (daemon
// threads, as the thread module's are) and sleeps with primitives.Sleep, so
// under the explorer the times are exact seconds since the start.
//
// How it differs from the Python:
//   - Times print as seconds since the start ("4s") instead of time(), and
//     lines as Python 3 prints them ("starting at: 0s"); the tutorial ran
//     Python 2, where print('starting at:', t) shows a tuple,
//     "('starting at:', 1489387024.886667)".
//   - The lengths are parameters: Loop (loop's sleep, 4 s), Loop1 (loop1's,
//     5 s) and Main (main's, 6 s).
//   - When main returns, Python 2 exits and kills the threads still running;
//     Go cannot kill a goroutine. Under the explorer the run's end unwinds
//     the daemon threads at their next scheduling point, so a loop still
//     sleeping never prints its "done" line; in real mode they unwind at
//     primitives.Shutdown. Either way the printer is closed when main
//     exits: a line a loop would print after that is dropped, as a killed
//     thread's would be.
//
// The deliberate bug is a parameter: with Main shorter than a loop, main
// exits while that loop still runs and its work is lost. The result says
// which loops finished (SleepSyncResult.Lost). With Main equal to a loop's
// length the two wake at the same instant and it is a race: under the
// all-zero schedule main wins (it was started first) and the loop is lost;
// the explorer tries both orders. Only Main strictly longer than both loops
// is safe, and only on the virtual clock: with real threads no sleep is long
// enough for sure, which is the tutorial's point.

import (
	"fmt"
	"io"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// SleepSyncConfig is how long each of S02's threads sleeps.
type SleepSyncConfig struct {
	Loop  time.Duration // loop's sleep, >= 0 (tutorial: 4 s)
	Loop1 time.Duration // loop1's sleep, >= 0 (tutorial: 5 s)
	Main  time.Duration // main's sleep before "all DONE", >= 0 (tutorial: 6 s)
}

// DefaultSleepSyncConfig returns the tutorial's lengths: 4 s, 5 s, 6 s.
func DefaultSleepSyncConfig() SleepSyncConfig {
	return SleepSyncConfig{Loop: 4 * time.Second, Loop1: 5 * time.Second, Main: 6 * time.Second}
}

func (c SleepSyncConfig) check() error {
	if err := checkDuration("Loop", c.Loop); err != nil {
		return err
	}
	if err := checkDuration("Loop1", c.Loop1); err != nil {
		return err
	}
	return checkDuration("Main", c.Main)
}

// SleepSyncResult is what S02's threads got done before main exited.
// Index 0 is loop, index 1 is loop1.
type SleepSyncResult struct {
	Started   [2]bool          // the loop printed its "start" line before main exited
	Done      [2]bool          // the loop printed its "done" line before main exited
	DoneAt    [2]time.Duration // when it printed it; valid if Done
	AllDoneAt time.Duration    // when main printed "all DONE" and exited
	Lost      bool             // some loop had not finished when main exited: its work is lost
}

// Check reports whether r is consistent for cfg on any schedule, S02's
// invariant and the one check the scenario's tests and property share:
// main exited no earlier than its sleep, Lost is exactly "some loop not
// done", and a loop that is done was started and finished no earlier than
// its sleep and no later than main's exit. Which loops are done depends on
// the schedule (a tie is a race); under the all-zero schedule it is exact,
// which the callers check.
func (r SleepSyncResult) Check(cfg SleepSyncConfig) error {
	if r.AllDoneAt < cfg.Main {
		return fmt.Errorf("all DONE at %v; want >= main's sleep %v", r.AllDoneAt, cfg.Main)
	}
	if want := !r.Done[0] || !r.Done[1]; r.Lost != want {
		return fmt.Errorf("Lost = %v with done %v; want %v", r.Lost, r.Done, want)
	}
	for i, d := range [2]time.Duration{cfg.Loop, cfg.Loop1} {
		if r.Done[i] && (!r.Started[i] || r.DoneAt[i] < d || r.DoneAt[i] > r.AllDoneAt) {
			return fmt.Errorf("loop %d: started %v, done at %v; want started, done in [%v, AllDoneAt %v]",
				i, r.Started[i], r.DoneAt[i], d, r.AllDoneAt)
		}
	}
	return nil
}

// CheckAllZero reports whether r has S02's exact outcome for cfg under the
// all-zero schedule, where ties go to main (started first, it wakes
// first): main exits at exactly its sleep, a loop is done exactly if its
// sleep is strictly shorter than main's, at exactly its sleep, and so the
// work is lost exactly when main's sleep is not longer than both loops.
func (r SleepSyncResult) CheckAllZero(cfg SleepSyncConfig) error {
	if r.AllDoneAt != cfg.Main {
		return fmt.Errorf("all DONE at %v (all-zero schedule); want %v", r.AllDoneAt, cfg.Main)
	}
	if want := cfg.Main <= max(cfg.Loop, cfg.Loop1); r.Lost != want {
		return fmt.Errorf("Lost = %v (all-zero schedule); want %v", r.Lost, want)
	}
	for i, d := range [2]time.Duration{cfg.Loop, cfg.Loop1} {
		if r.Done[i] != (d < cfg.Main) || (r.Done[i] && r.DoneAt[i] != d) {
			return fmt.Errorf("loop %d (all-zero schedule): done %v at %v; want done %v at %v", i, r.Done[i], r.DoneAt[i], d < cfg.Main, d)
		}
	}
	return nil
}

// SleepSync runs S02: it prints "starting at:", starts loop and loop1 with
// StartNewThread, sleeps cfg.Main, prints "all DONE at:" and returns what
// the loops had done by then; the loops' later lines are dropped.
//
// Run it under the explorer: in real mode it sleeps for real, and a loop
// still sleeping when it returns keeps its goroutine until
// primitives.Shutdown (the process exit that would kill it in Python).
func SleepSync(w io.Writer, cfg SleepSyncConfig) (SleepSyncResult, error) {
	if err := cfg.check(); err != nil {
		return SleepSyncResult{}, err
	}
	out := newLinePrinter(w)
	c := newClock()
	var res SleepSyncResult // the loops write it under out's lock; main reads it in close

	started := func(i int) func() { return func() { res.Started[i] = true } }
	done := func(i int) func() {
		return func() { res.Done[i], res.DoneAt[i] = true, c.elapsed() }
	}
	loop := func(num time.Duration) {
		out.printlnAnd(started(0), "start loop at:", c.stamp())
		primitives.Sleep(num)
		out.printlnAnd(done(0), "loop done at:", c.stamp())
	}
	loop1 := func(num time.Duration) {
		out.printlnAnd(started(1), "start loop 1 at:", c.stamp())
		primitives.Sleep(num)
		out.printlnAnd(done(1), "loop 1 done at:", c.stamp())
	}

	out.println("starting at:", c.stamp())
	primitives.StartNewThread(func() { loop(cfg.Loop) })
	primitives.StartNewThread(func() { loop1(cfg.Loop1) })
	primitives.Sleep(cfg.Main)
	out.println("all DONE at:", c.stamp())

	// Main exits: from here on the loops print nothing and record nothing.
	var snap SleepSyncResult
	err := out.close(func() {
		snap = res
		snap.AllDoneAt = c.elapsed()
		snap.Lost = !res.Done[0] || !res.Done[1]
	})
	return snap, err
}
