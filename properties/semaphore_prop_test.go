package properties_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/properties/internal/broken"
	"pgregory.net/rapid"
)

// semAPI is the method set the Semaphore properties use, so that the real
// primitives.Semaphore and BoundedSemaphore and broken.Semaphore all plug
// in.
type semAPI interface {
	Acquire()
	TryAcquire() bool
	Release()
	Value() int
}

// semHolders: 3 (or 2) threads each take a unit of a semaphore of value 1
// or 2 (Acquire, or TryAcquire one time in four), hold it for 30 ticks of
// virtual time and give it back, one to three times. The threads holding a unit never
// outnumber the initial value, the value is never negative (nor above the
// initial value: the semaphore starts full), and once every thread is done
// the value is exactly the initial value. Then, sequentially: k Releases
// (k = 0 for a BoundedSemaphore, whose value is at its bound) raise the
// value by exactly k, value+k TryAcquires succeed and the next one fails,
// leaving 0.
func semHolders(rt *rapid.T, cov *interleave.Coverage, mk func(int) semAPI, bounded bool) {
	value := rapid.IntRange(1, 2).Draw(rt, "value")
	threads := 3 - rapid.IntRange(0, 1).Draw(rt, "fewer threads") // 3 unless shrunk to 2
	plans := make([][]int, threads)
	for i := range plans {
		plans[i] = rapid.SliceOfN(rapid.IntRange(0, 3), 1, 3).Draw(rt, fmt.Sprintf("thread %d: TryAcquire (0) or Acquire", i))
	}
	extra := 0
	if !bounded {
		extra = rapid.IntRange(0, 2).Draw(rt, "extra releases")
	}
	explore(rt, cov, func(v *violations) {
		s := mk(value)
		holders := 0
		checkValue := func(step string) {
			if got := s.Value(); got < 0 || got > value {
				v.Fatalf("after %s: Semaphore.Value() = %d; want 0..%d", step, got, value)
			}
		}
		ths := make([]*primitives.Thread, threads)
		for i, plan := range plans {
			ths[i] = goThread(fmt.Sprintf("t%d", i), func() {
				for _, op := range plan {
					if op == 0 {
						if !s.TryAcquire() {
							checkValue("a failed TryAcquire")
							continue
						}
					} else {
						s.Acquire()
					}
					holders++
					if holders > value {
						v.Fatalf("%d threads hold a unit of a semaphore of value %d", holders, value)
					}
					checkValue("Acquire")
					// Hold the unit a while: longer than a preemption (at most
					// 24 ticks), so that a thread preempted in Acquire resumes
					// while it is held.
					sched.Sleep(30 * interleave.Tick)
					holders--
					s.Release()
					checkValue("Release")
				}
			})
		}
		joinAll(ths...)
		if got := s.Value(); got != value {
			v.Fatalf("after every thread released: Semaphore.Value() = %d; want %d", got, value)
		}
		for range extra {
			s.Release()
		}
		if got := s.Value(); got != value+extra {
			v.Fatalf("after %d more Releases: Semaphore.Value() = %d; want %d", extra, got, value+extra)
		}
		for n := range value + extra {
			if !s.TryAcquire() {
				v.Fatalf("TryAcquire #%d with value %d = false; want true", n+1, value+extra-n)
			}
		}
		if s.TryAcquire() {
			v.Fatalf("TryAcquire with value 0 = true; want false")
		}
		if got := s.Value(); got != 0 {
			v.Fatalf("after taking every unit: Semaphore.Value() = %d; want 0", got)
		}
	})
}

func TestPropSemaphoreHolders(t *testing.T) {
	t.Parallel()
	properties.Check(t, "SemaphoreHolders", func(rt *rapid.T, cov *interleave.Coverage) {
		semHolders(rt, cov, func(n int) semAPI { return primitives.NewSemaphore(n) }, false)
	})
}

func TestPropBoundedSemaphoreHolders(t *testing.T) {
	t.Parallel()
	properties.Check(t, "BoundedSemaphoreHolders", func(rt *rapid.T, cov *interleave.Coverage) {
		semHolders(rt, cov, func(n int) semAPI { return primitives.NewBoundedSemaphore(n) }, true)
	})
}

// TestPropBoundedSemaphoreOverRelease: a thread holding some units of a
// BoundedSemaphore gives back more than it took, with Release or
// ReleaseN, while another thread takes and gives back a unit: the release
// that would raise the value above the bound panics with ErrOverRelease
// and leaves the value unchanged, and the value never exceeds the bound.
func TestPropBoundedSemaphoreOverRelease(t *testing.T) {
	t.Parallel()
	properties.Check(t, "BoundedSemaphoreOverRelease", func(rt *rapid.T, cov *interleave.Coverage) {
		bound := rapid.IntRange(1, 3).Draw(rt, "bound")
		took := rapid.IntRange(0, bound).Draw(rt, "units taken")
		n := rapid.IntRange(took+1, bound+1).Draw(rt, "ReleaseN n")
		explore(rt, cov, func(v *violations) {
			s := primitives.NewBoundedSemaphore(bound)
			for range took {
				s.Acquire()
			}
			other := goThread("other", func() {
				if s.TryAcquire() {
					failpoints.Hit(failpoints.ScenarioStep, nil)
					s.Release()
				}
				if got := s.Value(); got > bound {
					v.Fatalf("BoundedSemaphore.Value() = %d; want <= %d", got, bound)
				}
			})
			joinAll(other)
			before := s.Value()
			err := errOf(catchPanic(func() { s.ReleaseN(n) }))
			if want := before+n > bound; want != (err != nil) || (want && !errors.Is(err, primitives.ErrOverRelease)) {
				v.Fatalf("BoundedSemaphore.ReleaseN(%d) at value %d of %d panicked with %v; want ErrOverRelease: %v", n, before, bound, err, want)
			}
			if got := s.Value(); err != nil && got != before {
				v.Fatalf("after a failed ReleaseN(%d): BoundedSemaphore.Value() = %d; want %d (unchanged)", n, got, before)
			}
			for s.Value() < bound {
				s.Release()
			}
			err = errOf(catchPanic(s.Release))
			if !errors.Is(err, primitives.ErrOverRelease) {
				v.Fatalf("BoundedSemaphore.Release() at its bound %d panicked with %v; want ErrOverRelease", bound, err)
			}
			if got := s.Value(); got != bound {
				v.Fatalf("after a failed Release: BoundedSemaphore.Value() = %d; want %d", got, bound)
			}
		})
	})
}

// TestCatchesBrokenSemaphoreOverGrant: a semaphore that checks its value
// and takes a unit in two steps lets two threads in at value 1, which
// semHolders catches.
func TestCatchesBrokenSemaphoreOverGrant(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenSemaphoreOverGrant",
		func(rt *rapid.T) {
			semHolders(rt, &interleave.Coverage{}, func(n int) semAPI { return broken.NewSemaphore(n) }, false)
		},
		func(rt *rapid.T) {
			semHolders(rt, &interleave.Coverage{}, func(n int) semAPI { return primitives.NewSemaphore(n) }, false)
		})
}

// semReleaseN: k threads (1 to 3) block in Acquire on a semaphore at 0;
// once all are parked, the main thread calls ReleaseN(n), n 1 to 3 (for a
// BoundedSemaphore of bound 3, taken to 0 first). Exactly min(n, k) of
// them get through: right after ReleaseN, k - min(n, k) are still parked;
// the woken ones all pass; once they have, the rest are still parked and
// the value is exactly max(0, n-k). Then Releases let the rest through
// one by one.
func semReleaseN(rt *rapid.T, cov *interleave.Coverage, bounded bool) {
	k := rapid.IntRange(1, 3).Draw(rt, "blocked acquirers")
	n := rapid.IntRange(1, 3).Draw(rt, "ReleaseN n")
	explore(rt, cov, func(v *violations) {
		var s interface {
			semAPI
			ReleaseN(int)
			Observe() failpoints.Snapshot
		}
		if bounded {
			b := primitives.NewBoundedSemaphore(3)
			for range 3 {
				b.Acquire()
			}
			s = b
		} else {
			s = primitives.NewSemaphore(0)
		}
		passed := 0
		ths := make([]*primitives.Thread, k)
		for i := range k {
			ths[i] = goThread(fmt.Sprintf("acquirer%d", i), func() {
				s.Acquire()
				passed++
			})
		}
		awaitModel(v, "every acquirer parked", func() bool { return s.Observe().Waiters == k })
		s.ReleaseN(n)
		woken := min(n, k)
		if got := s.Observe().Waiters; got != k-woken {
			v.Fatalf("right after ReleaseN(%d) with %d parked: %d still parked; want %d", n, k, got, k-woken)
		}
		awaitModel(v, "the woken acquirers passed", func() bool { return passed >= woken })
		sched.Sleep(pollStep) // any extra (wrongly woken) acquirer passes now
		if passed != woken || s.Observe().Waiters != k-woken {
			v.Fatalf("after ReleaseN(%d) with %d blocked: %d passed, %d parked; want %d, %d", n, k, passed, s.Observe().Waiters, woken, k-woken)
		}
		if got := s.Value(); got != max(0, n-k) {
			v.Fatalf("after ReleaseN(%d) with %d blocked: Value() = %d; want %d", n, k, got, max(0, n-k))
		}
		for range k - woken {
			s.Release()
		}
		joinAll(ths...)
		if got := s.Value(); passed != k || got != max(0, n-k) {
			v.Fatalf("at the end: %d passed, Value() = %d; want %d, %d", passed, got, k, max(0, n-k))
		}
	})
}

func TestPropSemaphoreReleaseN(t *testing.T) {
	t.Parallel()
	properties.Check(t, "SemaphoreReleaseN", func(rt *rapid.T, cov *interleave.Coverage) { semReleaseN(rt, cov, false) })
}

func TestPropBoundedSemaphoreReleaseN(t *testing.T) {
	t.Parallel()
	properties.Check(t, "BoundedSemaphoreReleaseN", func(rt *rapid.T, cov *interleave.Coverage) { semReleaseN(rt, cov, true) })
}
