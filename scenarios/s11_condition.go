package scenarios

// S11 condition: the tutorial's "Condition" section.
//
//	con = Condition()
//
//	def tc1():
//	    with con:
//	        for i in range(5):
//	            print current_thread().name, i
//	            sleep(0.3)
//	            if i == 3:
//	                con.wait()
//
//	def tc2():
//	    with con:
//	        for i in range(5):
//	            print current_thread().name, i
//	            sleep(0.1)
//	            con.notify()
//
//	Thread(target=tc1).start()
//	Thread(target=tc2).start()
//
// and the tutorial gives its printout: Thread-1 0..3, then (tc1's wait
// releases the lock) Thread-2 0..4, then Thread-1 4 (tc1 woke on the first
// notify, but could take the lock back only when tc2 released it).
//
// The tutorial's code never imports sleep; the port sleeps with
// primitives.Sleep. Go has no `with`: each block is Acquire and a deferred
// Release. Python's main thread does not join the threads; the port joins
// them, to return what they did. Its threads are renamed "Thread-N" as
// Python 2.7 names them (see python2Name); Python 3.13 would print
// "Thread-1 (tc1)".
//
// The printout holds only if tc1 takes the lock first, and nothing in the
// tutorial's code makes sure of that. Three versions:
//
//   - Condition makes it sure: the main thread starts tc2 only once tc1
//     holds the lock. Every schedule prints the tutorial's output.
//   - UnguardedWait is the tutorial's code as written, the deliberate bug:
//     if tc2 takes the lock first, its notifies find nobody waiting and are
//     lost, and tc1 later waits for a notify that never comes (a lost
//     wake-up). The explorer finds that interleaving and reports the
//     deadlock.
//   - WaitForVersion is the fix: tc2 records that it notified, in state the
//     lock guards, and tc1 waits with wait_for(predicate), which does not
//     wait at all when the notify already happened. It never hangs, and
//     prints the tutorial's output whenever tc1 takes the lock first.

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// ConditionConfig is the shape of S11.
type ConditionConfig struct {
	// Count is how many lines each thread prints: the tutorial's range(5).
	// 1 to 1000.
	Count int
	// WaitAt is the i at which tc1 waits: the tutorial's i == 3.
	// 0 to Count-1.
	WaitAt int
	// Tc1Sleep is tc1's sleep after each line, holding the lock: sleep(0.3).
	// >= 0.
	Tc1Sleep time.Duration
	// Tc2Sleep is tc2's sleep after each line, holding the lock: sleep(0.1).
	// >= 0.
	Tc2Sleep time.Duration
	// GiveUp is how long UnguardedWait's tc1 waits in real mode before it
	// reports the lost wake-up (a model run reports the deadlock at once,
	// whatever GiveUp is). > 0.
	GiveUp time.Duration
}

// DefaultConditionConfig returns the tutorial's values: five lines each,
// tc1 waits at 3, sleeps of 0.3 s and 0.1 s; a real-mode UnguardedWait
// gives up after one second.
func DefaultConditionConfig() ConditionConfig {
	return ConditionConfig{
		Count: 5, WaitAt: 3,
		Tc1Sleep: 300 * time.Millisecond, Tc2Sleep: 100 * time.Millisecond,
		GiveUp: time.Second,
	}
}

func (c ConditionConfig) validate() error {
	switch {
	case c.Count < 1 || c.Count > 1000:
		return paramError("Count", c.Count, "must be between 1 and 1000")
	case c.WaitAt < 0 || c.WaitAt >= c.Count:
		return paramError("WaitAt", c.WaitAt, fmt.Sprintf("must be between 0 and Count-1 = %d", c.Count-1))
	case c.Tc1Sleep < 0:
		return paramError("Tc1Sleep", c.Tc1Sleep, "must be >= 0")
	case c.Tc2Sleep < 0:
		return paramError("Tc2Sleep", c.Tc2Sleep, "must be >= 0")
	case c.GiveUp <= 0:
		return paramError("GiveUp", c.GiveUp, "must be > 0")
	}
	return nil
}

// ConditionEvent is one step of the handshake, recorded by the thread that
// took it while it held the lock, so Events is in lock order.
type ConditionEvent struct {
	Thread  string        // "Thread-1" (tc1) or "Thread-2" (tc2)
	What    string        // "acquired", "wait", "woke", "notify", "release"
	Waiters int           // for "notify": the waiters it found (Condition.Waiters before the call)
	At      time.Duration // since the scenario started
}

// ConditionResult is what S11 leaves behind.
type ConditionResult struct {
	// Tc1 and Tc2 are the names of the threads running tc1 and tc2:
	// "Thread-1" and "Thread-2" in a model run (each run counts from 1),
	// whatever the process's counter says in real mode.
	Tc1, Tc2 string
	// Lines is the printout, in the order it was printed ("Thread-1 0").
	Lines []string
	// Events is the handshake in lock order: each thread's "acquired",
	// tc1's "wait" and "woke", each of tc2's "notify", and each thread's
	// "release" (recorded just before it releases).
	Events []ConditionEvent
	// Waited reports whether tc1 parked in wait (WaitForVersion's tc1
	// does not when tc2's notify came first).
	Waited bool
	// Woke reports whether tc1 got past its wait: woken by a notify, or
	// (WaitForVersion) found the predicate already true. False only for a
	// real-mode UnguardedWait that gave up.
	Woke bool
	// Notifies counts tc2's notify calls; Heard counts those that found
	// tc1 waiting.
	Notifies, Heard int
}

// Check reports whether r keeps S11's guarded handshake for cfg, the one
// check the scenario's tests and property share: Condition keeps it on
// every schedule, WaitForVersion and UnguardedWait whenever tc1 took the
// lock first. tc1 got past its wait and tc2 notified Count times; the
// printout is the tutorial's order (tc1 0..WaitAt, tc2 0..Count-1, tc1
// the rest); and the handshake in lock order is exactly: tc1 acquires and
// waits, tc2 acquires, notifies Count times (the first notify finds one
// waiter, the others none: notify took tc1 off the waiters) and releases,
// and only then tc1 wakes (no earlier than that release) and releases.
func (r ConditionResult) Check(cfg ConditionConfig) error {
	if err := r.checkCounts(cfg); err != nil {
		return err
	}
	want := conditionLines(r.Tc1, 0, cfg.WaitAt+1)
	want = append(want, conditionLines(r.Tc2, 0, cfg.Count)...)
	want = append(want, conditionLines(r.Tc1, cfg.WaitAt+1, cfg.Count)...)
	if !slices.Equal(r.Lines, want) {
		return fmt.Errorf("lines %q; want %q", r.Lines, want)
	}
	wantEvents := []string{r.Tc1 + " acquired 0", r.Tc1 + " wait 0", r.Tc2 + " acquired 0", r.Tc2 + " notify 1"}
	for range cfg.Count - 1 {
		wantEvents = append(wantEvents, r.Tc2+" notify 0")
	}
	wantEvents = append(wantEvents, r.Tc2+" release 0", r.Tc1+" woke 0", r.Tc1+" release 0")
	got := make([]string, 0, len(r.Events))
	for _, e := range r.Events {
		got = append(got, fmt.Sprintf("%s %s %d", e.Thread, e.What, e.Waiters))
	}
	if !slices.Equal(got, wantEvents) || !r.Waited || r.Heard != 1 {
		return fmt.Errorf("handshake %q (waited %v, heard %d); want %q (waited, heard 1)", got, r.Waited, r.Heard, wantEvents)
	}
	if woke, released := r.Events[len(r.Events)-2], r.Events[len(r.Events)-3]; woke.At < released.At {
		return fmt.Errorf("tc1 woke at %v, before tc2 released the lock at %v", woke.At, released.At)
	}
	return nil
}

// CheckWaitFor reports whether r keeps S11's invariant for a
// WaitForVersion run of cfg on any schedule: if tc1 took the lock first,
// Check's handshake; if tc2 did, tc1 got past wait_for without waiting,
// none of tc2's Count notifies found a waiter, and the printout is tc2's
// lines 0..Count-1, then tc1's.
func (r ConditionResult) CheckWaitFor(cfg ConditionConfig) error {
	if len(r.Events) == 0 || r.Events[0].Thread != r.Tc2 {
		return r.Check(cfg)
	}
	if err := r.checkCounts(cfg); err != nil {
		return err
	}
	want := append(conditionLines(r.Tc2, 0, cfg.Count), conditionLines(r.Tc1, 0, cfg.Count)...)
	if r.Waited || r.Heard != 0 || !slices.Equal(r.Lines, want) {
		return fmt.Errorf("tc2 first: waited %v, heard %d, lines %q; want false, 0, %q", r.Waited, r.Heard, r.Lines, want)
	}
	return nil
}

// checkCounts is what Check and CheckWaitFor share: tc1 got past its wait,
// tc2 notified Count times.
func (r ConditionResult) checkCounts(cfg ConditionConfig) error {
	if !r.Woke || r.Notifies != cfg.Count {
		return fmt.Errorf("woke %v, %d notifies; want true, %d", r.Woke, r.Notifies, cfg.Count)
	}
	return nil
}

// conditionLines returns name's lines "NAME i" for i in [from, to).
func conditionLines(name string, from, to int) []string {
	var lines []string
	for i := from; i < to; i++ {
		lines = append(lines, fmt.Sprintf("%s %d", name, i))
	}
	return lines
}

// condVariant says how tc1 waits and how the threads are started.
type condVariant uint8

const (
	condGuarded   condVariant = iota // Condition: tc2 starts once tc1 holds the lock
	condUnguarded                    // UnguardedWait: the tutorial's code
	condWaitFor                      // WaitForVersion: wait_for(predicate)
)

// condDemo is one run of S11. Every field of res is written while holding
// con's lock, so the threads' records are ordered by it.
type condDemo struct {
	cfg     ConditionConfig
	variant condVariant
	w       io.Writer
	clock   clock
	con     *primitives.Condition
	hasLock primitives.Event // Condition only: set by tc1 once it holds the lock
	res     ConditionResult
	err     error // UnguardedWait in real mode: the lost wake-up
}

// Condition runs S11 as the tutorial means it: tc1 takes the condition's
// lock first (the main thread starts tc2 only once tc1 holds it), prints
// 0..3 and waits; tc2 prints 0..4, notifying after each line; tc1 wakes
// once tc2 released the lock and prints 4. Every schedule prints the
// tutorial's output.
//
// Condition ports the tutorial's Condition example; see the file comment
// for how it differs.
func Condition(w io.Writer, cfg ConditionConfig) (ConditionResult, error) {
	return runCondition(w, cfg, condGuarded)
}

// UnguardedWait is S11's deliberate bug, the tutorial's code as written:
// tc1 and tc2 are started one after the other, and tc1 waits for a notify
// without checking whether it already happened. Under the all-zero schedule
// tc1 takes the lock first and the tutorial's output is printed; if tc2
// takes it first, its notifies find no waiter, and tc1 then waits forever
// (a lost wake-up). In a model run the explorer reports that deadlock
// ("Thread-1 waits on Condition#1 (Condition.Wait) for a Notify") and UnguardedWait never returns; in
// real mode tc1 gives up after cfg.GiveUp, stops printing, and
// UnguardedWait returns Woke false and an error wrapping
// interleave.ErrDeadlock. Python would hang.
func UnguardedWait(w io.Writer, cfg ConditionConfig) (ConditionResult, error) {
	return runCondition(w, cfg, condUnguarded)
}

// WaitForVersion is the fix for UnguardedWait: tc2 counts its notifies in
// state guarded by the lock, and tc1 waits with WaitFor (Python's
// wait_for) until that count is positive. If tc2 ran first, the predicate is
// already true and tc1 does not wait. It never hangs, whichever thread
// takes the lock first; when tc1 does, it prints the tutorial's output.
func WaitForVersion(w io.Writer, cfg ConditionConfig) (ConditionResult, error) {
	return runCondition(w, cfg, condWaitFor)
}

func runCondition(w io.Writer, cfg ConditionConfig, v condVariant) (ConditionResult, error) {
	if err := cfg.validate(); err != nil {
		return ConditionResult{}, err
	}
	d := &condDemo{cfg: cfg, variant: v, w: orDiscard(w), clock: newClock(), con: primitives.NewCondition(nil)}
	t1 := python2Name(primitives.NewThread(d.tc1))
	t2 := python2Name(primitives.NewThread(d.tc2))
	d.res.Tc1, d.res.Tc2 = t1.Name(), t2.Name()
	t1.Start()
	if v == condGuarded {
		d.hasLock.Wait()
	}
	t2.Start()
	t1.Join()
	t2.Join()
	for _, t := range []*primitives.Thread{t1, t2} {
		if err := t.Err(); err != nil {
			return d.res, err
		}
	}
	return d.res, d.err
}

// tc1 is the tutorial's tc1: with con, print i and sleep, and wait at
// WaitAt.
func (d *condDemo) tc1() {
	d.con.Acquire()
	defer d.con.Release()
	d.event("acquired", 0)
	if d.variant == condGuarded {
		d.hasLock.Set()
	}
	defer d.event("release", 0)
	for i := range d.cfg.Count {
		d.print(i)
		primitives.Sleep(d.cfg.Tc1Sleep)
		if i == d.cfg.WaitAt && !d.wait() {
			return
		}
	}
}

// wait is tc1's con.wait(), as each version does it; it reports whether
// tc1 got past it.
func (d *condDemo) wait() bool {
	switch {
	case d.variant == condWaitFor:
		if d.res.Notifies == 0 {
			d.res.Waited = true
			d.event("wait", 0)
		}
		d.con.WaitFor(func() bool { return d.res.Notifies > 0 })
	case d.variant == condUnguarded && !sched.InModel():
		d.res.Waited = true
		d.event("wait", 0)
		if !d.con.WaitTimeout(d.cfg.GiveUp) {
			name := primitives.CurrentThread().Name()
			d.err = fmt.Errorf("%w: %s waits on Condition.Wait for a notify that came before it waited "+
				"(lost wake-up; gave up after %v)", interleave.ErrDeadlock, name, d.cfg.GiveUp)
			return false
		}
	default:
		d.res.Waited = true
		d.event("wait", 0)
		d.con.Wait()
	}
	d.res.Woke = true
	d.event("woke", 0)
	return true
}

// tc2 is the tutorial's tc2: with con, print i, sleep and notify.
func (d *condDemo) tc2() {
	d.con.Acquire()
	defer d.con.Release()
	d.event("acquired", 0)
	defer d.event("release", 0)
	for i := range d.cfg.Count {
		d.print(i)
		primitives.Sleep(d.cfg.Tc2Sleep)
		d.res.Notifies++
		waiters := d.con.Waiters()
		if waiters > 0 {
			d.res.Heard++
		}
		d.event("notify", waiters)
		d.con.Notify(1)
	}
}

// print is `print current_thread().name, i`; the caller holds the lock.
func (d *condDemo) print(i int) {
	line := fmt.Sprintf("%s %d", primitives.CurrentThread().Name(), i)
	fmt.Fprintln(d.w, line)
	d.res.Lines = append(d.res.Lines, line)
}

// event records a step of the handshake; the caller holds the lock.
func (d *condDemo) event(what string, waiters int) {
	d.res.Events = append(d.res.Events, ConditionEvent{
		Thread: primitives.CurrentThread().Name(), What: what, Waiters: waiters, At: d.clock.elapsed(),
	})
}
