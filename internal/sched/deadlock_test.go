package sched_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// ownedLock is a lock built straight on the wait queue whose snapshot
// names its holder, as the primitives' locks do.
type ownedLock struct {
	mu     sync.Mutex
	holder atomic.Int64 // goroutine id of the holder, 0 when free
	q      sched.WaitQueue
}

func (l *ownedLock) Acquire() {
	sched.Point("ownedLock.Acquire", l)
	l.mu.Lock()
	for l.holder.Load() != 0 {
		l.q.Wait(&l.mu, "ownedLock.Acquire", time.Time{}) // at:owned
	}
	l.holder.Store(sched.GoID())
	l.mu.Unlock()
}

func (l *ownedLock) Observe() sched.Snapshot {
	return sched.Snapshot{Kind: "ownedLock", Owner: l.holder.Load(), Waiters: l.q.Len()}
}

// gate is a wait nobody holds: its waiters wait for an Open that never
// comes.
type gate struct {
	mu sync.Mutex
	q  sched.WaitQueue
}

func (g *gate) Wait() {
	sched.Point("gate.Wait", g)
	g.mu.Lock()
	g.q.Wait(&g.mu, "gate.Wait", time.Time{}) // at:gate
	g.mu.Unlock()
}

func (g *gate) Observe() sched.Snapshot { return sched.Snapshot{Kind: "gate", State: "shut"} }

type name string

func (n name) Name() string { return string(n) }

// lineOf returns "sched/deadlock_test.go:N" for the line of this file that
// ends with the comment "// at:tag". The toys here are the user's code
// (only the runtime, sync and this module's packages are skipped), so a
// report points at their call of WaitQueue.Wait.
func lineOf(t *testing.T, tag string) string {
	t.Helper()
	src, err := os.ReadFile("deadlock_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// at:"+tag) {
			return "sched/deadlock_test.go:" + strconv.Itoa(i+1)
		}
	}
	t.Fatalf("no line marked at:%s", tag)
	return ""
}

func deadlock(t *testing.T, body func()) string {
	t.Helper()
	tr := sched.Execute(body, sched.NewConfig(), sched.NewFixed(nil))
	if !errors.Is(tr.Failure, sched.ErrDeadlock) {
		t.Fatalf("failure = %v; want ErrDeadlock", tr.Failure)
	}
	return tr.Failure.Error()
}

// TestDeadlockReportFollowsOwners: the report names what each thread
// holds (the objects whose snapshot names it as Owner), the holder of
// what it waits on, and the cycle of the waits-for graph, starting at the
// thread of lowest order.
func TestDeadlockReportFollowsOwners(t *testing.T) {
	got := deadlock(t, func() {
		var a, b, c ownedLock
		var g gate
		locks := []*ownedLock{&a, &b, &c}
		for i := range 3 {
			first, second := locks[i], locks[(i+1)%3]
			sched.Spawn(name("T"+strconv.Itoa(i+1)), false, func() {
				first.Acquire()
				sched.Sleep(time.Second)
				second.Acquire()
			})
		}
		g.Wait()
	})
	want := "interleave: deadlock at 1s: no thread can run and no timer is pending\n" +
		"  MainThread waits on gate#1 (gate.Wait) at " + lineOf(t, "gate") + ": shut\n" +
		"  T1 holds ownedLock#1 and waits on ownedLock#2 (ownedLock.Acquire) at " + lineOf(t, "owned") + ", held by T2\n" +
		"  T2 holds ownedLock#2 and waits on ownedLock#3 (ownedLock.Acquire) at " + lineOf(t, "owned") + ", held by T3\n" +
		"  T3 holds ownedLock#3 and waits on ownedLock#1 (ownedLock.Acquire) at " + lineOf(t, "owned") + ", held by T1\n" +
		"  cycle: T1 → ownedLock#2 → T2 → ownedLock#3 → T3 → ownedLock#1 → T1"
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

// TestDeadlockReportHolderOutsideTheRun: a lock held by a goroutine that
// is not a thread of the run is named by its goroutine id, with no cycle.
func TestDeadlockReportHolderOutsideTheRun(t *testing.T) {
	var l ownedLock
	l.holder.Store(sched.GoID()) // the test's goroutine holds it
	got := deadlock(t, func() {
		l.Acquire()
	})
	want := "interleave: deadlock at 0s: no thread can run and no timer is pending\n" +
		"  MainThread waits on ownedLock#1 (ownedLock.Acquire) at " + lineOf(t, "owned") +
		", held by goroutine " + strconv.FormatInt(sched.GoID(), 10) + " (not a thread of this run)"
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

// TestDeadlockReportStaleObject: a wait whose last scheduling point named
// another kind of object (here a lock taken before the wait, on a queue
// with no point of its own) names the operation only, never that object.
func TestDeadlockReportStaleObject(t *testing.T) {
	got := deadlock(t, func() {
		var l ownedLock
		var mu sync.Mutex
		var q sched.WaitQueue
		l.Acquire()
		mu.Lock()
		q.Wait(&mu, "bare.Wait", time.Time{}) // at:bare
		mu.Unlock()
	})
	want := "interleave: deadlock at 0s: no thread can run and no timer is pending\n" +
		"  MainThread holds ownedLock#1 and waits on bare.Wait at " + lineOf(t, "bare")
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

// TestDeadlockReportCostsNoGoroutineDump: a deadlock's report does not
// read other goroutines' stacks (each parked thread records its own
// callers), so its cost does not grow with the goroutines outside the run.
func TestDeadlockReportCostsNoGoroutineDump(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); <-stop }()
	}
	defer func() { close(stop); wg.Wait() }()
	allocs := testing.AllocsPerRun(20, func() {
		_ = deadlock(t, func() {
			var g gate
			g.Wait()
		})
	})
	// Measured: 37 allocations a run (Execute, the report, its text);
	// with the goroutine dump it replaced, parsed for the run's
	// goroutines, 308 with these 50 goroutines waiting outside the run.
	if allocs > 80 {
		t.Errorf("a deadlocking run allocates %v times; want at most 80", allocs)
	}
}
