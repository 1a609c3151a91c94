package scenarios

// S10 event: the tutorial's "Event" section.
//
//	def test_event():
//	    e = Event()
//	    def test():
//	        for i in range(5):
//	            print 'start wait'
//	            e.wait()
//	            e.clear()  # without clear() the flag stays True and wait() no longer blocks
//	            print i
//	Thread(target=test).start()
//	return e
//
//	e = test_event()
//
// The last two lines of test_event are mis-indented in the tutorial (at
// module level, `return` outside a function is a SyntaxError); the port
// does what they mean: test_event starts the thread and returns the event.
// The tutorial leaves the setting to the reader; the port's main thread
// sets the event Signals times, sleeping Interval before each set, then
// joins the thread (Python's interpreter would wait for it at exit), and
// finally shows that wait(timeout) on an unset event returns False once the
// timeout passed. Python 2.7 prints
//
//	start wait
//	0
//	start wait
//	...
//	4
//	False
//
// The thread counts sets with an event: one wait()/clear() per set. That is
// only right while every set is cleared before the next one lands; a set
// that lands between the waiter's wait() and its clear() is erased by the
// clear and lost. The tutorial's sleeps make that unlikely, not impossible:
//
//   - Event, the correct version, makes it impossible: before each set the
//     main thread checks that the previous one was cleared (only the waiter
//     clears, so once the flag is clear a new set cannot be lost), and
//     sleeps another Interval if not. The checks cost nothing when the
//     waiter keeps up, which is always the case under the all-zero
//     schedule, so the printout is the tutorial's.
//   - EventAsCounter, the deliberate bug, trusts the sleeps. A waiter held
//     up between wait() and clear() for longer than Interval (the explorer
//     delays it at the failpoint ScenarioStep placed there) misses the next
//     set: fewer signals are seen than sent.

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// EventConfig is the shape of S10.
type EventConfig struct {
	// Signals is how many times the main thread sets the event, and how
	// many waits the waiter makes: the tutorial's range(5). 1 to 1000.
	Signals int
	// Interval is the main thread's sleep before each set (and, in Event,
	// between its checks that the last set was cleared). > 0.
	Interval time.Duration
	// Timeout is the timeout of the final wait(timeout) on the unset
	// event. > 0.
	Timeout time.Duration
}

// DefaultEventConfig returns five signals a second apart and a final
// wait(0.5).
func DefaultEventConfig() EventConfig {
	return EventConfig{Signals: 5, Interval: time.Second, Timeout: 500 * time.Millisecond}
}

func (c EventConfig) validate() error {
	switch {
	case c.Signals < 1 || c.Signals > 1000:
		return paramError("Signals", c.Signals, "must be between 1 and 1000")
	case c.Interval <= 0:
		return paramError("Interval", c.Interval, "must be > 0 (a zero interval would spin without letting time pass)")
	case c.Timeout <= 0:
		return paramError("Timeout", c.Timeout, "must be > 0")
	}
	return nil
}

// EventResult is what S10 leaves behind.
type EventResult struct {
	// Lines is the printout, in order.
	Lines []string
	// Sent counts the main thread's signalling sets (EventAsCounter's final
	// "done" set is not one); SetAt holds their times.
	Sent  int
	SetAt []time.Duration
	// Seen counts the signals the waiter saw (its wait() returned for a
	// signal); SeenAt holds when each wait returned.
	Seen   int
	SeenAt []time.Duration
	// Polls counts the extra Intervals Event's main thread slept because
	// the previous set was not cleared yet (0 when the waiter keeps up;
	// always 0 for EventAsCounter, which does not check).
	Polls int
	// TimedOut reports that the final wait(Timeout) on the unset event
	// returned false, and Waited how long it took (exactly Timeout in a
	// model run). EventAsCounter does not make that wait.
	TimedOut bool
	Waited   time.Duration
}

// Lost returns the signals sent but never seen.
func (r EventResult) Lost() int { return r.Sent - r.Seen }

// CheckSignals reports whether r saw every signal of cfg, the part of
// S10's invariant that Event keeps on every schedule and EventAsCounter
// only on some (its demo's check): the main thread sent cfg.Signals sets,
// each no earlier than (k+1)*Interval; the waiter saw as many, none lost;
// and each wait returned no earlier than its set.
func (r EventResult) CheckSignals(cfg EventConfig) error {
	if r.Sent != cfg.Signals || r.Seen != r.Sent || len(r.SetAt) != r.Sent || len(r.SeenAt) != r.Seen {
		return fmt.Errorf("sent %d (%d times), seen %d (%d times); want %d each (no signal lost)",
			r.Sent, len(r.SetAt), r.Seen, len(r.SeenAt), cfg.Signals)
	}
	for k := range r.SeenAt {
		if after := cfg.Interval * time.Duration(k+1); r.SeenAt[k] < r.SetAt[k] || r.SetAt[k] < after {
			return fmt.Errorf("signal %d: set at %v, wait returned at %v; want the wait after the set, the set after %v",
				k, r.SetAt[k], r.SeenAt[k], after)
		}
	}
	return nil
}

// Check reports whether r keeps S10's invariant for an Event run of cfg on
// any schedule of a model run, the one check the scenario's tests and
// property share: CheckSignals, and the final wait(Timeout) on the unset
// event returned false after exactly Timeout (the waiter has ended, main
// is alone, so no delay can stretch it) and printed "False" last.
func (r EventResult) Check(cfg EventConfig) error {
	if err := r.CheckSignals(cfg); err != nil {
		return err
	}
	if len(r.Lines) == 0 || !r.TimedOut || r.Waited != cfg.Timeout || r.Lines[len(r.Lines)-1] != "False" {
		return fmt.Errorf("final wait(timeout): timed out %v after %v, printed %q; want true after %v, \"False\" last",
			r.TimedOut, r.Waited, r.Lines, cfg.Timeout)
	}
	return nil
}

// eventDemo is one run of S10. The waiter writes Lines (before the main
// thread's final line), Seen and SeenAt; the main thread reads them only
// after joining it. Sent, SetAt and Polls are the main thread's.
type eventDemo struct {
	cfg   EventConfig
	w     io.Writer
	clock clock
	e     *primitives.Event
	done  atomic.Bool // EventAsCounter: no more signals will be sent
	res   EventResult
}

func (d *eventDemo) print(line string) {
	fmt.Fprintln(d.w, line)
	d.res.Lines = append(d.res.Lines, line)
}

// Event runs S10 as the tutorial means it, made safe on every schedule: a
// thread waits for the event and clears it cfg.Signals times, printing
// "start wait" before each wait and i after each clear; the main thread
// sets the event cfg.Signals times, each after sleeping cfg.Interval and
// only once the previous set was cleared. Then it joins the thread and
// waits cfg.Timeout on the unset event, which returns false ("False" is
// printed). Every signal is seen, on every schedule.
//
// Event ports the tutorial's Event example; see the file comment for how
// it differs.
func Event(w io.Writer, cfg EventConfig) (EventResult, error) {
	if err := cfg.validate(); err != nil {
		return EventResult{}, err
	}
	d := &eventDemo{cfg: cfg, w: orDiscard(w), clock: newClock()}
	e, t := d.testEvent(d.test)
	for range cfg.Signals {
		primitives.Sleep(cfg.Interval)
		for e.IsSet() { // the last signal is not consumed yet: setting now would lose this one
			d.res.Polls++
			primitives.Sleep(cfg.Interval)
		}
		// Harmless window: only the waiter clears, so the flag stays clear.
		failpoints.Hit(failpoints.ScenarioCheckAct, e)
		d.set(e)
	}
	t.Join()
	if err := t.Err(); err != nil {
		return d.res, err
	}
	start := d.clock.elapsed()
	d.res.TimedOut = !e.WaitTimeout(cfg.Timeout)
	d.res.Waited = d.clock.elapsed() - start
	d.print(pyBool(!d.res.TimedOut))
	return d.res, nil
}

// EventAsCounter is S10's deliberate bug: the tutorial's reliance on its
// sleeps. The main thread sets the event cfg.Signals times, cfg.Interval
// apart, without checking that the waiter consumed the previous set, then
// tells the waiter it is done (a flag, and one more set) and joins it. The
// waiter counts the times its wait() returns, clearing the event after
// each. Under the all-zero schedule every signal is seen. If the waiter is
// held up between wait() and clear() (at failpoint ScenarioStep, or inside
// Wait and Clear) for longer than cfg.Interval, the next set finds the flag
// still set, and the clear then erases it: Seen < Sent, and Lost() > 0.
// The run always ends (the waiter stops at the "done" set).
func EventAsCounter(w io.Writer, cfg EventConfig) (EventResult, error) {
	if err := cfg.validate(); err != nil {
		return EventResult{}, err
	}
	d := &eventDemo{cfg: cfg, w: orDiscard(w), clock: newClock()}
	e, t := d.testEvent(d.count)
	for range cfg.Signals {
		primitives.Sleep(cfg.Interval)
		d.set(e)
	}
	primitives.Sleep(cfg.Interval)
	d.done.Store(true)
	e.Set()
	t.Join()
	if err := t.Err(); err != nil {
		return d.res, err
	}
	d.print(fmt.Sprintf("sent %d, seen %d", d.res.Sent, d.res.Seen))
	return d.res, nil
}

// testEvent is the tutorial's test_event(): it makes the event and starts
// the waiter on it. Unlike Python's, it also returns the thread, for the
// main thread to join.
func (d *eventDemo) testEvent(waiter func()) (*primitives.Event, *primitives.Thread) {
	d.e = new(primitives.Event)
	t := primitives.NewThread(waiter)
	t.Start()
	return d.e, t
}

// set is the main thread's e.set(), recorded.
func (d *eventDemo) set(e *primitives.Event) {
	e.Set()
	d.res.Sent++
	d.res.SetAt = append(d.res.SetAt, d.clock.elapsed())
}

// test is the tutorial's test(): wait, clear, print i, Signals times.
func (d *eventDemo) test() {
	e := d.e
	for i := range d.cfg.Signals {
		d.print("start wait")
		e.Wait()
		d.seen(d.clock.elapsed())
		failpoints.Hit(failpoints.ScenarioStep, e) // between wait() and clear()
		e.Clear()
		d.print(fmt.Sprint(i))
	}
}

// count is EventAsCounter's waiter: the same loop, counting signals until
// the main thread says it is done.
func (d *eventDemo) count() {
	e := d.e
	for i := 0; ; i++ {
		d.print("start wait")
		e.Wait()
		at := d.clock.elapsed()
		failpoints.Hit(failpoints.ScenarioStep, e) // between wait() and clear(): a set landing here is lost
		e.Clear()
		if d.done.Load() {
			return
		}
		d.seen(at)
		d.print(fmt.Sprint(i))
	}
}

// seen counts a signal whose wait returned at at.
func (d *eventDemo) seen(at time.Duration) {
	d.res.Seen++
	d.res.SeenAt = append(d.res.SeenAt, at)
}
