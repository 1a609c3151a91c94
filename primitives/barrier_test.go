package primitives_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py BarrierTests: N = 5 parties,
// a default timeout of 2s, and an Abort in tearDown. test_repr checks
// NWaiting, Parties and Broken.

const (
	hBarrierN       = 5
	hBarrierTimeout = 2 * time.Second // defaultTimeout; only the timeout tests reach it
)

// hBarrierTest is CPython's setUp/tearDown around a body.
func hBarrierTest(t *testing.T, run func(*testing.T, func(*hEnv)), body func(e *hEnv, b *primitives.Barrier)) {
	t.Helper()
	run(t, func(e *hEnv) {
		timeout := hBarrierTimeout
		if e.rt != nil {
			timeout = 0 // a drawn delay may reach past any deadline
		}
		b := primitives.NewBarrier(hBarrierN, nil, timeout)
		defer b.Abort()
		body(e, b)
	})
}

// runThreads runs f in N threads and waits for them.
func hRunThreads(e *hEnv, f func()) { e.Bunch(hBarrierN, f, false).Wait() }

func hWait(e *hEnv, b *primitives.Barrier) int {
	e.t.Helper()
	i, err := b.Wait()
	if err != nil {
		e.Fatalf("Barrier.Wait: %v; want no error", err)
	}
	return i
}

func hMultipass(e *hEnv, b *primitives.Barrier, results *[2]hList[bool], n int) {
	m := b.Parties()
	if m != hBarrierN {
		e.Errorf("Parties() = %d; want %d", m, hBarrierN)
	}
	for i := range n {
		results[0].Append(true)
		if got := results[1].Len(); got != i*m {
			e.Errorf("pass %d: len(results[1]) = %d before the first wait; want %d", i, got, i*m)
		}
		hWait(e, b)
		results[1].Append(true)
		if got := results[0].Len(); got != (i+1)*m {
			e.Errorf("pass %d: len(results[0]) = %d before the second wait; want %d", i, got, (i+1)*m)
		}
		hWait(e, b)
	}
	if n := b.NWaiting(); n != 0 {
		e.Errorf("NWaiting() after the passes = %d; want 0", n)
	}
	if b.Broken() {
		e.Errorf("Broken() after the passes = true; want false")
	}
}

func TestBarrier_test_constructor(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		hPanics(e, "parties 0", primitives.ErrNegativeValue, func() { primitives.NewBarrier(0, nil, 0) })
		hPanics(e, "parties -1", primitives.ErrNegativeValue, func() { primitives.NewBarrier(-1, nil, 0) })
		hPanics(e, "timeout -1s", primitives.ErrNegativeValue, func() { primitives.NewBarrier(1, nil, -time.Second) })
	})
}

func hTestBarrier(t *testing.T, passes int) {
	hBarrierTest(t, hAll, func(e *hEnv, b *primitives.Barrier) {
		var results [2]hList[bool]
		hRunThreads(e, func() { hMultipass(e, b, &results, passes) })
	})
}

// Test that a barrier is passed in lockstep.
func TestBarrier_test_barrier(t *testing.T) { hTestBarrier(t, 1) }

// Test that a barrier works for 10 consecutive runs.
func TestBarrier_test_barrier_10(t *testing.T) { hTestBarrier(t, 10) }

// Test the return value of Wait: distinct indices 0..N-1.
func TestBarrier_test_wait_return(t *testing.T) {
	hBarrierTest(t, hAll, func(e *hEnv, b *primitives.Barrier) {
		var results hList[int]
		hRunThreads(e, func() { results.Append(hWait(e, b)) })
		r := results.Get()
		slices.Sort(r)
		hEqual(e, "sorted indices", r, []int{0, 1, 2, 3, 4})
	})
}

// Test the action callback.
func TestBarrier_test_action(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var results hList[bool]
		barrier := primitives.NewBarrier(hBarrierN, func() { results.Append(true) }, 0)
		hRunThreads(e, func() {
			hWait(e, barrier)
			if n := results.Len(); n != 1 {
				e.Errorf("the action ran %d times before Wait returned; want 1", n)
			}
		})
	})
}

// Test that an abort puts the barrier in a broken state.
func TestBarrier_test_abort(t *testing.T) {
	hBarrierTest(t, hAll, func(e *hEnv, b *primitives.Barrier) {
		var results1, results2 hList[bool]
		hRunThreads(e, func() {
			i, err := b.Wait()
			if err == nil && i == hBarrierN/2 {
				b.Abort() // CPython raises RuntimeError here and aborts in the handler
				return
			}
			if err == nil {
				_, err = b.Wait()
			}
			if errors.Is(err, primitives.ErrBrokenBarrier) {
				results2.Append(true)
			} else if err == nil {
				results1.Append(true)
			} else {
				e.Errorf("Wait: %v; want nil or ErrBrokenBarrier", err)
			}
		})
		if n := results1.Len(); n != 0 {
			e.Errorf("%d threads passed the aborted barrier; want 0", n)
		}
		if n := results2.Len(); n != hBarrierN-1 {
			e.Errorf("%d threads got ErrBrokenBarrier; want %d", n, hBarrierN-1)
		}
		if !b.Broken() {
			e.Errorf("Broken() after Abort = false; want true")
		}
	})
}

// Test that a reset frees the waiting threads.
func TestBarrier_test_reset(t *testing.T) {
	hBarrierTest(t, hAll, func(e *hEnv, b *primitives.Barrier) {
		var results1, results2, results3 hList[bool]
		hRunThreads(e, func() {
			i := hWait(e, b)
			if i == hBarrierN/2 {
				// Wait until the other threads are all in the barrier.
				e.WaitUntil("N-1 parties waiting", func() bool { return b.NWaiting() >= hBarrierN-1 })
				b.Reset()
			} else {
				_, err := b.Wait()
				switch {
				case err == nil:
					results1.Append(true)
				case errors.Is(err, primitives.ErrBrokenBarrier):
					results2.Append(true)
				default:
					e.Errorf("Wait: %v; want nil or ErrBrokenBarrier", err)
				}
			}
			// Now, pass the barrier again.
			hWait(e, b)
			results3.Append(true)
		})
		if n := results1.Len(); n != 0 {
			e.Errorf("results1 = %d; want 0", n)
		}
		if n := results2.Len(); n != hBarrierN-1 {
			e.Errorf("results2 = %d; want %d", n, hBarrierN-1)
		}
		if n := results3.Len(); n != hBarrierN {
			e.Errorf("results3 = %d; want %d", n, hBarrierN)
		}
	})
}

// Test that a barrier can be reset after being broken.
func TestBarrier_test_abort_and_reset(t *testing.T) {
	hBarrierTest(t, hAll, func(e *hEnv, b *primitives.Barrier) {
		var results1, results2, results3 hList[bool]
		barrier2 := primitives.NewBarrier(hBarrierN, nil, 0)
		hRunThreads(e, func() {
			i, err := b.Wait()
			switch {
			case err == nil && i == hBarrierN/2:
				b.Abort()
			case err == nil:
				if _, err = b.Wait(); err == nil {
					results1.Append(true)
				}
			}
			if errors.Is(err, primitives.ErrBrokenBarrier) {
				results2.Append(true)
			}
			// Synchronize and reset the barrier. Must synchronize first so
			// that everyone has left it when we reset, and after so that no
			// one enters it before the reset.
			if hWait(e, barrier2) == hBarrierN/2 {
				b.Reset()
			}
			hWait(e, barrier2)
			hWait(e, b)
			results3.Append(true)
		})
		if n := results1.Len(); n != 0 {
			e.Errorf("results1 = %d; want 0", n)
		}
		if n := results2.Len(); n != hBarrierN-1 {
			e.Errorf("results2 = %d; want %d", n, hBarrierN-1)
		}
		if n := results3.Len(); n != hBarrierN {
			e.Errorf("results3 = %d; want %d", n, hBarrierN)
		}
	})
}

// Test WaitTimeout: one party is late, the others' shorter timeout breaks
// the barrier for everybody.
func TestBarrier_test_timeout(t *testing.T) {
	hBarrierTest(t, hModelOnly, func(e *hEnv, b *primitives.Barrier) {
		var broken hList[time.Duration]
		t0 := e.Now()
		hRunThreads(e, func() {
			i := hWait(e, b)
			if i == hBarrierN/2 {
				e.Sleep(hBarrierTimeout / 2) // one thread is late
			}
			// The default timeout is 2s, so this is shorter.
			_, err := b.WaitTimeout(hBarrierTimeout / 4)
			if !errors.Is(err, primitives.ErrBrokenBarrier) {
				e.Errorf("WaitTimeout(%v) = %v; want ErrBrokenBarrier", hBarrierTimeout/4, err)
			}
			broken.Append(e.Now().Sub(t0))
		})
		for _, at := range broken.Get() {
			// Four time out (or are woken by the first timeout) at 0.5s; the
			// late one finds the barrier broken at 1s.
			if at != hBarrierTimeout/4 && at != hBarrierTimeout/2 {
				e.Errorf("a party got ErrBrokenBarrier at %v; want %v or %v", at, hBarrierTimeout/4, hBarrierTimeout/2)
			}
		}
	})
}

// Test the barrier's default timeout.
func TestBarrier_test_default_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		timeout := e.Dur(100 * time.Millisecond)
		barrier := primitives.NewBarrier(2, nil, timeout)
		var dt hList[time.Duration]
		e.Bunch(1, func() {
			t0 := e.Now()
			if _, err := barrier.Wait(); !errors.Is(err, primitives.ErrBrokenBarrier) {
				e.Errorf("Wait with nobody else = %v; want ErrBrokenBarrier", err)
			}
			dt.Append(e.Now().Sub(t0))
		}, false).Wait()
		e.CheckElapsed("Wait with the default timeout", dt.Get()[0], timeout)
		if !barrier.Broken() {
			e.Errorf("Broken() after a timeout = false; want true")
		}
	})
}

func TestBarrier_test_single_thread(t *testing.T) {
	hAll(t, func(e *hEnv) {
		b := primitives.NewBarrier(1, nil, 0)
		if i := hWait(e, b); i != 0 {
			e.Errorf("Wait() = %d; want 0", i)
		}
		if i := hWait(e, b); i != 0 {
			e.Errorf("second Wait() = %d; want 0", i)
		}
	})
}

func TestBarrier_test_repr(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		barrier := primitives.NewBarrier(3, nil, 0)
		if n, p := barrier.NWaiting(), barrier.Parties(); n != 0 || p != 3 {
			e.Errorf("waiters = %d/%d; want 0/3", n, p)
		}
		b := e.Bunch(2, func() {
			if _, err := barrier.WaitTimeout(hLong); err != nil {
				e.Errorf("WaitTimeout: %v", err)
			}
		}, false)
		e.WaitUntil("2 parties waiting", func() bool { return barrier.NWaiting() >= 2 })
		if s := barrier.Observe(); s.State != "waiting=2/3" || s.Waiters != 2 {
			e.Errorf("Observe() with 2 parties waiting = %+v; want State waiting=2/3, 2 waiters", s)
		}
		if _, err := barrier.WaitTimeout(hLong); err != nil {
			e.Errorf("WaitTimeout of the last party: %v", err)
		}
		b.Wait()
		if n := barrier.NWaiting(); n != 0 {
			e.Errorf("NWaiting() after the round = %d; want 0", n)
		}
		barrier.Abort()
		if !barrier.Broken() {
			e.Errorf("Broken() after Abort = false; want true")
		}
	})
}

// --- Go-specific checks ---

var errAction = errors.New("the action failed")

// A panicking action breaks the barrier: the panic comes out of the last
// party's Wait, the others get ErrBrokenBarrier; Reset makes it usable.
func TestBarrier_action_panics(t *testing.T) {
	hAll(t, func(e *hEnv) {
		fail := atomic.Bool{}
		fail.Store(true)
		b := primitives.NewBarrier(3, func() {
			if fail.Load() {
				panic(errAction)
			}
		}, 0)
		var errs hList[error]
		bunch := e.Bunch(2, func() {
			_, err := b.Wait()
			errs.Append(err)
		}, false)
		e.WaitUntil("2 parties waiting", func() bool { return b.NWaiting() == 2 })
		v := hRecover(func() { _, _ = b.Wait() })
		if err, _ := v.(error); !errors.Is(err, errAction) {
			e.Errorf("the last party's Wait panicked with %v; want %v", v, errAction)
		}
		bunch.Wait()
		for _, err := range errs.Get() {
			if !errors.Is(err, primitives.ErrBrokenBarrier) {
				e.Errorf("another party's Wait = %v; want ErrBrokenBarrier", err)
			}
		}
		if !b.Broken() {
			e.Errorf("Broken() after a panicking action = false; want true")
		}
		if i, err := b.Wait(); i != -1 || !errors.Is(err, primitives.ErrBrokenBarrier) {
			e.Errorf("Wait on a broken barrier = %d, %v; want -1, ErrBrokenBarrier", i, err)
		}
		b.Reset()
		fail.Store(false)
		var idx hList[int]
		e.Bunch(3, func() { idx.Append(hWait(e, b)) }, false).Wait()
		r := idx.Get()
		slices.Sort(r)
		hEqual(e, "indices after Reset", r, []int{0, 1, 2})
	})
}

// WaitTimeout(d <= 0) is Python's wait(0): it breaks the barrier unless the
// caller completes the round.
func TestBarrier_wait_timeout_zero(t *testing.T) {
	hModel(t, func(e *hEnv) {
		b := primitives.NewBarrier(2, nil, 0)
		t0 := e.Now()
		if _, err := b.WaitTimeout(0); !errors.Is(err, primitives.ErrBrokenBarrier) {
			e.Errorf("WaitTimeout(0) of the first party = %v; want ErrBrokenBarrier", err)
		}
		if dt := e.Now().Sub(t0); dt != 0 {
			e.Errorf("WaitTimeout(0) waited %v; want 0", dt)
		}
		b.Reset()
		var got hList[int]
		e.Go(func() { got.Append(hWait(e, b)) })
		e.WaitUntil("one party waiting", func() bool { return b.NWaiting() == 1 })
		i, err := b.WaitTimeout(-time.Second)
		if err != nil || i != 1 {
			e.Errorf("WaitTimeout(-1s) of the last party = %d, %v; want 1, nil", i, err)
		}
		e.WaitUntil("the other party returned", func() bool { return got.Len() == 1 })
	})
}

// Indices follow arrival order; the action runs before any party returns,
// and a party arriving meanwhile waits for the next round.
func TestBarrier_action_runs_first(t *testing.T) {
	hModel(t, func(e *hEnv) {
		var returned, actions atomic.Int64
		var b *primitives.Barrier
		b = primitives.NewBarrier(2, func() {
			if n, round := returned.Load(), actions.Add(1); n != 2*(round-1) {
				e.Errorf("%d parties returned before the action of round %d ran; want %d", n, round, 2*(round-1))
			}
			if n := b.Parties(); n != 2 {
				e.Errorf("Parties() in the action = %d; want 2", n)
			}
			e.Sleep(time.Second) // a slow action: a third party arrives meanwhile
		}, 0)
		var order hList[string]
		party := func(name string) func() {
			return func() {
				i := hWait(e, b)
				returned.Add(1)
				order.Append(fmt.Sprintf("%s:%d", name, i))
			}
		}
		e.Go(party("A"))
		e.WaitUntil("A waiting", func() bool { return b.NWaiting() == 1 })
		e.Go(party("B")) // the last: runs the action, which sleeps
		e.WaitUntil("the action runs", func() bool { return b.NWaiting() == 2 })
		e.Go(party("C")) // arrives during the action
		e.Sleep(10 * time.Millisecond)
		if n := returned.Load(); n != 0 {
			e.Errorf("%d parties returned while the action ran; want 0", n)
		}
		e.WaitUntil("A and B returned", func() bool { return returned.Load() == 2 })
		e.WaitUntil("C waits in the next round", func() bool { return b.NWaiting() == 1 })
		e.Go(party("D"))
		e.WaitUntil("all returned", func() bool { return returned.Load() == 4 })
		o := order.Get()
		slices.Sort(o)
		hEqual(e, "party:index", o, []string{"A:0", "B:1", "C:0", "D:1"})
	})
}

// Rounds of three parties, explored: each round hands out 0, 1, 2 once,
// and the action runs once per round, before any party of it returns.
func TestBarrier_rounds_explored(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			const parties, rounds = 3, 3
			actions, returned := 0, 0
			b := primitives.NewBarrier(parties, func() {
				if returned != actions*parties {
					panic(fmt.Sprintf("action %d ran after %d returns; want %d", actions+1, returned, actions*parties))
				}
				actions++
			}, 0)
			var seen [rounds][parties]int
			done := primitives.NewSemaphore(0)
			for range parties {
				sched.Spawn(nil, false, func() {
					for r := range rounds {
						i, err := b.Wait()
						if err != nil {
							panic(err)
						}
						seen[r][i]++
						returned++
					}
					done.Release()
				})
			}
			for range parties {
				done.Acquire()
			}
			if actions != rounds {
				panic(fmt.Sprintf("%d actions; want %d", actions, rounds))
			}
			for r := range rounds {
				if seen[r] != [parties]int{1, 1, 1} {
					panic(fmt.Sprintf("round %d: index counts %v; want each once", r, seen[r]))
				}
			}
		})
	})
}

func TestBarrier_rounds_real(t *testing.T) {
	const parties, rounds = 4, 200
	var actions atomic.Int64
	b := primitives.NewBarrier(parties, func() { actions.Add(1) }, 0)
	var wg sync.WaitGroup
	var sum atomic.Int64
	for range parties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				i, err := b.Wait()
				if err != nil {
					t.Errorf("Wait: %v", err)
					return
				}
				sum.Add(int64(i))
			}
		}()
	}
	hWaitGroup(t, &wg)
	if a, s := actions.Load(), sum.Load(); a != rounds || s != rounds*(0+1+2+3) {
		t.Fatalf("actions = %d, sum of indices = %d; want %d and %d", a, s, rounds, rounds*6)
	}
}

func ExampleBarrier() {
	b := primitives.NewBarrier(3, func() { fmt.Println("all three arrived") }, 0)
	var wg sync.WaitGroup
	indices := make([]int, 3)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i, err := b.Wait()
			if err != nil {
				fmt.Println(err)
				return
			}
			indices[w] = i
		}()
	}
	wg.Wait()
	slices.Sort(indices)
	fmt.Println("indices:", indices)
	b.Abort()
	_, err := b.Wait()
	fmt.Println("after Abort:", err)
	// Output:
	// all three arrived
	// indices: [0 1 2]
	// after Abort: broken barrier
}
