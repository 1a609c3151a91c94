package properties_test

import (
	"errors"
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

// condVar is the method set the Condition properties use, so that the
// real primitives.Condition and broken.Condition both plug in.
type condVar interface {
	Acquire()
	Release()
	Wait()
	WaitTimeout(d time.Duration) bool
	WaitForTimeout(pred func() bool, d time.Duration) bool
	WaitFor(pred func() bool)
	Notify(n int)
	NotifyAll()
	Waiters() int
}

func realCondition(l primitives.Locker) condVar   { return primitives.NewCondition(l) }
func brokenCondition(l primitives.Locker) condVar { return broken.NewCondition(l) }

// conditionWakeups is the wake-up property: k waiters (each appends itself
// to order under the lock just before Wait, so order is the order they
// queued) and a notifier running a drawn list of Notify(n) / NotifyAll,
// right away or once every waiter queued (drawn).
// Notify, NotifyAll and Wait without the lock panic with ErrNotOwner.
// Under the lock, the model's count of waiters queued and not yet notified
// (len(order) - notified) equals Waiters() before and after every notify;
// a notify raises notified by exactly min(n, waiting); a waiter returning
// from Wait must be among the oldest `notified` (oldest first), must find
// the notifier out of its critical section, and returned waiters never
// outnumber notified ones (no spurious wake-up); the notifier waits until
// every notified waiter returned (no lost wake-up).
func conditionWakeups(rt *rapid.T, cov *interleave.Coverage, mk func(primitives.Locker) condVar) {
	k := rapid.IntRange(1, 3).Draw(rt, "waiters")
	ops := rapid.SliceOfN(rapid.IntRange(-1, 3), 1, 4).Draw(rt, "notify n (-1: NotifyAll)")
	queueFirst := rapid.Bool().Draw(rt, "let every waiter queue before the first notify")
	explore(rt, cov, func(v *violations) {
		lock := new(primitives.Lock)
		c := mk(lock)
		for i, op := range []func(){func() { c.Notify(1) }, c.NotifyAll, c.Wait} {
			if err := errOf(catchPanic(op)); !errors.Is(err, primitives.ErrNotOwner) {
				v.Fatalf("Condition.%s without the lock panicked with %v; want ErrNotOwner",
					[]string{"Notify(1)", "NotifyAll()", "Wait()"}[i], err)
			}
		}
		var order, returned []int
		notified := 0
		notifying := false
		ths := make([]*primitives.Thread, k)
		for i := range k {
			ths[i] = goThread("waiter", func() {
				c.Acquire()
				order = append(order, i)
				c.Wait()
				pos := slices.Index(order, i)
				if notifying {
					v.Fatalf("Condition.Wait returned in waiter %d while the notifier holds the lock", i)
				}
				if len(returned) >= notified {
					v.Fatalf("Condition.Wait returned in waiter %d: returned = %d; want <= notified %d (spurious wake-up)", i, len(returned)+1, notified)
				}
				if pos >= notified {
					v.Fatalf("Condition.Wait woke waiter %d, queued #%d; want one of the %d oldest (order %v)", i, pos, notified, order)
				}
				returned = append(returned, i)
				c.Release()
			})
		}
		notify := func(n int) {
			c.Acquire()
			notifying = true
			waiting := len(order) - notified
			if got := c.Waiters(); got != waiting {
				v.Fatalf("Condition.Waiters() before Notify = %d; want %d", got, waiting)
			}
			if n < 0 {
				c.NotifyAll()
				notified += waiting
			} else {
				c.Notify(n)
				notified += min(n, waiting)
			}
			if got, want := c.Waiters(), len(order)-notified; got != want {
				v.Fatalf("Condition.Waiters() after Notify(%d) with %d waiting = %d; want %d", n, waiting, got, want)
			}
			sched.Sleep(0) // a woken waiter may try to run now
			notifying = false
			c.Release()
			awaitModel(v, "every notified waiter returned", func() bool { return len(returned) == notified })
		}
		if queueFirst {
			awaitModel(v, "every waiter queued", func() bool { return c.Waiters() == k })
		}
		for _, n := range ops {
			notify(n)
		}
		for len(returned) < k {
			awaitModel(v, "every waiter queued", func() bool {
				c.Acquire()
				defer c.Release()
				return len(order) == k
			})
			notify(-1)
		}
		joinAll(ths...)
	})
}

// conditionWaitFor: a waiter calls WaitFor(x >= target), a timed waiter
// WaitForTimeout(x >= target, d); a setter raises x one by one under the
// lock, notifying all and sleeping between steps. WaitFor returns with the
// predicate true, and the RLock at the depth it had (2); WaitForTimeout
// returns true with the predicate true, or false with it false and no
// earlier than its deadline.
func conditionWaitFor(rt *rapid.T, cov *interleave.Coverage, mk func(primitives.Locker) condVar) {
	target := rapid.IntRange(1, 3).Draw(rt, "target")
	gaps := rapid.SliceOfN(rapid.IntRange(0, 3), target, target).Draw(rt, "setter sleeps (ms)")
	d := time.Duration(rapid.IntRange(0, 5).Draw(rt, "WaitForTimeout (ms)")) * time.Millisecond
	explore(rt, cov, func(v *violations) {
		rl := new(primitives.RLock)
		c := mk(rl)
		x := 0
		pred := func() bool { return x >= target }
		w := goThread("waitfor", func() {
			c.Acquire()
			c.Acquire() // WaitFor releases both levels, and takes both back
			c.WaitFor(pred)
			if x < target {
				v.Fatalf("Condition.WaitFor returned with x = %d; want >= %d", x, target)
			}
			if rl.Depth() != 2 {
				v.Fatalf("after Condition.WaitFor at RLock depth 2: RLock.Depth() = %d; want 2", rl.Depth())
			}
			c.Release()
			c.Release()
		})
		tw := goThread("waitfor-timeout", func() {
			c.Acquire()
			start := sched.Now()
			ok := c.WaitForTimeout(pred, d)
			if ok != pred() {
				v.Fatalf("Condition.WaitForTimeout = %v with the predicate %v (x = %d); want equal", ok, pred(), x)
			}
			if el := sched.Now().Sub(start); !ok && el < d {
				v.Fatalf("Condition.WaitForTimeout = false after %v; want no earlier than its timeout %v", el, d)
			}
			c.Release()
		})
		for _, g := range gaps {
			sched.Sleep(time.Duration(g) * time.Millisecond)
			c.Acquire()
			x++
			c.NotifyAll()
			c.Release()
		}
		joinAll(w, tw)
	})
}

// conditionWaitTimeout: a waiter holding an RLock at depth 1 or 2 calls
// WaitTimeout(d); the main thread, after a drawn sleep (or never),
// notifies. If the waiter was queued when Notify began (Waiters() = 1) and
// Notify was over before the waiter's deadline, it returns true; with no
// Notify while it was queued, it returns false, no earlier than its deadline
// (exactly at it if the schedule injected no delay). Either way it holds
// the lock again, at its depth.
func conditionWaitTimeout(rt *rapid.T, cov *interleave.Coverage, mk func(primitives.Locker) condVar) {
	d := time.Duration(rapid.IntRange(0, 3).Draw(rt, "WaitTimeout (ms)")) * time.Millisecond
	notifyAt := time.Duration(rapid.IntRange(-1, 4).Draw(rt, "notify after (ms), -1: never")) * time.Millisecond
	depth := rapid.IntRange(1, 2).Draw(rt, "RLock depth")
	var elapsed time.Duration
	var ok bool
	tr := explore(rt, cov, func(v *violations) {
		rl := new(primitives.RLock)
		c := mk(rl)
		queued := -1           // Waiters() just before Notify; -1: no Notify
		var notified time.Time // when Notify returned
		w := goThread("waiter", func() {
			for range depth {
				c.Acquire()
			}
			start := sched.Now()
			deadline := start.Add(d)
			ok = c.WaitTimeout(d)
			elapsed = sched.Now().Sub(start)
			if rl.Depth() != depth {
				v.Fatalf("after Condition.WaitTimeout at RLock depth %d: Depth() = %d; want %d", depth, rl.Depth(), depth)
			}
			switch {
			case queued == 1 && notified.Before(deadline) && !ok:
				v.Fatalf("Condition.WaitTimeout(%v) = false after %v; want true (notified while queued, before its deadline)", d, elapsed)
			case queued < 1 && ok:
				v.Fatalf("Condition.WaitTimeout(%v) = true after %v, with no Notify while it was queued; want false", d, elapsed)
			case !ok && elapsed < d:
				v.Fatalf("Condition.WaitTimeout(%v) = false after %v; want no earlier than its timeout", d, elapsed)
			}
			for range depth {
				c.Release()
			}
		})
		if notifyAt >= 0 {
			sched.Sleep(notifyAt)
			c.Acquire()
			queued = c.Waiters()
			c.Notify(1)
			notified = sched.Now()
			c.Release()
		}
		joinAll(w)
	})
	if tr.Preemptions() == 0 && !ok && elapsed != d {
		rt.Fatalf("Condition.WaitTimeout(%v) = false after %v with no injected delay; want exactly %v", d, elapsed, d)
	}
}

func TestPropConditionWaitTimeout(t *testing.T) {
	t.Parallel()
	properties.Check(t, "ConditionWaitTimeout", func(rt *rapid.T, cov *interleave.Coverage) {
		conditionWaitTimeout(rt, cov, realCondition)
	})
}

func TestPropConditionWakeups(t *testing.T) {
	t.Parallel()
	properties.Check(t, "ConditionWakeups", func(rt *rapid.T, cov *interleave.Coverage) {
		conditionWakeups(rt, cov, realCondition)
	})
}

func TestPropConditionWaitFor(t *testing.T) {
	t.Parallel()
	properties.Check(t, "ConditionWaitFor", func(rt *rapid.T, cov *interleave.Coverage) {
		conditionWaitFor(rt, cov, realCondition)
	})
}

// TestCatchesBrokenConditionNotify: a Notify(n) that wakes n+1 waiters
// fails conditionWakeups.
func TestCatchesBrokenConditionNotify(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenConditionNotify",
		func(rt *rapid.T) { conditionWakeups(rt, &interleave.Coverage{}, brokenCondition) },
		func(rt *rapid.T) { conditionWakeups(rt, &interleave.Coverage{}, realCondition) })
}

// TestCatchesBrokenConditionLIFO: a condition whose Notify wakes the
// newest waiters first fails conditionWakeups (oldest first).
func TestCatchesBrokenConditionLIFO(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	lifo := func(l primitives.Locker) condVar { return broken.NewLIFOCondition(l.(*primitives.Lock)) }
	properties.Demo(t, "CatchesBrokenConditionLIFO",
		func(rt *rapid.T) { conditionWakeups(rt, &interleave.Coverage{}, lifo) },
		func(rt *rapid.T) { conditionWakeups(rt, &interleave.Coverage{}, realCondition) })
}
