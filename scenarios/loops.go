package scenarios

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// This file holds what the thread-module and Thread scenarios (S02–S06)
// share: the printer their threads write through, the validation of a
// tutorial-style list of loop lengths, and the record of one loop thread.

// maxLoops bounds how many loop threads a scenario starts; it keeps a typo
// from starting a million threads.
const maxLoops = 1000

// checkLoops refuses a list of loop lengths that is too long or holds a
// negative length. An empty list is allowed: the scenario then starts no
// thread, as the tutorial's code would with loops = [].
func checkLoops(param string, loops []time.Duration) error {
	if len(loops) > maxLoops {
		return paramError(param, len(loops), fmt.Sprintf("at most %d loops", maxLoops))
	}
	for i, d := range loops {
		if d < 0 {
			return paramError(fmt.Sprintf("%s[%d]", param, i), d, "a loop cannot sleep a negative time")
		}
	}
	return nil
}

// checkDuration refuses a negative duration.
func checkDuration(param string, d time.Duration) error {
	if d < 0 {
		return paramError(param, d, "must not be negative")
	}
	return nil
}

// seconds formats d as a plain number of seconds ("11000s", "10000.1s"),
// for values too large for time.Duration's "2h46m40.1s".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

// A linePrinter is a scenario's standard output, shared by its threads. Each
// call prints one whole line (a Python print of one value is one write, so
// lines of different threads never mix), and close models process exit:
// after it, lines are dropped, as a Python 2 thread killed at exit prints
// nothing more. It also records the first write error.
//
// Its mutex is held only while a line is written and while a caller's
// record function runs, never across a failpoint or a blocking call.
type linePrinter struct {
	mu     sync.Mutex
	w      io.Writer // guarded by mu
	closed bool      // guarded by mu
	err    error     // guarded by mu; the first write error
}

// newLinePrinter returns a printer writing to w; a nil w discards the lines.
func newLinePrinter(w io.Writer) *linePrinter {
	if w == nil {
		w = io.Discard
	}
	return &linePrinter{w: w}
}

// println prints a line made of a, separated by spaces (Python 3's print),
// unless the printer is closed, and reports whether it printed.
func (p *linePrinter) println(a ...any) bool { return p.printlnAnd(nil, a...) }

// printlnAnd is println that also runs record (if not nil) under the same
// lock when it prints, so that what a thread records and what it printed
// agree even with the printer closing concurrently in real mode.
func (p *linePrinter) printlnAnd(record func(), a ...any) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	if _, err := fmt.Fprintln(p.w, a...); err != nil && p.err == nil {
		p.err = err
	}
	if record != nil {
		record()
	}
	return true
}

// record runs f under the lock unless the printer is closed, and reports
// whether it ran: how a thread records what it did while its process (its
// main thread) has not exited.
func (p *linePrinter) record(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		f()
	}
	return !p.closed
}

// close stops printing, runs snapshot (if not nil) under the lock so it
// sees exactly what was printed, and returns the first write error.
func (p *linePrinter) close(snapshot func()) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if snapshot != nil {
		snapshot()
	}
	if p.err != nil {
		return fmt.Errorf("scenarios: writing the printout: %w", p.err)
	}
	return nil
}

// A LoopRun is what one loop thread of S03–S06 did, on the scenario's clock
// (virtual seconds since it started under the explorer).
type LoopRun struct {
	Name       string        // the thread's name (S05: its ThreadFunc's name; S06: its MyThread's)
	Loop       int           // the loop's number, nloop in the tutorial
	Sleep      time.Duration // how long the loop sleeps, nsec in the tutorial
	Returned   bool          // the loop's function returned
	ReturnedAt time.Duration // when it returned; valid if Returned
	Joined     bool          // main's Join of the thread returned (S04–S06)
	JoinedAt   time.Duration // when that Join returned; valid if Joined
}

// LoopsResult is what S04 and S05 (and, within ThreadSubclassResult, S06)
// did: one LoopRun per thread, in loop order, and when main printed "all
// DONE". Every Join returns only after its thread's loop returned
// (Loops[i].JoinedAt >= Loops[i].ReturnedAt), and main joins in order, so
// AllDoneAt is the longest loop.
type LoopsResult struct {
	Loops     []LoopRun
	AllDoneAt time.Duration
}

// Check reports whether r keeps S04's invariant (shared by S05 and S06)
// for loops on any schedule, the one check the scenarios' tests and
// properties share: one LoopRun per loop, in loop order, with its sleep and
// a thread name (exactly name unless name is ""); every loop returned and
// was joined; and loops[i] <= ReturnedAt <= JoinedAt <= AllDoneAt, so no
// Join returned before its thread's loop did and "all DONE" came after
// every Join.
func (r LoopsResult) Check(loops []time.Duration, name string) error {
	if len(r.Loops) != len(loops) {
		return fmt.Errorf("%d loops; want %d", len(r.Loops), len(loops))
	}
	for i, l := range r.Loops {
		switch {
		case l.Loop != i || l.Sleep != loops[i] || l.Name == "" || (name != "" && l.Name != name):
			return fmt.Errorf("loop %d: %+v; want loop %d sleeping %v, named %q", i, l, i, loops[i], name)
		case !l.Returned || !l.Joined:
			return fmt.Errorf("loop %d: returned %v, joined %v; want both", i, l.Returned, l.Joined)
		case l.ReturnedAt < loops[i] || l.JoinedAt < l.ReturnedAt || r.AllDoneAt < l.JoinedAt:
			return fmt.Errorf("loop %d: returned at %v, joined at %v, all DONE at %v; want %v <= returned <= joined <= all DONE",
				i, l.ReturnedAt, l.JoinedAt, r.AllDoneAt, loops[i])
		}
	}
	return nil
}

// CheckAllZero reports whether r has S04–S06's exact times under the
// all-zero schedule, for a main that starts joining at from (0, or
// ResultBeforeJoin's ReadAfter): loop i returned at its sleep, main's i'th
// Join returned when the longest of from and loops 0..i had, and "all DONE"
// came at the longest of them. It assumes Check's shape (one LoopRun per
// loop) and checks it too.
func (r LoopsResult) CheckAllZero(loops []time.Duration, from time.Duration) error {
	if len(r.Loops) != len(loops) {
		return fmt.Errorf("%d loops; want %d", len(r.Loops), len(loops))
	}
	longest := from
	for i, d := range loops {
		longest = max(longest, d)
		l := r.Loops[i]
		if l.Loop != i || l.Sleep != d || !l.Returned || l.ReturnedAt != d || !l.Joined || l.JoinedAt != longest {
			return fmt.Errorf("loop %d: %+v; want returned at %v, joined at %v (all-zero schedule)", i, l, d, longest)
		}
	}
	if r.AllDoneAt != longest {
		return fmt.Errorf("all DONE at %v; want %v (all-zero schedule)", r.AllDoneAt, longest)
	}
	return nil
}

// loopScenario is one run of S04–S06: the tutorial's loop(nloop, nsec)
// and main's start-all, join-all.
type loopScenario struct {
	out  *linePrinter
	c    clock
	runs []LoopRun // runs[i] is written by thread i until it ends, then by main after Join
}

func newLoopScenario(w io.Writer, loops []time.Duration) *loopScenario {
	s := &loopScenario{out: newLinePrinter(w), c: newClock(), runs: make([]LoopRun, len(loops))}
	for i, d := range loops {
		s.runs[i] = LoopRun{Loop: i, Sleep: d}
	}
	return s
}

// loop is the tutorial's loop(nloop, nsec) of S04–S06: it prints when it
// starts and when it is done, sleeping nsec in between, and records when it
// returned.
func (s *loopScenario) loop(nloop int, nsec time.Duration) {
	s.out.println(fmt.Sprintf("start loop %d at: %s", nloop, s.c.stamp()))
	primitives.Sleep(nsec)
	s.out.println(fmt.Sprintf("loop %d done at: %s", nloop, s.c.stamp()))
	s.runs[nloop].Returned, s.runs[nloop].ReturnedAt = true, s.c.elapsed()
}

// startAll is main's `for i in nloops: threads[i].start()`.
func startAll(threads []*primitives.Thread) {
	for _, t := range threads {
		t.Start()
	}
}

// join is main's threads[i].join() for loop i, recording when it returned.
func (s *loopScenario) join(i int, t *primitives.Thread) {
	t.Join()
	s.runs[i].Joined, s.runs[i].JoinedAt = true, s.c.elapsed()
}

// done prints main's "all DONE at:" and returns the result.
func (s *loopScenario) done() (LoopsResult, error) {
	s.out.println("all DONE at:", s.c.stamp())
	res := LoopsResult{Loops: s.runs, AllDoneAt: s.c.elapsed()}
	return res, s.out.close(nil)
}
