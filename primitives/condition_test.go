package primitives_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py ConditionTests, then the
// Go-specific checks of the contract (FIFO notify, Waiters, depth restore,
// timeouts on the virtual clock).

func TestCondition_test_acquire(t *testing.T) {
	hAll(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		// By default we have an RLock: the condition can be acquired
		// multiple times.
		cond.Acquire()
		cond.Acquire()
		cond.Release()
		cond.Release()
		var lock primitives.Lock
		cond = primitives.NewCondition(&lock)
		cond.Acquire()
		if lock.TryAcquire() {
			e.Errorf("lock.TryAcquire() while the condition holds it = true; want false")
		}
		cond.Release()
		if !lock.TryAcquire() {
			e.Errorf("lock.TryAcquire() after cond.Release() = false; want true")
		}
		if cond.TryAcquire() {
			e.Errorf("cond.TryAcquire() while the lock is held = true; want false")
		}
		lock.Release()
		func() {
			cond.Acquire()
			defer cond.Release()
			if lock.TryAcquire() {
				e.Errorf("lock.TryAcquire() inside the condition = true; want false")
			}
		}()
	})
}

func TestCondition_test_unacquired_wait(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		hPanics(e, "Wait without the lock", primitives.ErrNotOwner, cond.Wait)
		hPanics(e, "WaitTimeout without the lock", primitives.ErrNotOwner, func() { cond.WaitTimeout(time.Second) })
		hPanics(e, "WaitTimeout(0) without the lock", primitives.ErrNotOwner, func() { cond.WaitTimeout(0) })
		hPanics(e, "WaitFor without the lock", primitives.ErrNotOwner, func() { cond.WaitFor(func() bool { return false }) })
		hPanics(e, "WaitForTimeout without the lock", primitives.ErrNotOwner,
			func() { cond.WaitForTimeout(func() bool { return false }, time.Second) })
		// As in CPython, a predicate already true needs no wait, and so no lock.
		cond.WaitFor(func() bool { return true })
	})
}

func TestCondition_test_unacquired_notify(t *testing.T) {
	hAll(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		hPanics(e, "Notify(1) without the lock", primitives.ErrNotOwner, func() { cond.Notify(1) })
		hPanics(e, "Notify(0) without the lock", primitives.ErrNotOwner, func() { cond.Notify(0) })
		hPanics(e, "NotifyAll without the lock", primitives.ErrNotOwner, cond.NotifyAll)
		// Release follows the rules of the lock underneath.
		hPanics(e, "Release of an unheld RLock", primitives.ErrNotOwner, cond.Release)
		hPanics(e, "Release of an unlocked Lock", primitives.ErrReleaseUnlocked, primitives.NewCondition(new(primitives.Lock)).Release)
		// An RLock held by another thread is not held by this one.
		var rl primitives.RLock
		cond = primitives.NewCondition(&rl)
		b := e.Bunch(1, rl.Acquire, true)
		e.WaitUntil("the other thread holds the lock", func() bool { return strings.HasPrefix(rl.Observe().State, "locked") })
		hPanics(e, "Notify(1) with the lock held elsewhere", primitives.ErrNotOwner, func() { cond.Notify(1) })
		b.Wait()
	})
}

type hPhase struct {
	result bool
	phase  int64
}

func hCheckNotify(e *hEnv, cond *primitives.Condition, lock *primitives.RLock) {
	var ready hList[int64]
	var results1, results2 hList[hPhase]
	var phaseNum atomic.Int64
	f := func() {
		cond.Acquire()
		ready.Append(phaseNum.Load())
		cond.Wait()
		cond.Release()
		results1.Append(hPhase{true, phaseNum.Load()}) // Wait returns nothing: it only returns when notified

		cond.Acquire()
		ready.Append(phaseNum.Load())
		cond.Wait()
		cond.Release()
		results2.Append(hPhase{true, phaseNum.Load()})
	}
	const N = 5
	b := e.Bunch(N, f, false)
	// First wait, to ensure all workers settle into cond.Wait() before we
	// continue (a worker appends to ready holding the lock, and releases
	// it only in Wait).
	e.WaitUntil("5 ready", func() bool { return ready.Len() >= N })
	ready.Clear()
	if r := results1.Get(); len(r) != 0 {
		e.Errorf("results1 = %v before any notify; want []", r)
	}

	// Notify 3 threads at first.
	const count1 = 3
	cond.Acquire()
	cond.Notify(count1)
	if n := cond.Waiters(); n != N-count1 {
		e.Errorf("Waiters() right after Notify(%d) = %d; want %d", count1, n, N-count1)
	}
	e.WaitUntil("3 woken threads blocked on the lock", func() bool { return lock.Observe().Waiters == count1 })

	// Phase 1.
	phaseNum.Store(1)
	cond.Release()
	e.WaitUntil("3 results1", func() bool { return results1.Len() >= count1 })
	hEqual(e, "results1", results1.Get(), hRepeat(hPhase{true, 1}, count1))
	hEqual(e, "results2", results2.Get(), nil)

	// Wait until the woken workers are blocked on cond.Wait().
	e.WaitUntil("3 ready", func() bool { return ready.Len() >= count1 })

	// Notify 5 threads: they might be in their first or second wait.
	cond.Acquire()
	cond.Notify(5)
	e.WaitUntil("5 woken threads blocked on the lock", func() bool { return lock.Observe().Waiters == N })

	// Phase 2.
	phaseNum.Store(2)
	cond.Release()
	e.WaitUntil("8 results", func() bool { return results1.Len()+results2.Len() >= N+count1 })
	const count2 = N - count1
	hEqual(e, "results1", results1.Get(), append(hRepeat(hPhase{true, 1}, count1), hRepeat(hPhase{true, 2}, count2)...))
	hEqual(e, "results2", results2.Get(), hRepeat(hPhase{true, 2}, count1))

	// Make sure all workers settle into cond.Wait().
	e.WaitUntil("5 ready", func() bool { return ready.Len() >= N })

	// Notify all threads: they are all in their second wait.
	cond.Acquire()
	cond.NotifyAll()
	if n := cond.Waiters(); n != 0 {
		e.Errorf("Waiters() right after NotifyAll() = %d; want 0", n)
	}
	e.WaitUntil("2 woken threads blocked on the lock", func() bool { return lock.Observe().Waiters == count2 })

	// Phase 3.
	phaseNum.Store(3)
	cond.Release()
	e.WaitUntil("5 results2", func() bool { return results2.Len() >= N })
	hEqual(e, "results1", results1.Get(), append(hRepeat(hPhase{true, 1}, count1), hRepeat(hPhase{true, 2}, count2)...))
	hEqual(e, "results2", results2.Get(), append(hRepeat(hPhase{true, 2}, count1), hRepeat(hPhase{true, 3}, count2)...))
	b.Wait()
}

func TestCondition_test_notify(t *testing.T) {
	hAll(t, func(e *hEnv) {
		lock := new(primitives.RLock) // Condition's default lock, kept to observe it
		cond := primitives.NewCondition(lock)
		hCheckNotify(e, cond, lock)
		// A second time, to check internal state is still ok.
		hCheckNotify(e, cond, lock)
	})
}

func TestCondition_test_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		timeout := e.Dur(500 * time.Millisecond)
		type res struct {
			dt     time.Duration
			result bool
		}
		var results hList[res]
		f := func() {
			cond.Acquire()
			t1 := e.Now()
			result := cond.WaitTimeout(timeout)
			t2 := e.Now()
			cond.Release()
			results.Append(res{t2.Sub(t1), result})
		}
		const N = 5
		e.Bunch(N, f, false).Wait()
		r := results.Get()
		if len(r) != N {
			e.Fatalf("%d results; want %d", len(r), N)
		}
		for _, x := range r {
			e.CheckElapsed(fmt.Sprintf("WaitTimeout(%v)", timeout), x.dt, timeout)
			// No spurious wake-ups: nobody notified, so every wait times out.
			if x.result {
				e.Errorf("WaitTimeout(%v) without a notify = true; want false", timeout)
			}
		}
		if n := cond.Waiters(); n != 0 {
			e.Errorf("Waiters() after every wait timed out = %d; want 0", n)
		}
	})
}

func TestCondition_test_waitfor(t *testing.T) {
	hAll(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		state := 0 // guarded by cond
		b := e.Bunch(1, func() {
			cond.Acquire()
			defer cond.Release()
			cond.WaitFor(func() bool { return state == 4 })
			if state != 4 {
				e.Errorf("state after WaitFor = %d; want 4", state)
			}
		}, false)
		for range 4 {
			e.WaitUntil("the waiter parked", func() bool { return cond.Waiters() == 1 })
			cond.Acquire()
			state++
			cond.Notify(1)
			cond.Release()
		}
		b.Wait()
	})
}

func TestCondition_test_waitfor_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		state := 0 // guarded by cond
		timeout := e.Dur(100 * time.Millisecond)
		var success hList[struct{}]
		b := e.Bunch(1, func() {
			cond.Acquire()
			defer cond.Release()
			t1 := e.Now()
			result := cond.WaitForTimeout(func() bool { return state == 4 }, timeout)
			dt := e.Now().Sub(t1)
			if result {
				e.Errorf("WaitForTimeout(state == 4) = true; want false")
			}
			e.CheckElapsed("WaitForTimeout", dt, timeout)
			success.Append(struct{}{})
		}, false)
		// Only increment 3 times, so state == 4 is never reached.
		for range 3 {
			e.WaitUntil("the waiter parked", func() bool { return cond.Waiters() == 1 || success.Len() == 1 })
			cond.Acquire()
			state++
			cond.Notify(1)
			cond.Release()
		}
		b.Wait()
		if n := success.Len(); n != 1 {
			e.Errorf("success = %d; want 1", n)
		}
	})
}

// --- Go-specific checks ---

// Notify(n) wakes the n oldest waiters, and Waiters drops by n at once.
func TestCondition_notify_wakes_oldest_first(t *testing.T) {
	hAll(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		var order hList[string]
		for i, name := range []string{"A", "B", "C", "D"} {
			e.Go(func() {
				cond.Acquire()
				cond.Wait()
				order.Append(name)
				cond.Release()
			})
			e.WaitUntil(name+" parked", func() bool { return cond.Waiters() == i+1 })
		}
		cond.Acquire()
		cond.Notify(0)
		cond.Notify(-3)
		if n := cond.Waiters(); n != 4 {
			e.Errorf("Waiters() after Notify(0) and Notify(-3) = %d; want 4", n)
		}
		cond.Notify(1)
		if n := cond.Waiters(); n != 3 {
			e.Errorf("Waiters() after Notify(1) = %d; want 3", n)
		}
		cond.Release()
		e.WaitUntil("A returned", func() bool { return order.Len() == 1 })
		cond.Acquire()
		cond.Notify(2)
		if n := cond.Waiters(); n != 1 {
			e.Errorf("Waiters() after Notify(2) = %d; want 1", n)
		}
		cond.Release()
		e.WaitUntil("B and C returned", func() bool { return order.Len() == 3 })
		if o := order.Get(); o[0] != "A" || !(o[1] == "B" && o[2] == "C" || o[1] == "C" && o[2] == "B") {
			e.Errorf("return order = %q; want A, then B and C", o)
		}
		cond.Acquire()
		cond.Notify(10) // more than wait: wakes D only
		cond.Release()
		e.WaitUntil("D returned", func() bool { return order.Len() == 4 })
	})
}

// A woken waiter cannot return before the notifier releases the lock.
func TestCondition_woken_waiter_needs_the_lock(t *testing.T) {
	hModel(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		var returnedAt atomic.Int64
		e.Go(func() {
			cond.Acquire()
			if !cond.WaitTimeout(time.Hour) {
				e.Errorf("WaitTimeout = false after a Notify; want true")
			}
			returnedAt.Store(int64(e.Now().Sub(sched.Epoch)))
			cond.Release()
		})
		e.WaitUntil("the waiter parked", func() bool { return cond.Waiters() == 1 })
		cond.Acquire()
		cond.Notify(1)
		notified := e.Now().Sub(sched.Epoch)
		e.Sleep(time.Second) // holding the lock
		if returnedAt.Load() != 0 {
			e.Errorf("the waiter returned while the notifier held the lock")
		}
		cond.Release()
		e.WaitUntil("the waiter returned", func() bool { return returnedAt.Load() != 0 })
		if got := time.Duration(returnedAt.Load()); got != notified+time.Second {
			e.Errorf("the waiter returned at %v; want %v, when the notifier released the lock", got, notified+time.Second)
		}
	})
}

// Wait releases every level of an RLock, and gives them all back.
func TestCondition_wait_restores_rlock_depth(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var lock primitives.RLock
		cond := primitives.NewCondition(&lock)
		var got hList[bool]
		e.Go(func() {
			cond.Acquire()
			cond.Acquire()
			cond.Acquire()
			got.Append(cond.WaitTimeout(time.Hour))
			if d := lock.Depth(); d != 3 {
				e.Errorf("Depth() after Wait = %d; want 3", d)
			}
			for range 3 {
				cond.Release()
			}
			got.Append(true)
		})
		e.WaitUntil("the waiter parked", func() bool { return cond.Waiters() == 1 })
		if !lock.TryAcquire() { // fully released while waiting
			e.Fatalf("TryAcquire() while the only holder waits = false; want true")
		}
		if d := lock.Depth(); d != 1 {
			e.Errorf("Depth() of the notifier = %d; want 1", d)
		}
		cond.Notify(1)
		lock.Release()
		e.WaitUntil("the waiter returned", func() bool { return got.Len() == 2 })
		if g := got.Get(); !g[0] {
			e.Errorf("WaitTimeout after Notify = false; want true")
		}
		if s := lock.Observe(); s.State != "unlocked" || s.Owner != 0 {
			e.Errorf("at the end: Observe() = %+v; want unlocked", s)
		}
	})
}

// A Condition over a plain Lock: "held" means locked by anybody, as in
// Python.
func TestCondition_over_a_lock(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var lock primitives.Lock
		cond := primitives.NewCondition(&lock)
		hPanics(e, "Wait on an unlocked Lock", primitives.ErrNotOwner, cond.Wait)
		var got hList[bool]
		e.Go(func() {
			cond.Acquire()
			got.Append(cond.WaitTimeout(time.Hour))
			if !lock.Locked() {
				e.Errorf("Locked() after Wait = false; want true")
			}
			cond.Release()
		})
		e.WaitUntil("the waiter parked", func() bool { return cond.Waiters() == 1 })
		if lock.Locked() {
			e.Errorf("Locked() while the only holder waits = true; want false")
		}
		cond.Acquire()
		cond.NotifyAll()
		cond.Release()
		e.WaitUntil("the waiter returned", func() bool { return got.Len() == 1 })
		if g := got.Get(); !g[0] {
			e.Errorf("WaitTimeout after NotifyAll = false; want true")
		}
	})
}

// WaitTimeout(d <= 0) is Python's wait(0): no wait, no waiter left, the
// lock released and taken back (another thread may get in meanwhile).
func TestCondition_wait_timeout_zero(t *testing.T) {
	hModel(t, func(e *hEnv) {
		var lock primitives.RLock
		cond := primitives.NewCondition(&lock)
		cond.Acquire()
		cond.Acquire()
		t0 := e.Now()
		for _, d := range []time.Duration{0, -time.Second} {
			if cond.WaitTimeout(d) {
				e.Errorf("WaitTimeout(%v) = true; want false", d)
			}
			if cond.WaitForTimeout(func() bool { return false }, d) {
				e.Errorf("WaitForTimeout(false, %v) = true; want false", d)
			}
		}
		if dt := e.Now().Sub(t0); dt != 0 {
			e.Errorf("WaitTimeout(<= 0) waited %v; want 0", dt)
		}
		if n, d := cond.Waiters(), lock.Depth(); n != 0 || d != 2 {
			e.Errorf("after WaitTimeout(0): Waiters() = %d, Depth() = %d; want 0 and 2", n, d)
		}
		cond.Release()
		cond.Release()
	})
}

// WaitForTimeout has one deadline for the whole call, however many
// wake-ups.
func TestCondition_waitfor_timeout_one_deadline(t *testing.T) {
	hModel(t, func(e *hEnv) {
		cond := primitives.NewCondition(nil)
		calls := 0
		var done hList[time.Duration]
		e.Go(func() {
			cond.Acquire()
			t0 := e.Now()
			r := cond.WaitForTimeout(func() bool { calls++; return false }, 100*time.Millisecond)
			done.Append(e.Now().Sub(t0))
			if r {
				e.Errorf("WaitForTimeout = true; want false")
			}
			cond.Release()
		})
		for range 3 {
			e.Sleep(30 * time.Millisecond)
			cond.Acquire()
			cond.Notify(1)
			cond.Release()
		}
		e.WaitUntil("the waiter returned", func() bool { return done.Len() == 1 })
		if d := done.Get()[0]; d != 100*time.Millisecond {
			e.Errorf("WaitForTimeout(100ms) with notifies every 30ms took %v; want 100ms", d)
		}
		if calls != 5 { // once first, once after each of 3 notifies, once at the deadline
			e.Errorf("pred called %d times; want 5", calls)
		}
	})
}

// Producers and consumers of a one-slot buffer: no notification is lost
// and no wake-up is spurious, in every schedule drawn.
func TestCondition_one_slot_buffer_explored(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			cond := primitives.NewCondition(nil)
			slot, full := 0, false
			sum := 0
			done := primitives.NewSemaphore(0)
			for p := range 2 {
				sched.Spawn(hName(fmt.Sprintf("producer%d", p)), false, func() {
					for i := range 3 {
						cond.Acquire()
						cond.WaitFor(func() bool { return !full })
						slot, full = 10*p+i+1, true
						cond.NotifyAll()
						cond.Release()
					}
					done.Release()
				})
			}
			for c := range 2 {
				sched.Spawn(hName(fmt.Sprintf("consumer%d", c)), false, func() {
					for range 3 {
						cond.Acquire()
						for !full {
							cond.Wait() // a lost notification shows as a deadlock
						}
						sum += slot
						full = false
						cond.NotifyAll()
						cond.Release()
					}
					done.Release()
				})
			}
			for range 4 {
				done.Acquire()
			}
			if want := 1 + 2 + 3 + 11 + 12 + 13; sum != want {
				panic(fmt.Sprintf("sum of consumed items = %d; want %d", sum, want))
			}
		})
	})
}

func TestCondition_producer_consumer_real(t *testing.T) {
	cond := primitives.NewCondition(nil)
	var queue []int
	const producers, items = 4, 500
	var wg sync.WaitGroup
	sum := 0
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range items {
				cond.Acquire()
				queue = append(queue, p*items+i)
				cond.Notify(1)
				cond.Release()
			}
		}()
	}
	for range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range items {
				cond.Acquire()
				cond.WaitFor(func() bool { return len(queue) > 0 })
				sum += queue[0]
				queue = queue[1:]
				cond.Release()
			}
		}()
	}
	hWaitGroup(t, &wg)
	if n := producers * items; sum != n*(n-1)/2 {
		t.Fatalf("sum = %d; want %d", sum, n*(n-1)/2)
	}
	if n := cond.Waiters(); n != 0 {
		t.Fatalf("Waiters() = %d at the end; want 0", n)
	}
}

func hRepeat[T any](x T, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = x
	}
	return s
}

func hEqual[T comparable](e *hEnv, what string, got, want []T) {
	e.t.Helper()
	if len(got) != len(want) {
		e.Errorf("%s = %v; want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			e.Errorf("%s = %v; want %v", what, got, want)
			return
		}
	}
}

func ExampleCondition() {
	cond := primitives.NewCondition(nil)
	var items []string // guarded by cond
	done := make(chan struct{})
	go func() { // the consumer
		defer close(done)
		cond.Acquire()
		defer cond.Release()
		for _, want := range []int{1, 2, 3} {
			cond.WaitFor(func() bool { return len(items) >= want })
			fmt.Println("got", items[want-1])
		}
	}()
	for _, it := range []string{"apple", "banana", "cherry"} { // the producer
		cond.Acquire()
		items = append(items, it)
		cond.NotifyAll()
		cond.Release()
	}
	<-done
	// Output:
	// got apple
	// got banana
	// got cherry
}

// A daemon thread parked in a primitive when the run ends is unwound: its
// deferred calls run, and a Condition gives it back its lock first so that
// a deferred Release does not fail.
func TestLockFamily_daemons_unwind_at_exit(t *testing.T) {
	var cleaned atomic.Int64
	_, err := interleave.Run(func() {
		cond := primitives.NewCondition(nil)
		var plain primitives.Lock
		pcond := primitives.NewCondition(&plain)
		var held primitives.Lock
		held.Acquire()
		sem := primitives.NewSemaphore(0)
		var evt primitives.Event
		barrier := primitives.NewBarrier(2, nil, 0)
		daemons := []func(){
			func() { cond.Acquire(); defer cond.Release(); cond.Acquire(); defer cond.Release(); cond.Wait() },
			func() { pcond.Acquire(); defer pcond.Release(); pcond.WaitFor(func() bool { return false }) },
			func() { held.Acquire() },
			func() { sem.Acquire() },
			func() { evt.Wait() },
			func() { _, _ = barrier.Wait() },
		}
		for i, d := range daemons {
			sched.Spawn(hName(fmt.Sprintf("daemon%d", i)), true, func() {
				defer cleaned.Add(1)
				d()
			})
		}
		sched.Sleep(time.Second)
	})
	if err != nil {
		t.Fatalf("run with daemons parked at exit: %v", err)
	}
	if n := cleaned.Load(); n != 6 {
		t.Fatalf("%d daemons ran their deferred calls; want 6", n)
	}
}
