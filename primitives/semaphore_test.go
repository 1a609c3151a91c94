package primitives_test

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py: BaseSemaphoreTests (shared
// with BoundedSemaphore, see bounded_semaphore_test.go) and SemaphoreTests.
// test_repr checks Value; the ValueError of acquire(False, timeout) has no
// Go counterpart (TryAcquire takes no timeout).

// hSem is what BaseSemaphoreTests needs of Semaphore and BoundedSemaphore.
type hSem interface {
	Acquire()
	TryAcquire() bool
	AcquireTimeout(time.Duration) bool
	Release()
	ReleaseN(int)
	Value() int
	Observe() failpoints.Snapshot
}

func newSemLT(v int) hSem { return primitives.NewSemaphore(v) }

// --- BaseSemaphoreTests ---

func hSemConstructor(e *hEnv, mk func(int) hSem) {
	hPanics(e, "value -1", primitives.ErrNegativeValue, func() { mk(-1) })
	hPanics(e, "value -maxsize", primitives.ErrNegativeValue, func() { mk(-math.MaxInt) })
	if v := mk(0).Value(); v != 0 {
		e.Errorf("Value() of a new semaphore(0) = %d; want 0", v)
	}
}

func hSemAcquire(e *hEnv, mk func(int) hSem) {
	sem := mk(1)
	sem.Acquire()
	sem.Release()
	sem = mk(2)
	sem.Acquire()
	sem.Acquire()
	sem.Release()
	sem.Release()
}

func hSemAcquireDestroy(e *hEnv, mk func(int) hSem) {
	sem := mk(1)
	sem.Acquire()
}

func hSemAcquireContended(e *hEnv, mk func(int) hSem) {
	const semValue = 7
	sem := mk(semValue)
	sem.Acquire()

	var semResults atomic.Int64
	var results1, results2 hList[int64]
	var phaseNum atomic.Int64
	fn := func() {
		sem.Acquire()
		semResults.Add(1)
		results1.Append(phaseNum.Load())

		sem.Acquire()
		semResults.Add(1)
		results2.Append(phaseNum.Load())
	}
	waitCount := func(count int) {
		e.WaitUntil(fmt.Sprintf("%d acquires", count), func() bool { return results1.Len()+results2.Len() >= count })
	}
	all := func() []int64 {
		r := append(results1.Get(), results2.Get()...)
		slices.Sort(r)
		return r
	}
	const N = 10
	b := e.Bunch(N, fn, false)

	// Phase 0.
	const count1 = semValue - 1
	waitCount(count1)
	hEqual(e, "results", all(), hRepeat[int64](0, count1))

	// Phase 1.
	phaseNum.Store(1)
	for range semValue {
		sem.Release()
	}
	const count2 = semValue
	waitCount(count1 + count2)
	hEqual(e, "results", all(), slices.Concat(hRepeat[int64](0, count1), hRepeat[int64](1, count2)))

	// Phase 2.
	phaseNum.Store(2)
	const count3 = semValue - 1
	for range count3 {
		sem.Release()
	}
	waitCount(count1 + count2 + count3)
	hEqual(e, "results", all(), slices.Concat(hRepeat[int64](0, count1), hRepeat[int64](1, count2), hRepeat[int64](2, count3)))
	// The semaphore is still locked.
	if sem.TryAcquire() {
		e.Errorf("TryAcquire() with every unit taken = true; want false")
	}

	// Final release, to let the last thread finish.
	const count4 = 1
	sem.Release()
	b.Wait()
	if n := semResults.Load(); n != count1+count2+count3+count4 {
		e.Errorf("%d acquires returned; want %d", n, count1+count2+count3+count4)
	}
}

func hSemMultirelease(e *hEnv, mk func(int) hSem) {
	const semValue = 7
	sem := mk(semValue)
	sem.Acquire()

	var results1, results2 hList[int64]
	var phaseNum atomic.Int64
	fn := func() {
		sem.Acquire()
		results1.Append(phaseNum.Load())
		sem.Acquire()
		results2.Append(phaseNum.Load())
	}
	waitCount := func(count int) {
		e.WaitUntil(fmt.Sprintf("%d acquires", count), func() bool { return results1.Len()+results2.Len() >= count })
	}
	all := func() []int64 {
		r := append(results1.Get(), results2.Get()...)
		slices.Sort(r)
		return r
	}
	b := e.Bunch(10, fn, false)

	// Phase 0.
	const count1 = semValue - 1
	waitCount(count1)
	hEqual(e, "results", all(), hRepeat[int64](0, count1))

	// Phase 1.
	phaseNum.Store(1)
	const count2 = semValue
	sem.ReleaseN(count2)
	waitCount(count1 + count2)
	hEqual(e, "results", all(), slices.Concat(hRepeat[int64](0, count1), hRepeat[int64](1, count2)))

	// Phase 2.
	phaseNum.Store(2)
	const count3 = semValue - 1
	sem.ReleaseN(count3)
	waitCount(count1 + count2 + count3)
	hEqual(e, "results", all(), slices.Concat(hRepeat[int64](0, count1), hRepeat[int64](1, count2), hRepeat[int64](2, count3)))
	// The semaphore is still locked.
	if sem.TryAcquire() {
		e.Errorf("TryAcquire() with every unit taken = true; want false")
	}

	// Final release, to let the last thread finish.
	sem.Release()
	b.Wait()
}

func hSemTryAcquire(e *hEnv, mk func(int) hSem) {
	sem := mk(2)
	for i, want := range []bool{true, true, false} {
		if got := sem.TryAcquire(); got != want {
			e.Errorf("TryAcquire() #%d = %v; want %v", i+1, got, want)
		}
	}
	sem.Release()
	if !sem.TryAcquire() {
		e.Errorf("TryAcquire() after a Release = false; want true")
	}
}

func hSemTryAcquireContended(e *hEnv, mk func(int) hSem) {
	sem := mk(4)
	sem.Acquire()
	var results hList[bool]
	e.Bunch(5, func() {
		results.Append(sem.TryAcquire())
		results.Append(sem.TryAcquire())
	}, false).Wait()
	r := results.Get()
	slices.SortFunc(r, func(a, b bool) int {
		if a == b {
			return 0
		}
		if !a {
			return -1
		}
		return 1
	})
	hEqual(e, "sorted TryAcquire results", r, slices.Concat(hRepeat(false, 7), hRepeat(true, 3)))
}

func hSemAcquireTimeout(e *hEnv, mk func(int) hSem) {
	sem := mk(2)
	short := e.Dur(5 * time.Millisecond)
	for i, want := range []bool{true, true, false} {
		if got := sem.AcquireTimeout(short); got != want {
			e.Errorf("AcquireTimeout(%v) #%d = %v; want %v", short, i+1, got, want)
		}
	}
	sem.Release()
	if !sem.AcquireTimeout(short) {
		e.Errorf("AcquireTimeout(%v) after a Release = false; want true", short)
	}
	d := e.Dur(500 * time.Millisecond)
	t0 := e.Now()
	if sem.AcquireTimeout(d) {
		e.Errorf("AcquireTimeout(%v) with no unit = true; want false", d)
	}
	e.CheckElapsed(fmt.Sprintf("AcquireTimeout(%v)", d), e.Now().Sub(t0), d)
	if n := sem.Observe().Waiters; n != 0 {
		e.Errorf("Waiters after timed-out acquires = %d; want 0", n)
	}
}

func hSemDefaultValue(e *hEnv, mk func(int) hSem) {
	sem := mk(1) // CPython's default initial value
	sem.Acquire()
	b := e.Bunch(1, func() { sem.Acquire(); sem.Release() }, false)
	e.WaitUntil("the thread blocked", func() bool { return sem.Observe().Waiters == 1 })
	if b.Finished() != 0 {
		e.Errorf("the thread finished while the semaphore was taken")
	}
	sem.Release()
	b.Wait()
}

func hSemWith(e *hEnv, mk func(int) hSem) {
	sem := mk(2)
	with := func(err error) {
		sem.Acquire()
		defer sem.Release()
		if !sem.TryAcquire() {
			e.Errorf("TryAcquire() with one unit left = false; want true")
		}
		sem.Release()
		func() {
			sem.Acquire()
			defer sem.Release()
			if sem.TryAcquire() {
				e.Errorf("TryAcquire() with no unit left = true; want false")
			}
			if err != nil {
				panic(err)
			}
		}()
	}
	with(nil)
	if !sem.TryAcquire() {
		e.Errorf("TryAcquire() after with = false; want true")
	}
	sem.Release()
	if v := hRecover(func() { with(errLT) }); v != errLT {
		e.Errorf("recovered %v; want %v", v, errLT)
	}
	if !sem.TryAcquire() {
		e.Errorf("TryAcquire() after a panicking with = false; want true")
	}
	sem.Release()
}

func hSemReleaseNBad(e *hEnv, mk func(int) hSem) {
	sem := mk(1)
	hPanics(e, "ReleaseN(0)", primitives.ErrNegativeValue, func() { sem.ReleaseN(0) })
	hPanics(e, "ReleaseN(-1)", primitives.ErrNegativeValue, func() { sem.ReleaseN(-1) })
	if v := sem.Value(); v != 1 {
		e.Errorf("Value() after refused releases = %d; want 1", v)
	}
}

// ReleaseN(n) wakes up to n waiters; AcquireTimeout(<= 0) does not wait.
func hSemReleaseNWakes(e *hEnv, mk func(int) hSem) {
	sem := mk(3)
	for range 3 {
		sem.Acquire()
	}
	t0 := e.Now()
	if sem.AcquireTimeout(0) || sem.AcquireTimeout(-time.Second) {
		e.Errorf("AcquireTimeout(<= 0) with no unit = true; want false")
	}
	if dt := e.Now().Sub(t0); e.exact && dt != 0 {
		e.Errorf("AcquireTimeout(<= 0) waited %v; want 0", dt)
	}
	var got atomic.Int64
	for range 3 {
		e.Go(func() { sem.Acquire(); got.Add(1) })
	}
	e.WaitUntil("3 waiters", func() bool { return sem.Observe().Waiters == 3 })
	sem.ReleaseN(2)
	e.WaitUntil("2 acquired", func() bool { return got.Load() == 2 })
	if n, v := sem.Observe().Waiters, sem.Value(); n != 1 || v != 0 {
		e.Errorf("after ReleaseN(2) to 3 waiters: Waiters = %d, Value() = %d; want 1 and 0", n, v)
	}
	sem.Release()
	e.WaitUntil("3 acquired", func() bool { return got.Load() == 3 })
}

func TestSemaphore_test_constructor(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemConstructor(e, newSemLT) })
}

func TestSemaphore_test_acquire(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemAcquire(e, newSemLT) })
}

func TestSemaphore_test_acquire_destroy(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemAcquireDestroy(e, newSemLT) })
}

func TestSemaphore_test_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemAcquireContended(e, newSemLT) })
}

func TestSemaphore_test_multirelease(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemMultirelease(e, newSemLT) })
}

func TestSemaphore_test_try_acquire(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemTryAcquire(e, newSemLT) })
}

func TestSemaphore_test_try_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemTryAcquireContended(e, newSemLT) })
}

func TestSemaphore_test_acquire_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemAcquireTimeout(e, newSemLT) })
}

func TestSemaphore_test_default_value(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemDefaultValue(e, newSemLT) })
}

func TestSemaphore_test_with(t *testing.T) { hAll(t, func(e *hEnv) { hSemWith(e, newSemLT) }) }

// --- SemaphoreTests ---

func TestSemaphore_test_release_unacquired(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		// Unbounded releases are allowed and increment the semaphore's value.
		sem := primitives.NewSemaphore(1)
		sem.Release()
		sem.Acquire()
		sem.Acquire()
		sem.Release()
		if v := sem.Value(); v != 1 {
			e.Errorf("Value() = %d; want 1", v)
		}
	})
}

func TestSemaphore_test_repr(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		sem := primitives.NewSemaphore(3)
		check := func(want int) {
			e.t.Helper()
			if v, s := sem.Value(), sem.Observe(); v != want || s.State != fmt.Sprintf("value=%d", want) || s.Kind != "Semaphore" {
				e.Errorf("Value() = %d, Observe() = %+v; want value %d", v, s, want)
			}
		}
		check(3)
		sem.Acquire()
		check(2)
		sem.Release()
		sem.Release()
		check(4)
	})
}

// --- Go-specific checks ---

func TestSemaphore_release_n_misuse(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemReleaseNBad(e, newSemLT) })
}

func TestSemaphore_release_n_wakes_up_to_n(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemReleaseNWakes(e, newSemLT) })
}

func TestSemaphore_bounds_concurrency_real(t *testing.T) {
	sem := primitives.NewSemaphore(3)
	var inside, maxInside atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				if (g+i)%2 == 0 {
					sem.Acquire()
				} else {
					for !sem.AcquireTimeout(time.Microsecond) {
					}
				}
				n := inside.Add(1)
				for m := maxInside.Load(); n > m && !maxInside.CompareAndSwap(m, n); m = maxInside.Load() {
				}
				inside.Add(-1)
				if i%10 == 0 {
					sem.ReleaseN(1)
				} else {
					sem.Release()
				}
			}
		}()
	}
	hWaitGroup(t, &wg)
	if m, v := maxInside.Load(), sem.Value(); m > 3 || v != 3 {
		t.Fatalf("max inside = %d, Value() = %d; want <= 3 and 3", m, v)
	}
}

func TestSemaphore_bounds_concurrency_explored(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			sem := primitives.NewSemaphore(2)
			inside := 0
			done := primitives.NewSemaphore(0)
			for range 4 {
				sched.Spawn(nil, false, func() {
					for range 2 {
						sem.Acquire()
						inside++
						failpoints.Hit(failpoints.ScenarioReadWrite, sem)
						if inside > 2 {
							panic(fmt.Sprintf("%d threads inside a semaphore of 2", inside))
						}
						inside--
						sem.Release()
					}
					done.Release()
				})
			}
			done.Acquire()
			done.Acquire()
			done.Acquire()
			done.Acquire()
			if v := sem.Value(); v != 2 {
				panic(fmt.Sprintf("Value() = %d at the end; want 2", v))
			}
		})
	})
}

func ExampleSemaphore() {
	sem := primitives.NewSemaphore(2) // at most two downloads at once
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem.Acquire()
			defer sem.Release()
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println("at most two at once:", most <= 2)
	fmt.Println("value:", sem.Value())
	fmt.Println("try:", sem.TryAcquire(), sem.TryAcquire(), sem.TryAcquire())
	// Output:
	// at most two at once: true
	// value: 2
	// try: true true false
}
