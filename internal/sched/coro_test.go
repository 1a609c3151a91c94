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
		if w.th != nil || w.done {
			t.Fatal("an idle worker has a thread to run, or is marked done")
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

// takeBaton does to the calling thread what the watchdog does to a thread
// it finds blocked outside the explorer (watchdog.go, look): it takes the
// baton and fails the run, and returns the thread's worker, which the
// run's driver is waiting in. The caller starts the rescuer when it wants.
func takeBaton(th *thread) *coWorker {
	r := th.run
	g := r.gate.Load()
	r.victim.Store(th)
	r.takeover = make(chan struct{})
	if !r.gate.CompareAndSwap(g, g|hijackBit) {
		panic("the gate moved under the baton holder")
	}
	return r.abandon(th, "chan receive", "coro_test.go", 0)
}

// TestRescueHandsTheRunBack: once the watchdog took the baton from a
// thread, the run's driver goes on and Execute returns, whichever of the
// rescuer and the thread makes the switch back to the driver first, and
// whether the thread's body then returns or ends in runtime.Goexit; the
// rescuer's goroutine ends when the thread's does.
func TestRescueHandsTheRunBack(t *testing.T) {
	for _, c := range []struct {
		name                string
		threadFirst, goexit bool
	}{
		{"rescuer first, return", false, false},
		{"rescuer first, Goexit", false, true},
		{"thread first, return", true, false},
		{"thread first, Goexit", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			release, rescued, ended := make(chan struct{}), make(chan struct{}), make(chan struct{})
			tr := Execute(func() {
				Spawn(nil, false, func() {
					defer close(ended)
					me := self()
					w := takeBaton(me)
					goOwn(func() {
						defer close(rescued)
						for c.threadFirst && w.claim.Load() == claimNone {
							runtime.Gosched() // until the thread made its own switch
						}
						me.run.rescue(w)
					})
					if !c.threadFirst {
						<-release // blocked outside the explorer, as the watchdog saw it
					}
					if c.goexit {
						runtime.Goexit()
					}
				})
				Sleep(time.Second) // unwound by the rescued driver
			}, NewConfig(), &Fixed{})
			if !errors.Is(tr.Failure, ErrBlockedOutside) {
				t.Fatalf("failure = %v; want ErrBlockedOutside", tr.Failure)
			}
			close(release)
			<-ended
			<-rescued
		})
	}
}

// TestLockedCallerRuns: a caller of Execute locked to its OS thread cannot
// switch to coroutines (the runtime would end the process): its run is
// driven from a pooled goroutine.
func TestLockedCallerRuns(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tr := Execute(func() {
		Spawn(nil, false, func() { Point("x", nil) })
		Point("y", nil)
	}, NewConfig(), NewFixed(Schedule{YieldCode}))
	if tr.Failure != nil {
		t.Fatal(tr.Failure)
	}
}
