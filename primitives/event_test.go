package primitives_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py EventTests. test_repr checks
// Observe; test_at_fork_reinit has no Go counterpart.

const hLong = time.Hour // CPython's support.LONG_TIMEOUT: never reached in these tests

func TestEvent_test_is_set(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var evt primitives.Event
		for i, step := range []struct {
			do   func()
			want bool
		}{{nil, false}, {evt.Set, true}, {evt.Set, true}, {evt.Clear, false}, {evt.Clear, false}} {
			if step.do != nil {
				step.do()
			}
			if got := evt.IsSet(); got != step.want {
				e.Errorf("step %d: IsSet() = %v; want %v", i, got, step.want)
			}
		}
	})
}

func hEventCheckNotify(e *hEnv, evt *primitives.Event) {
	// All threads get notified.
	const N = 5
	var results1, results2 hList[bool]
	f := func() {
		evt.Wait()
		results1.Append(true) // Wait returns only once the flag was set
		results2.Append(evt.WaitTimeout(hLong))
	}
	b := e.Bunch(N, f, false)
	e.WaitUntil("5 threads blocked on Wait", func() bool { return evt.Observe().Waiters == N })
	if n := results1.Len(); n != 0 {
		e.Errorf("%d threads returned from Wait before Set; want 0", n)
	}
	evt.Set()
	b.Wait()
	hEqual(e, "results1", results1.Get(), hRepeat(true, N))
	hEqual(e, "results2", results2.Get(), hRepeat(true, N))
}

func TestEvent_test_notify(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var evt primitives.Event
		hEventCheckNotify(e, &evt)
		// Another time, after an explicit Clear.
		evt.Set()
		evt.Clear()
		hEventCheckNotify(e, &evt)
	})
}

func TestEvent_test_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var evt primitives.Event
		d := e.Dur(500 * time.Millisecond)
		type res struct {
			r  bool
			dt time.Duration
		}
		var results1 hList[bool]
		var results2 hList[res]
		const N = 5
		f := func() {
			results1.Append(evt.WaitTimeout(0))
			t1 := e.Now()
			r := evt.WaitTimeout(d)
			results2.Append(res{r, e.Now().Sub(t1)})
		}
		e.Bunch(N, f, false).Wait()
		hEqual(e, "results1", results1.Get(), hRepeat(false, N))
		for _, x := range results2.Get() {
			if x.r {
				e.Errorf("WaitTimeout(%v) on an unset event = true; want false", d)
			}
			e.CheckElapsed(fmt.Sprintf("WaitTimeout(%v)", d), x.dt, d)
		}
		if n := evt.Observe().Waiters; n != 0 {
			e.Errorf("Waiters after every wait timed out = %d; want 0", n)
		}

		// The event is set.
		results1.Clear()
		results2.Clear()
		evt.Set()
		e.Bunch(N, f, false).Wait()
		hEqual(e, "results1", results1.Get(), hRepeat(true, N))
		for _, x := range results2.Get() {
			if !x.r {
				e.Errorf("WaitTimeout(%v) on a set event = false; want true", d)
			}
		}
	})
}

func TestEvent_test_set_and_clear(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		// gh-57711: Wait returns true even when the event is cleared before
		// the waiting thread is woken up.
		var evt primitives.Event
		var results hList[bool]
		const N = 5
		b := e.Bunch(N, func() { results.Append(evt.WaitTimeout(hLong)) }, false)
		e.WaitUntil("5 threads blocked on WaitTimeout", func() bool { return evt.Observe().Waiters == N })
		evt.Set()
		evt.Clear()
		b.Wait()
		hEqual(e, "results", results.Get(), hRepeat(true, N))
	})
}

func TestEvent_test_repr(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var evt primitives.Event
		if s := evt.Observe(); s.Kind != "Event" || s.State != "clear" {
			e.Errorf("Observe() of a new Event = %+v; want kind Event, unset", s)
		}
		evt.Set()
		if s := evt.Observe(); s.State != "set" {
			e.Errorf("Observe() of a set Event = %+v; want State set", s)
		}
	})
}

// --- Go-specific checks ---

// In every schedule drawn: a waiter returns true only after a Set, false
// only at or after its deadline, and leaves no trace in the queue.
func TestEvent_set_clear_explored(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			var evt primitives.Event
			now := func() time.Duration { return sched.Now().Sub(sched.Epoch) }
			setAt := time.Duration(-1)
			done := primitives.NewSemaphore(0)
			for i := range 3 {
				sched.Spawn(nil, false, func() {
					d := time.Duration(i+1) * time.Millisecond
					deadline := now() + d
					r := evt.WaitTimeout(d)
					at := now()
					if r && (setAt < 0 || setAt > at) {
						panic(fmt.Sprintf("waiter %d returned true at %v without a Set (set at %v)", i, at, setAt))
					}
					if !r && at < deadline {
						panic(fmt.Sprintf("waiter %d returned false at %v, before its deadline %v", i, at, deadline))
					}
					done.Release()
				})
			}
			sched.Spawn(nil, false, func() {
				sched.Sleep(2 * time.Millisecond)
				evt.Set()
				setAt = now() // no scheduling point since the flag was stored
				evt.Clear()
				done.Release()
			})
			for range 4 {
				done.Acquire()
			}
			if n := evt.Observe().Waiters; n != 0 {
				panic(fmt.Sprintf("%d waiters left in the queue", n))
			}
		})
	})
}

func ExampleEvent() {
	var ready primitives.Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		ready.Wait()
		fmt.Println("worker: the event is set")
	}()
	fmt.Println("waiting with a timeout:", ready.WaitTimeout(time.Millisecond))
	ready.Set()
	<-done
	fmt.Println("set:", ready.IsSet())
	ready.Clear()
	fmt.Println("after Clear:", ready.IsSet())
	// Output:
	// waiting with a timeout: false
	// worker: the event is set
	// set: true
	// after Clear: false
}
