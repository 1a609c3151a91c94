package primitives_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py: BaseLockTests (the bodies
// are in lock_test.go) and RLockTests. _is_owned is IsOwned,
// _recursion_count is Depth, _release_save is reached through
// primitives.ReleaseSave (export_lock_test.go).

func newRLockLT() hLock { return new(primitives.RLock) }

// --- BaseLockTests ---

func TestRLock_test_constructor(t *testing.T) {
	hBoth(t, func(e *hEnv) { hBaseConstructor(e, newRLockLT) })
}

func TestRLock_test_repr(t *testing.T) { hBoth(t, func(e *hEnv) { hBaseRepr(e, newRLockLT) }) }

func TestRLock_test_acquire_release(t *testing.T) {
	hBoth(t, func(e *hEnv) { hBaseAcquireRelease(e, newRLockLT) })
}

func TestRLock_test_try_acquire(t *testing.T) {
	hBoth(t, func(e *hEnv) { hBaseTryAcquire(e, newRLockLT) })
}

func TestRLock_test_try_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hBaseTryAcquireContended(e, newRLockLT) })
}

func TestRLock_test_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hBaseAcquireContended(e, newRLockLT) })
}

func TestRLock_test_with(t *testing.T) { hAll(t, func(e *hEnv) { hBaseWith(e, newRLockLT) }) }

func TestRLock_test_thread_leak(t *testing.T) {
	hAll(t, func(e *hEnv) { hBaseThreadLeak(e, newRLockLT) })
}

func TestRLock_test_timeout(t *testing.T) { hBoth(t, func(e *hEnv) { hBaseTimeout(e, newRLockLT) }) }

// --- RLockTests ---

func TestRLock_test_reacquire(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.RLock
		lock.Acquire()
		lock.Acquire()
		lock.Release()
		lock.Acquire()
		lock.Release()
		lock.Release()
		if s := lock.Observe(); s.State != "unlocked" || s.Owner != 0 {
			e.Errorf("after balanced acquires and releases: Observe() = %+v; want unlocked, no owner", s)
		}
	})
}

func TestRLock_test_release_unacquired(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.RLock
		hPanics(e, "Release of a new RLock", primitives.ErrNotOwner, lock.Release)
		lock.Acquire()
		lock.Acquire()
		lock.Release()
		lock.Acquire()
		lock.Release()
		lock.Release()
		hPanics(e, "Release after the last level", primitives.ErrNotOwner, lock.Release)
	})
}

func TestRLock_test_release_save_unacquired(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var lock primitives.RLock
		hPanics(e, "releaseSave of a new RLock", primitives.ErrNotOwner, func() { primitives.ReleaseSave(&lock) })
		lock.Acquire()
		lock.Acquire()
		lock.Release()
		lock.Acquire()
		lock.Release()
		lock.Release()
		hPanics(e, "releaseSave after the last level", primitives.ErrNotOwner, func() { primitives.ReleaseSave(&lock) })
	})
}

func TestRLock_test_recursion_count(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.RLock
		check := func(want int) {
			e.t.Helper()
			if got := lock.Depth(); got != want {
				e.Errorf("Depth() = %d; want %d", got, want)
			}
		}
		check(0)
		lock.Acquire()
		check(1)
		lock.Acquire()
		lock.Acquire()
		check(3)
		lock.Release()
		check(2)
		lock.Release()
		lock.Release()
		check(0)

		var phase hList[struct{}]
		e.Go(func() {
			lock.Acquire()
			phase.Append(struct{}{})
			e.WaitUntil("phase 2", func() bool { return phase.Len() >= 2 })
			lock.Release()
			phase.Append(struct{}{})
		})
		e.WaitUntil("phase 1", func() bool { return phase.Len() >= 1 })
		check(0) // held by the other thread: 0 as this thread sees it
		phase.Append(struct{}{})
		e.WaitUntil("phase 3", func() bool { return phase.Len() >= 3 })
		check(0)
	})
}

func TestRLock_test_different_thread(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.RLock
		b := e.Bunch(1, lock.Acquire, true)
		e.WaitUntil("the thread holds the lock", func() bool { return b.Finished() == 1 })
		hPanics(e, "Release by a non-owner", primitives.ErrNotOwner, lock.Release)
		// Outside a model run, Observe shows the depth to the owner only.
		if s := lock.Observe(); !strings.HasPrefix(s.State, "locked") || s.Owner == 0 || (e.model && s.State != "locked depth=1") {
			e.Errorf("after a refused Release: Observe() = %+v; want locked, owned, at depth 1", s)
		}
		b.Wait()
	})
}

func TestRLock_test__is_owned(t *testing.T) {
	hAll(t, func(e *hEnv) {
		var lock primitives.RLock
		check := func(want bool) {
			e.t.Helper()
			if got := lock.IsOwned(); got != want {
				e.Errorf("IsOwned() = %v; want %v", got, want)
			}
		}
		check(false)
		lock.Acquire()
		check(true)
		lock.Acquire()
		check(true)
		var result hList[bool]
		e.Bunch(1, func() { result.Append(lock.IsOwned()) }, false).Wait()
		if r := result.Get(); r[0] {
			e.Errorf("IsOwned() in another thread = true; want false")
		}
		lock.Release()
		check(true)
		lock.Release()
		check(false)
	})
}

// --- Go-specific checks ---

func TestRLock_owner_and_depth_in_the_trace(t *testing.T) {
	tr, err := interleave.Run(func() {
		var lock primitives.RLock
		lock.Acquire()
		lock.Acquire()
		lock.Release()
		lock.Release()
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"rlock-acquire          RLock#1{unlocked}",
		"rlock-acquired         RLock#1{locked depth=1 owner=MainThread}",
		"rlock-acquired         RLock#1{locked depth=2 owner=MainThread}",
		"rlock-release          RLock#1{locked depth=1 owner=MainThread}",
	}
	s := tr.String()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("trace lacks %q:\n%s", w, s)
		}
	}
}

func TestRLock_mutual_exclusion_real(t *testing.T) {
	var lock primitives.RLock
	var inside, maxInside, total int
	var wg sync.WaitGroup
	const goroutines, rounds = 8, 1000
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				lock.Acquire()
				if i%2 == 0 {
					lock.Acquire() // re-entry
				}
				inside++
				maxInside = max(maxInside, inside)
				total++
				inside--
				if i%2 == 0 {
					lock.Release()
				}
				lock.Release()
			}
		}()
	}
	hWaitGroup(t, &wg)
	if maxInside != 1 || total != goroutines*rounds {
		t.Fatalf("max threads inside = %d, total = %d; want 1 and %d", maxInside, total, goroutines*rounds)
	}
}

func TestRLock_mutual_exclusion_explored(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			var lock primitives.RLock
			inside := 0
			done := primitives.NewSemaphore(0)
			for range 3 {
				sched.Spawn(nil, false, func() {
					for range 2 {
						lock.Acquire()
						lock.Acquire()
						inside++
						failpoints.Hit(failpoints.ScenarioReadWrite, &lock)
						if inside != 1 || lock.Depth() != 2 {
							panic(fmt.Sprintf("%d threads inside, depth %d", inside, lock.Depth()))
						}
						inside--
						lock.Release()
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

func ExampleRLock() {
	var mu primitives.RLock
	var visit func(n int) int
	visit = func(n int) int { // a recursive function that takes the lock at every level
		mu.Acquire()
		defer mu.Release()
		if n == 0 {
			return mu.Depth()
		}
		return visit(n - 1)
	}
	fmt.Println("depth at the bottom:", visit(3))
	fmt.Println("owned after:", mu.IsOwned())
	// Output:
	// depth at the bottom: 4
	// owned after: false
}
