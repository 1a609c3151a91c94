package properties_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/properties/internal/broken"
	"pgregory.net/rapid"
)

// eventAPI is the method set the Event property uses, so that the real
// primitives.Event and broken.Event both plug in.
type eventAPI interface {
	Set()
	Clear()
	IsSet() bool
	Wait()
	WaitTimeout(d time.Duration) bool
	Observe() failpoints.Snapshot
}

// eventTimeout is the timeout of the property's timed waiters.
const eventTimeout = 50 * time.Millisecond

// eventWakeups runs one or two rounds; in each, 1 to 3 waiters (Wait or
// WaitTimeout, drawn) wait on a clear event; once the snapshot shows them
// all parked, the main thread Sets it and, if drawn, Clears it at once.
// Every waiter parked when Set ran returns (a Clear right after the Set
// must not send it back to sleep): Wait returns, WaitTimeout returns true
// — or false only if its deadline passed before the Set was over. No
// waiter returns true before the Set. IsSet is true after Set and false
// after Clear; WaitTimeout(0) returns the flag at once.
func eventWakeups(rt *rapid.T, cov *interleave.Coverage, mk func() eventAPI) {
	rounds := rapid.IntRange(1, 2).Draw(rt, "rounds")
	type round struct {
		timed []bool
		clear bool
	}
	plan := make([]round, rounds)
	for r := range plan {
		plan[r].timed = rapid.SliceOfN(rapid.Bool(), 1, 3).Draw(rt, fmt.Sprintf("round %d waiters: WaitTimeout (true) or Wait", r))
		plan[r].clear = rapid.Bool().Draw(rt, fmt.Sprintf("round %d: Clear right after Set", r))
	}
	explore(rt, cov, func(v *violations) {
		e := mk()
		for r, rd := range plan {
			set := false
			returned := 0         // waiters that returned
			var setDone time.Time // when the Set returned (it stored the flag before)
			ths := make([]*primitives.Thread, len(rd.timed))
			for i, timed := range rd.timed {
				ths[i] = goThread(fmt.Sprintf("r%dw%d", r, i), func() {
					defer func() { returned++ }()
					if !timed {
						e.Wait()
						if !set {
							v.Fatalf("round %d: Event.Wait returned before the Set", r)
						}
						return
					}
					deadline := sched.Now().Add(eventTimeout)
					ok := e.WaitTimeout(eventTimeout)
					switch {
					case ok && !set:
						v.Fatalf("round %d: Event.WaitTimeout = true before the Set", r)
					case !ok && set && setDone.Before(deadline):
						v.Fatalf("round %d: Event.WaitTimeout = false at %v; want true: Set was over at %v, before the deadline %v (lost wake-up)",
							r, sched.Now().Sub(sched.Epoch), setDone.Sub(sched.Epoch), deadline.Sub(sched.Epoch))
					case !ok && sched.Now().Before(deadline):
						v.Fatalf("round %d: Event.WaitTimeout = false at %v; want no earlier than its deadline %v",
							r, sched.Now().Sub(sched.Epoch), deadline.Sub(sched.Epoch))
					}
				})
			}
			awaitModel(v, "every waiter parked (or timed out)", func() bool {
				return e.Observe().Waiters+returned == len(rd.timed) || v.Failed()
			})
			e.Set()
			set, setDone = true, sched.Now()
			if !e.IsSet() {
				v.Fatalf("round %d: Event.IsSet() after Set = false; want true", r)
			}
			if rd.clear {
				e.Clear()
				if e.IsSet() {
					v.Fatalf("round %d: Event.IsSet() after Clear = true; want false", r)
				}
			}
			joinAll(ths...)
			if got := e.WaitTimeout(0); got != !rd.clear {
				v.Fatalf("round %d: Event.WaitTimeout(0) = %v; want %v", r, got, !rd.clear)
			}
			e.Clear()
			if e.IsSet() || e.WaitTimeout(0) {
				v.Fatalf("round %d: Event.IsSet() or WaitTimeout(0) after Clear = true; want false", r)
			}
		}
	})
}

func TestPropEventWakeups(t *testing.T) {
	t.Parallel()
	properties.Check(t, "EventWakeups", func(rt *rapid.T, cov *interleave.Coverage) {
		eventWakeups(rt, cov, func() eventAPI { return new(primitives.Event) })
	})
}

// TestCatchesBrokenEventClear: an Event whose woken waiters re-check the
// flag loses the wake-up of a Set followed at once by a Clear, which
// eventWakeups catches (a timed waiter returns false at its deadline, or
// an untimed one never returns: a deadlock).
func TestCatchesBrokenEventClear(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenEventClear",
		func(rt *rapid.T) {
			eventWakeups(rt, &interleave.Coverage{}, func() eventAPI { return new(broken.Event) })
		},
		func(rt *rapid.T) {
			eventWakeups(rt, &interleave.Coverage{}, func() eventAPI { return new(primitives.Event) })
		})
}
