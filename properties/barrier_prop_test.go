package properties_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/interleave-lab/interleave/failpoints"
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

func realBarrier(parties int, action func()) barrierAPI {
	return primitives.NewBarrier(parties, action, 0)
}

func brokenBarrier(parties int, action func()) barrierAPI {
	return broken.NewBarrier(parties, action, 0)
}

// barrierGenerations: 2 or 3 parties pass a barrier with an action once
// or twice (generations). The action runs exactly once per generation,
// once every party arrived and before any party leaves that generation; a party
// leaving generation j finds exactly j+1 actions run; the indices of each
// generation are exactly 0..parties-1 (distinct); nobody gets an error.
func barrierGenerations(rt *rapid.T, cov *failpoints.Coverage, mk func(int, func()) barrierAPI) {
	parties := rapid.IntRange(2, 3).Draw(rt, "parties")
	gens := rapid.IntRange(1, 2).Draw(rt, "generations")
	explore(rt, cov, func(v *violations) {
		actions := 0
		arrived := make([]int, gens+1)
		left := make([]int, gens+1)
		indices := make([][]int, gens)
		b := mk(parties, func() {
			if actions < len(left) && left[actions] != 0 {
				v.Fatalf("Barrier action of generation %d ran after %d parties left it", actions, left[actions])
			}
			if actions < len(arrived) && arrived[actions] != parties {
				v.Fatalf("Barrier action of generation %d ran when %d of %d parties had arrived", actions, arrived[actions], parties)
			}
			actions++
		})
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
// (drawn). Exactly those waiters fail with ErrBrokenBarrier. After Abort
// the barrier is broken and a new Wait fails at once; after Reset (or a
// Reset following the Abort) it is not, and a full generation passes with
// indices 0..parties-1 and one action.
func barrierBreak(rt *rapid.T, cov *failpoints.Coverage, mk func(int, func()) barrierAPI) {
	parties := rapid.IntRange(2, 3).Draw(rt, "parties")
	waiters := rapid.IntRange(1, parties-1).Draw(rt, "waiters")
	abort := rapid.Bool().Draw(rt, "Abort (true) or Reset")
	explore(rt, cov, func(v *violations) {
		actions := 0
		b := mk(parties, func() { actions++ })
		broke := 0
		ths := make([]*primitives.Thread, waiters)
		for i := range waiters {
			ths[i] = goThread(fmt.Sprintf("waiter%d", i), func() {
				idx, err := b.Wait()
				if !errors.Is(err, primitives.ErrBrokenBarrier) {
					v.Fatalf("waiter %d: Barrier.Wait() = %d, %v; want ErrBrokenBarrier", i, idx, err)
					return
				}
				broke++
			})
		}
		awaitModel(v, "every waiter in Barrier.Wait", func() bool { return b.NWaiting() == waiters })
		op := "Reset"
		if abort {
			op = "Abort"
			b.Abort()
		} else {
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
	properties.Check(t, "BarrierGenerations", func(rt *rapid.T, cov *failpoints.Coverage) {
		barrierGenerations(rt, cov, realBarrier)
	})
}

func TestPropBarrierBreak(t *testing.T) {
	t.Parallel()
	properties.Check(t, "BarrierBreak", func(rt *rapid.T, cov *failpoints.Coverage) {
		barrierBreak(rt, cov, realBarrier)
	})
}

// TestCatchesBrokenBarrierAction: a barrier whose action runs a second
// time, after the party with index 0 left, fails barrierGenerations.
func TestCatchesBrokenBarrierAction(t *testing.T) {
	t.Parallel()
	properties.Demo(t, "CatchesBrokenBarrierAction",
		func(rt *rapid.T) { barrierGenerations(rt, &failpoints.Coverage{}, brokenBarrier) },
		func(rt *rapid.T) { barrierGenerations(rt, &failpoints.Coverage{}, realBarrier) })
}
