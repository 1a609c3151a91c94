package sched

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/internal/bounded"
)

// TestRealWakeAfterTimeoutStillCounts puts a wake exactly in the window a
// timed-out real-mode waiter cannot close by itself: its park has returned
// (timed out) but it has not taken the owner's mutex back. The wake chose
// it, so Wait must report woken: the wake-up is its, and a waiter that
// reported a timeout instead would swallow it (a blocking waiter behind it
// would sleep beside a free unit).
func TestRealWakeAfterTimeoutStillCounts(t *testing.T) {
	var mu sync.Mutex
	var q WaitQueue
	var raced bool
	h := func(woken bool) {
		if !woken {
			mu.Lock()
			raced = q.WakeOne()
			mu.Unlock()
		}
	}
	testHookAfterRealPark.Store(&h)
	defer testHookAfterRealPark.Store(nil)
	var woken bool
	bounded.Do(t, "a real-mode Wait woken after its timeout", func() {
		mu.Lock()
		woken = q.Wait(&mu, "Test.Wait", time.Now().Add(time.Millisecond))
		mu.Unlock()
	})
	if t.Failed() {
		return
	}
	if !raced {
		t.Fatal("the hook found no waiter to wake: the window under test was not reached")
	}
	if !woken {
		t.Fatal("Wait = false; want true: a wake that chose the waiter after its timeout is its wake-up")
	}
	if q.Len() != 0 {
		t.Fatalf("Len() = %d after the wait; want 0", q.Len())
	}
}

// TestRealWakeNeverBlocksTheWaker: WakeN runs with the owner's mutex held,
// so it must never block on a real-mode waiter that has not yet parked (or
// will never park again: it timed out). A waiter whose park has not begun
// is woken many times over rounds; each wake must return at once.
func TestRealWakeNeverBlocksTheWaker(t *testing.T) {
	var mu sync.Mutex
	var q WaitQueue
	for range 1000 {
		mu.Lock()
		w := &Waiter{ch: make(chan struct{}, 1)}
		q.push(w) // queued, not yet parked: its goroutine has not reached the select
		done := make(chan struct{})
		go func() {
			defer close(done)
			if q.WakeOne() != true {
				t.Error("WakeOne found no waiter")
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("WakeOne blocked on a waiter that was not parked yet")
		}
		mu.Unlock()
	}
}

// TestDyingDaemonPassesItsWakeOn: a real-mode daemon thread D parked first
// and a plain goroutine G parked behind it on one queue. A Shutdown unwinds
// D; in the window before D takes the mutex back (the hook) a wake arrives
// and chooses D, the oldest waiter. D dies and cannot use it, so Wait must
// hand it to G: without that, G sleeps forever though a wake was sent.
func TestDyingDaemonPassesItsWakeOn(t *testing.T) {
	var mu sync.Mutex
	var q WaitQueue
	h := func(woken bool) {
		if !woken && Unwinding() { // D, unwound by the Shutdown
			mu.Lock()
			q.WakeOne()
			mu.Unlock()
		}
	}
	testHookAfterRealPark.Store(&h)
	defer testHookAfterRealPark.Store(nil)
	parked := func(n int) {
		for {
			mu.Lock()
			l := q.Len()
			mu.Unlock()
			if l >= n {
				return
			}
			runtime.Gosched()
		}
	}
	gWoken := make(chan bool, 1)
	bounded.Do(t, "Shutdown unwinding a daemon woken in its last window", func() {
		SpawnThread(nil, true, func() {
			mu.Lock()
			q.Wait(&mu, "D.Wait", time.Time{})
			mu.Unlock()
			t.Error("the daemon returned from Wait instead of unwinding")
		}, nil)
		parked(1)
		go func() {
			mu.Lock()
			gWoken <- q.Wait(&mu, "G.Wait", time.Now().Add(5*time.Second))
			mu.Unlock()
		}()
		parked(2)
		Shutdown()
		if !<-gWoken {
			t.Error("G timed out: the wake that chose the dying daemon was not passed on")
		}
	})
}

// TestUnwokenResumeFailsTheRun: a scheduler that runs a parked thread
// that no wake chose before its deadline (a broken pick, a clock that does
// not move) fails the run at that resume, naming the wait, instead of
// letting the primitive's retry loop (or a polling sleep) go round until
// the step budget. The broken pick is simulated by readying the parked
// thread behind its queue's back, before its deadline.
func TestUnwokenResumeFailsTheRun(t *testing.T) {
	for _, c := range []struct {
		name string
		park func()
		want string
	}{
		{"Wait", func() {
			var mu sync.Mutex
			var q WaitQueue
			mu.Lock()
			for !q.Wait(&mu, "Test.Wait", time.Time{}) {
			}
			mu.Unlock()
		}, "Test.Wait"},
		{"timed Wait", func() {
			var mu sync.Mutex
			var q WaitQueue
			mu.Lock()
			q.Wait(&mu, "Test.TimedWait", Deadline(time.Hour))
			mu.Unlock()
		}, "Test.TimedWait"},
		{"Sleep", func() { Sleep(time.Hour) }, "Sleep"},
	} {
		tr := Execute(func() {
			Spawn(nil, false, c.park)
			Sleep(time.Millisecond) // the other thread runs and parks
			r := self().run
			parked := r.threads[1]
			if parked.state != blocked {
				panic("the thread did not park")
			}
			parked.state, parked.readyAt = ready, r.now // what a broken pick does
			Sleep(time.Second)
		}, &Config{MaxSteps: 1000}, &Fixed{})
		if !errors.Is(tr.Failure, errUnwokenResume) {
			t.Fatalf("%s: Failure = %v; want errUnwokenResume", c.name, tr.Failure)
		}
		if msg := tr.Failure.Error(); !strings.Contains(msg, c.want) {
			t.Fatalf("%s: Failure = %q; want it to name %s", c.name, msg, c.want)
		}
	}
}
