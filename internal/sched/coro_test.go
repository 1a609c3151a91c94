package sched

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestManagedCacheCollisions: two goroutine ids that share a cache slot
// are both found, the second through the map, and neither is found once
// unmanaged.
func TestManagedCacheCollisions(t *testing.T) {
	const gid = int64(1) << 40 // no goroutine of this test has such an id
	a := &thread{gid: gid}
	b := &thread{gid: gid + int64(len(managedCache))}
	manage(a)
	manage(b)
	if got := managedThread(a.gid); got != a {
		t.Errorf("managedThread(a) = %p; want %p", got, a)
	}
	if got := managedThread(b.gid); got != b {
		t.Errorf("managedThread(b) = %p; want %p (from the map: a holds the slot)", got, b)
	}
	unmanage(a)
	if got := managedThread(b.gid); got != b {
		t.Errorf("after unmanage(a): managedThread(b) = %p; want %p", got, b)
	}
	unmanage(b)
	if managedThread(a.gid) != nil || managedThread(b.gid) != nil {
		t.Error("a thread is found after unmanage")
	}
}

// TestCoWorkersAreReused: a passing run gives its threads' coroutine
// workers back, idle, and the next run's threads run on them.
func TestCoWorkersAreReused(t *testing.T) {
	body := func() {
		Spawn(nil, false, func() { Point("x", nil) })
		Point("y", nil)
	}
	Execute(body, NewConfig(), NewFixed(Schedule{YieldCode}))
	pool.mu.Lock()
	free := append([]*coWorker(nil), coWorkers.idle...)
	pool.mu.Unlock()
	if len(free) < 2 {
		t.Fatalf("%d coroutine workers idle after a passing run of two threads; want at least 2", len(free))
	}
	for _, w := range free {
		if w.fn != nil || w.done {
			t.Fatal("an idle worker has a body to run, or is marked done")
		}
	}
	var used []*coWorker
	note := func() { used = append(used, self().w) }
	tr := Execute(func() {
		note()
		Spawn(nil, false, func() { note(); Point("x", nil) })
		Point("y", nil)
	}, NewConfig(), NewFixed(Schedule{YieldCode}))
	if tr.Failure != nil {
		t.Fatal(tr.Failure)
	}
	for i, w := range used {
		if !slices.Contains(free, w) {
			t.Errorf("thread %d of the next run got a new worker, not an idle one", i)
		}
	}
	for _, th := range tr.threads {
		if th.w != nil {
			t.Errorf("thread %d kept its worker after the run", th.order)
		}
	}
}

// TestLockedThreadFailsItsRun: a thread that reaches a scheduling point
// locked to its OS thread fails the run (a coroutine switch would end the
// process), and one whose body returns locked is unlocked before its
// worker yields; the next run on the same workers passes.
func TestLockedThreadFailsItsRun(t *testing.T) {
	tr := Execute(func() {
		Spawn(nil, false, func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			Sleep(time.Second)
		})
		Spawn(nil, false, func() { runtime.LockOSThread() }) // returns locked
		Sleep(2 * time.Second)
	}, NewConfig(), &Fixed{})
	if !errors.Is(tr.Failure, ErrMisuse) || !strings.Contains(tr.Failure.Error(), "thread#1 reached a scheduling point with runtime.LockOSThread") {
		t.Fatalf("failure = %v; want the misuse of thread#1", tr.Failure)
	}
	tr = Execute(func() {
		Spawn(nil, false, func() { runtime.LockOSThread() })
		Spawn(nil, false, func() { Point("x", nil); Sleep(time.Second) })
		Sleep(2 * time.Second)
	}, NewConfig(), NewFixed(Schedule{YieldCode, YieldCode}))
	if tr.Failure != nil {
		t.Fatalf("a run whose thread returned locked: %v", tr.Failure)
	}
}
