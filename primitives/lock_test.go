package primitives_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py: BaseLockTests (shared with
// RLock, see rlock_test.go) and LockTests. test_repr and test_locked_repr
// check Observe; test_weakref_*, test_at_fork_reinit and the OverflowError
// half of test_timeout have no Go counterpart.

// hLock is what BaseLockTests needs of Lock and RLock.
type hLock interface {
	Acquire()
	TryAcquire() bool
	AcquireTimeout(time.Duration) bool
	Release()
	Observe() failpoints.Snapshot
}

func newLockLT() hLock { return new(primitives.Lock) }

func hWaiters(l hLock) int { return l.Observe().Waiters }

// --- BaseLockTests ---

func hBaseConstructor(e *hEnv, mk func() hLock) {
	if s := mk().Observe(); s.State != "unlocked" || s.Waiters != 0 {
		e.Errorf("new lock: Observe() = %+v; want unlocked, no waiters", s)
	}
}

func hBaseRepr(e *hEnv, mk func() hLock) {
	lock := mk()
	if s := lock.Observe().State; s != "unlocked" {
		e.Errorf("Observe().State = %q before Acquire; want unlocked", s)
	}
	lock.Acquire()
	if s := lock.Observe().State; !strings.HasPrefix(s, "locked") {
		e.Errorf("Observe().State = %q after Acquire; want locked", s)
	}
	lock.Release()
}

func hBaseAcquireRelease(e *hEnv, mk func() hLock) {
	lock := mk()
	lock.Acquire()
	lock.Release()
}

func hBaseTryAcquire(e *hEnv, mk func() hLock) {
	lock := mk()
	if !lock.TryAcquire() {
		e.Errorf("TryAcquire() on a free lock = false; want true")
	}
	lock.Release()
}

func hBaseTryAcquireContended(e *hEnv, mk func() hLock) {
	lock := mk()
	lock.Acquire()
	var result hList[bool]
	e.Bunch(1, func() { result.Append(lock.TryAcquire()) }, false).Wait()
	if r := result.Get(); len(r) != 1 || r[0] {
		e.Errorf("TryAcquire() in another thread = %v; want [false]", r)
	}
	lock.Release()
}

func hBaseAcquireContended(e *hEnv, mk func() hLock) {
	lock := mk()
	lock.Acquire()
	const N = 5
	b := e.Bunch(N, func() { lock.Acquire(); lock.Release() }, false)
	e.WaitUntil("5 threads blocked on Acquire", func() bool { return hWaiters(lock) == N })
	if n := b.Finished(); n != 0 {
		e.Errorf("%d threads finished while the lock was held; want 0", n)
	}
	lock.Release()
	b.Wait()
	if n := b.Finished(); n != N {
		e.Errorf("%d threads finished; want %d", n, N)
	}
}

var errLT = errors.New("lock_tests: raised inside with")

func hBaseWith(e *hEnv, mk func() hLock) {
	lock := mk()
	f := func() { lock.Acquire(); lock.Release() }
	withLock := func(err error) {
		lock.Acquire()
		defer lock.Release()
		if err != nil {
			panic(err)
		}
	}
	withLock(nil)
	e.Bunch(1, f, false).Wait()
	if v := hRecover(func() { withLock(errLT) }); v != errLT {
		e.Errorf("recovered %v; want %v", v, errLT)
	}
	// The deferred Release ran even though the body panicked.
	e.Bunch(1, f, false).Wait()
}

func hBaseThreadLeak(e *hEnv, mk func() hLock) {
	lock := mk()
	e.Bunch(15, func() { lock.Acquire(); lock.Release() }, false).Wait()
	if s := lock.Observe(); s.State != "unlocked" || s.Waiters != 0 {
		e.Errorf("after 15 threads: Observe() = %+v; want unlocked, no waiters", s)
	}
}

func hBaseTimeout(e *hEnv, mk func() hLock) {
	lock := mk()
	hPanics(e, "AcquireTimeout(-100s)", primitives.ErrNegativeValue, func() { lock.AcquireTimeout(-100 * time.Second) })
	t1 := e.Now()
	if !lock.AcquireTimeout(5 * time.Second) {
		e.Errorf("AcquireTimeout(5s) on a free lock = false; want true")
	}
	if dt := e.Now().Sub(t1); dt >= 5*time.Second || (e.exact && dt != 0) {
		e.Errorf("AcquireTimeout(5s) on a free lock took %v; want no wait", dt)
	}
	d := e.Dur(500 * time.Millisecond)
	var result hList[bool]
	var elapsed hList[time.Duration]
	e.Bunch(1, func() {
		t1 := e.Now()
		result.Append(lock.AcquireTimeout(d))
		elapsed.Append(e.Now().Sub(t1))
	}, false).Wait()
	if r := result.Get(); r[0] {
		e.Errorf("AcquireTimeout(%v) on a held lock = true; want false", d)
	}
	e.CheckElapsed(fmt.Sprintf("AcquireTimeout(%v)", d), elapsed.Get()[0], d)
	lock.Release()
}

func TestLock_test_constructor(t *testing.T) {
	hBoth(t, func(e *hEnv) { hBaseConstructor(e, newLockLT) })
}

func TestLock_test_repr(t *testing.T) { hBoth(t, func(e *hEnv) { hBaseRepr(e, newLockLT) }) }

func TestLock_test_acquire_release(t *testing.T) {
	hBoth(t, func(e *hEnv) { hBaseAcquireRelease(e, newLockLT) })
}

func TestLock_test_try_acquire(t *testing.T) {
	hBoth(t, func(e *hEnv) { hBaseTryAcquire(e, newLockLT) })
}

func TestLock_test_try_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hBaseTryAcquireContended(e, newLockLT) })
}

func TestLock_test_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hBaseAcquireContended(e, newLockLT) })
}

func TestLock_test_with(t *testing.T) { hAll(t, func(e *hEnv) { hBaseWith(e, newLockLT) }) }

func TestLock_test_thread_leak(t *testing.T) {
	hAll(t, func(e *hEnv) { hBaseThreadLeak(e, newLockLT) })
}

func TestLock_test_timeout(t *testing.T) { hBoth(t, func(e *hEnv) { hBaseTimeout(e, newLockLT) }) }

// --- LockTests ---

func TestLock_test_reacquire(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.Lock
		var phase hList[struct{}]
		e.Go(func() {
			lock.Acquire()
			phase.Append(struct{}{})
			lock.Acquire() // blocks until main releases
			phase.Append(struct{}{})
		})
		e.WaitUntil("phase 1", func() bool { return phase.Len() == 1 })
		e.WaitUntil("thread blocked", func() bool { return hWaiters(&lock) == 1 })
		if n := phase.Len(); n != 1 {
			e.Errorf("phase = %d while the thread re-acquires; want 1", n)
		}
		lock.Release()
		e.WaitUntil("phase 2", func() bool { return phase.Len() == 2 })
	})
}

func TestLock_test_different_thread(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.Lock
		lock.Acquire()
		e.Bunch(1, lock.Release, false).Wait()
		lock.Acquire()
		lock.Release()
	})
}

func TestLock_test_state_after_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var lock primitives.Lock
		lock.Acquire()
		if lock.AcquireTimeout(e.Dur(10 * time.Millisecond)) {
			e.Errorf("AcquireTimeout on a held lock = true; want false")
		}
		if n := hWaiters(&lock); n != 0 {
			e.Errorf("Waiters after a timed-out AcquireTimeout = %d; want 0", n)
		}
		lock.Release()
		if lock.Locked() {
			e.Errorf("Locked() after Release = true; want false")
		}
		if !lock.TryAcquire() {
			e.Errorf("TryAcquire() after a timed-out acquire and a Release = false; want true")
		}
	})
}

// --- Go-specific checks ---

func TestLock_release_unlocked(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.Lock
		hPanics(e, "Release of a new Lock", primitives.ErrReleaseUnlocked, lock.Release)
		lock.Acquire()
		lock.Release()
		hPanics(e, "second Release", primitives.ErrReleaseUnlocked, lock.Release)
		if lock.Locked() {
			e.Errorf("Locked() after a refused Release = true; want false")
		}
	})
}

func TestLock_acquire_timeout_zero_is_one_try(t *testing.T) {
	hModel(t, func(e *hEnv) {
		var lock primitives.Lock
		if !lock.AcquireTimeout(0) {
			e.Errorf("AcquireTimeout(0) on a free lock = false; want true")
		}
		t0 := e.Now()
		if lock.AcquireTimeout(0) {
			e.Errorf("AcquireTimeout(0) on a held lock = true; want false")
		}
		if dt := e.Now().Sub(t0); dt != 0 {
			e.Errorf("AcquireTimeout(0) waited %v; want 0", dt)
		}
	})
}

// A timed-out waiter leaves no trace: the next Release wakes the waiter
// behind it, which must not sleep on a free lock.
func TestLock_timed_out_waiter_leaves_no_trace(t *testing.T) {
	hModel(t, func(e *hEnv) {
		var lock primitives.Lock
		lock.Acquire()
		var got hList[string]
		e.Go(func() {
			if lock.AcquireTimeout(time.Second) {
				got.Append("impatient acquired")
			} else {
				got.Append("impatient timed out")
			}
		})
		e.Go(func() { lock.Acquire(); got.Append("patient acquired"); lock.Release() })
		e.WaitUntil("two waiters", func() bool { return hWaiters(&lock) == 2 })
		e.Sleep(2 * time.Second)
		if n := hWaiters(&lock); n != 1 {
			e.Errorf("Waiters after one timed out = %d; want 1", n)
		}
		lock.Release()
		e.WaitUntil("patient thread", func() bool { return got.Len() == 2 })
		if g := got.Get(); g[0] != "impatient timed out" || g[1] != "patient acquired" {
			e.Errorf("events = %q; want the impatient thread to time out, then the patient one to acquire", g)
		}
	})
}

// In real mode the atomic fast path and the slow path must agree: the
// lock excludes, and no wake-up is lost (the test would hang).
func TestLock_mutual_exclusion_real(t *testing.T) {
	var lock primitives.Lock
	var inside, maxInside, total int
	var wg sync.WaitGroup
	const goroutines, rounds = 8, 2000
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				switch (g + i) % 3 {
				case 0:
					lock.Acquire()
				case 1:
					for !lock.TryAcquire() {
					}
				default:
					for !lock.AcquireTimeout(time.Microsecond) {
					}
				}
				inside++
				maxInside = max(maxInside, inside)
				total++
				inside--
				lock.Release()
			}
		}()
	}
	hWaitGroup(t, &wg)
	if maxInside != 1 || total != goroutines*rounds {
		t.Fatalf("max threads inside = %d, total = %d; want 1 and %d", maxInside, total, goroutines*rounds)
	}
	if s := lock.Observe(); s.State != "unlocked" || s.Waiters != 0 {
		t.Fatalf("after the run: Observe() = %+v; want unlocked, no waiters", s)
	}
}

// Under exploration, the lock excludes in every schedule drawn.
func TestLock_mutual_exclusion_explored(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			var lock primitives.Lock
			inside := 0
			done := primitives.NewSemaphore(0) // counts finished threads
			for range 3 {
				sched.Spawn(nil, false, func() {
					for range 3 {
						lock.Acquire()
						inside++
						failpoints.Hit(failpoints.ScenarioReadWrite, &lock)
						if inside != 1 {
							panic(fmt.Sprintf("%d threads inside the lock", inside))
						}
						inside--
						lock.Release()
					}
					done.Release()
				})
			}
			for range 3 {
				done.Acquire()
			}
		})
	})
}

// hWaitGroup waits for wg, failing the test after hRealDeadline().
func hWaitGroup(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(hRealDeadline())
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		bounded.Overran()
		t.Fatalf("goroutines still running after %v", hRealDeadline())
	}
}

func ExampleLock() {
	var mu primitives.Lock
	counter := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				mu.Acquire()
				counter++
				mu.Release()
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter:", counter)
	fmt.Println("locked:", mu.Locked())
	fmt.Println("try:", mu.TryAcquire(), mu.TryAcquire())
	mu.Release()
	// Output:
	// counter: 4000
	// locked: false
	// try: true false
}
