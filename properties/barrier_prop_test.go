package properties_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/properties/internal/broken"
	"pgregory.net/rapid"
)

// barrierAPI is the method set the Barrier properties use, so that the
// real primitives.Barrier and broken.Barrier both plug in.
type barrierAPI interface {
	Wait() (int, error)
	Reset()
	Abort()
	Broken() bool
	NWaiting() int
	Parties() int
}

func realBarrier(parties int, action func(), timeout time.Duration) barrierAPI {
	return primitives.NewBarrier(parties, action, timeout)
}

func brokenBarrier(parties int, action func(), timeout time.Duration) barrierAPI {
	return broken.NewBarrier(parties, action, timeout)
}

// barrierTimeout is the default timeout of the barrier that barrierBreak
// lets time out.
const barrierTimeout = time.Millisecond

// barrierGenerations: 2 or 3 parties pass a barrier with an action once
// or twice (generations). The action runs exactly once per generation,
// once every party arrived and before any party leaves that generation; a party
// leaving generation j finds exactly j+1 actions run; the indices of each
// generation are exactly 0..parties-1 (distinct), in order of arrival, so
// the party that gets parties-1 is the last to arrive, the one that ran the
// action; nobody gets an error.
func barrierGenerations(rt *rapid.T, cov *interleave.Coverage, mk func(int, func(), time.Duration) barrierAPI) {
	parties := rapid.IntRange(2, 3).Draw(rt, "parties")
	gens := rapid.IntRange(1, 2).Draw(rt, "generations")
	explore(rt, cov, func(v *violations) {
		actions := 0
		arrived := make([]int, gens+1)
		left := make([]int, gens+1)
		indices := make([][]int, gens)
		actionBy := make([]string, gens+1) // the thread that ran each generation's action
		b := mk(parties, func() {
			if actions < len(actionBy) {
				actionBy[actions] = primitives.CurrentThread().Name()
			}
			if actions < len(left) && left[actions] != 0 {
				v.Fatalf("Barrier action of generation %d ran after %d parties left it", actions, left[actions])
			}
			if actions < len(arrived) && arrived[actions] != parties {
				v.Fatalf("Barrier action of generation %d ran when %d of %d parties had arrived", actions, arrived[actions], parties)
			}
			actions++
		}, 0)
		if b.Parties() != parties {
			v.Fatalf("Barrier.Parties() = %d; want %d", b.Parties(), parties)
		}
		ths := make([]*primitives.Thread, parties)
		for i := range parties {
			ths[i] = goThread(fmt.Sprintf("party%d", i), func() {
				for j := range gens {
					arrived[j]++
					idx, err := b.Wait()
					if err != nil {
						v.Fatalf("party %d, generation %d: Barrier.Wait() = %d, %v; want no error", i, j, idx, err)
						return
					}
					if actions != j+1 {
						v.Fatalf("party %d leaving generation %d: actions run = %d; want %d", i, j, actions, j+1)
					}
					if me := primitives.CurrentThread().Name(); idx == parties-1 && actionBy[j] != me {
						v.Fatalf("generation %d: %s got index %d (the last to arrive) but the action ran in %q",
							j, me, idx, actionBy[j])
					}
					indices[j] = append(indices[j], idx)
					left[j]++
				}
			})
		}
		joinAll(ths...)
		want := make([]int, parties)
		for i := range want {
			want[i] = i
		}
		for j, got := range indices {
			slices.Sort(got)
			if !slices.Equal(got, want) {
				v.Fatalf("generation %d: Barrier.Wait indices = %v; want %v", j, got, want)
			}
		}
		if actions != gens {
			v.Fatalf("Barrier action ran %d times in %d generations; want %d", actions, gens, gens)
		}
		if b.Broken() || b.NWaiting() != 0 {
			v.Fatalf("at the end: Barrier.Broken() = %v, NWaiting() = %d; want false, 0", b.Broken(), b.NWaiting())
		}
	})
}

// barrierBreak: of a barrier for 2 or 3 parties, 1 to parties-1 waiters
// wait; once NWaiting shows them all, the main thread calls Reset or Abort
// (drawn) — or nobody does, and the barrier's default timeout breaks it,
// not before the first waiter waited that long. Exactly those waiters fail
// with ErrBrokenBarrier. After Abort
// the barrier is broken and a new Wait fails at once; after Reset (or a
// Reset following the Abort) it is not, and a full generation passes with
// indices 0..parties-1 and one action.
func barrierBreak(rt *rapid.T, cov *interleave.Coverage, mk func(int, func(), time.Duration) barrierAPI) {
	parties := rapid.IntRange(2, 3).Draw(rt, "parties")
	waiters := rapid.IntRange(1, parties-1).Draw(rt, "waiters")
	how := rapid.IntRange(0, 2).Draw(rt, "Reset, Abort or the barrier's timeout")
	abort, timeout := how == 1, how == 2
	explore(rt, cov, func(v *violations) {
		actions := 0
		var b barrierAPI
		if timeout {
			b = mk(parties, func() { actions++ }, barrierTimeout)
		} else {
			b = mk(parties, func() { actions++ }, 0)
		}
		broke := 0
		var longest time.Duration // the longest a waiter waited
		ths := make([]*primitives.Thread, waiters)
		for i := range waiters {
			ths[i] = goThread(fmt.Sprintf("waiter%d", i), func() {
				start := sched.Now()
				idx, err := b.Wait()
				if !errors.Is(err, primitives.ErrBrokenBarrier) {
					v.Fatalf("waiter %d: Barrier.Wait() = %d, %v; want ErrBrokenBarrier", i, idx, err)
					return
				}
				longest = max(longest, sched.Now().Sub(start))
				broke++
			})
		}
		op := "Reset"
		switch {
		case timeout:
			op = "timeout"
			abort = true // a barrier that timed out is broken
			joinAll(ths...)
			if longest < barrierTimeout {
				v.Fatalf("Barrier.Wait() broke by its timeout after %v at most; want the first waiter to wait %v", longest, barrierTimeout)
			}
		case abort:
			awaitModel(v, "every waiter in Barrier.Wait", func() bool { return b.NWaiting() == waiters })
			op = "Abort"
			b.Abort()
		default:
			awaitModel(v, "every waiter in Barrier.Wait", func() bool { return b.NWaiting() == waiters })
			b.Reset()
		}
		joinAll(ths...)
		if broke != waiters {
			v.Fatalf("Barrier.%s broke %d waiters; want %d", op, broke, waiters)
		}
		if actions != 0 {
			v.Fatalf("Barrier action ran %d times with no full generation; want 0", actions)
		}
		if got := b.Broken(); got != abort {
			v.Fatalf("after %s: Barrier.Broken() = %v; want %v", op, got, abort)
		}
		if abort {
			if idx, err := b.Wait(); !errors.Is(err, primitives.ErrBrokenBarrier) {
				v.Fatalf("Barrier.Wait() on a broken barrier = %d, %v; want ErrBrokenBarrier", idx, err)
			}
			b.Reset()
			if b.Broken() {
				v.Fatalf("after Abort and Reset: Barrier.Broken() = true; want false")
			}
		}
		if timeout {
			return // a new generation could time out too
		}
		var got []int
		pass := make([]*primitives.Thread, parties)
		for i := range parties {
			pass[i] = goThread(fmt.Sprintf("party%d", i), func() {
				idx, err := b.Wait()
				if err != nil {
					v.Fatalf("party %d after %s: Barrier.Wait() = %d, %v; want no error", i, op, idx, err)
				}
				got = append(got, idx)
			})
		}
		joinAll(pass...)
		slices.Sort(got)
		if want := []int{0, 1, 2}[:parties]; !slices.Equal(got, want) || actions != 1 {
			v.Fatalf("generation after %s: indices %v, actions %d; want %v, 1", op, got, actions, want)
		}
	})
}

func TestPropBarrierGenerations(t *testing.T) {
	t.Parallel()
	properties.Check(t, "BarrierGenerations", func(rt *rapid.T, cov *interleave.Coverage) {
		barrierGenerations(rt, cov, realBarrier)
	})
}

func TestPropBarrierBreak(t *testing.T) {
	t.Parallel()
	properties.Check(t, "BarrierBreak", func(rt *rapid.T, cov *interleave.Coverage) {
		barrierBreak(rt, cov, realBarrier)
	})
}

// TestCatchesBrokenBarrierAction: a barrier whose action runs a second
// time, after the party with index 0 left, fails barrierGenerations.
func TestCatchesBrokenBarrierAction(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenBarrierAction",
		func(rt *rapid.T) { barrierGenerations(rt, &interleave.Coverage{}, brokenBarrier) },
		func(rt *rapid.T) { barrierGenerations(rt, &interleave.Coverage{}, realBarrier) })
}

// TestCatchesBrokenBarrierIndex: a barrier that reads a party's index
// before counting it in, in another critical section, hands out duplicate
// indices under contention, which barrierGenerations catches.
func TestCatchesBrokenBarrierIndex(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	racy := func(parties int, action func(), timeout time.Duration) barrierAPI {
		return broken.NewRacyBarrier(parties, action, timeout)
	}
	properties.Demo(t, "CatchesBrokenBarrierIndex",
		func(rt *rapid.T) { barrierGenerations(rt, &interleave.Coverage{}, racy) },
		func(rt *rapid.T) { barrierGenerations(rt, &interleave.Coverage{}, realBarrier) })
}

// TestCatchesBrokenBarrierArrivalOrder: a barrier that hands out distinct
// indices 0..parties-1 in reverse order of arrival gives index parties-1
// to a party that did not run the action: barrierGenerations catches it.
func TestCatchesBrokenBarrierArrivalOrder(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	reversed := func(parties int, action func(), timeout time.Duration) barrierAPI {
		return broken.NewReversedBarrier(parties, action, timeout)
	}
	properties.Demo(t, "CatchesBrokenBarrierArrivalOrder",
		func(rt *rapid.T) { barrierGenerations(rt, &interleave.Coverage{}, reversed) },
		func(rt *rapid.T) { barrierGenerations(rt, &interleave.Coverage{}, realBarrier) })
}
