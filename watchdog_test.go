package interleave_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"pgregory.net/rapid"
)

// blockedOutside asserts that err is the watchdog's report naming thread,
// state and this file, and that it came well within limit.
func blockedOutside(t *testing.T, err error, took, limit time.Duration, want ...string) {
	t.Helper()
	if !errors.Is(err, interleave.ErrBlockedOutside) {
		t.Fatalf("err = %v; want ErrBlockedOutside", err)
	}
	msg := err.Error()
	for _, w := range append(want, "watchdog_test.go:", "only interleave's primitives and failpoints.Hit are scheduling points") {
		if !strings.Contains(msg, w) {
			t.Fatalf("report lacks %q:\n%s", w, msg)
		}
	}
	if took > limit {
		t.Fatalf("the watchdog took %v; want under %v", took, limit)
	}
}

func TestWatchdogUnbufferedChannelFailsInMilliseconds(t *testing.T) {
	ch := make(chan int)
	start := time.Now()
	_, err := interleave.Run(func() { ch <- 1 })
	blockedOutside(t, err, time.Since(start), time.Second, "MainThread is blocked in chan send")
	<-ch // let the abandoned goroutine go, so goleak stays strict
}

// TestWatchdogWallClockSleepFails: time.Sleep in a thread waits on the
// wall clock, which the run's virtual time never sees; the watchdog fails
// the run at its first look (a few milliseconds), naming the call, before
// the sleep ends.
func TestWatchdogWallClockSleepFails(t *testing.T) {
	slept := make(chan struct{})
	start := time.Now()
	_, err := interleave.Run(func() {
		var g toyGroup
		g.Go("sleeper", func() {
			defer close(slept)
			time.Sleep(200 * time.Millisecond) // the misuse under test
		})
		g.Wait()
	})
	select {
	case <-slept:
		t.Fatalf("the run returned after the sleep ended (%v): the watchdog did not see it", time.Since(start))
	default:
	}
	blockedOutside(t, err, time.Since(start), 200*time.Millisecond, "sleeper is sleeping in time.Sleep, on the wall clock")
	<-slept // the abandoned sleeper ends, so goleak stays strict
}

func TestWatchdogSyncMutexAcrossThreadsUnwindsTheOthers(t *testing.T) {
	var mu sync.Mutex
	mu.Lock() // held by the test: the thread that tries it blocks outside
	released := make(chan struct{})
	start := time.Now()
	_, err := interleave.Run(func() {
		var l toyLock
		var g toyGroup
		l.Acquire()
		g.Go("waiter", func() { l.Acquire() }) // parked on the explorer's queue: must unwind
		g.Go("locker", func() {
			defer close(released)
			mu.Lock() // blocks until the test releases it, after the run failed
			defer mu.Unlock()
		})
		g.Wait()
	})
	blockedOutside(t, err, time.Since(start), time.Second, "locker is blocked in sync.Mutex.Lock")
	mu.Unlock()
	<-released
}

func TestWatchdogBusyLoopFailsAfterTheBound(t *testing.T) {
	var stop atomic.Bool
	done := make(chan struct{})
	start := time.Now()
	_, err := interleave.Run(func() {
		defer close(done)
		for !stop.Load() {
		}
	}, interleave.Watchdog(200*time.Millisecond))
	took := time.Since(start)
	blockedOutside(t, err, took, 10*time.Second, "MainThread is running (a loop with no scheduling point?)")
	if took < 200*time.Millisecond {
		t.Fatalf("a running thread was failed after %v, before its bound", took)
	}
	stop.Store(true)
	<-done
}

func TestWatchdogUnderExhaustive(t *testing.T) {
	var mu sync.Mutex
	var chans []chan int
	_, err := interleave.Exhaustive(func() {
		var g toyGroup
		ch := make(chan int)
		mu.Lock()
		chans = append(chans, ch)
		mu.Unlock()
		g.Go("sender", func() { failpoints.Hit(fpStep, nil); ch <- 1 })
		g.Go("other", func() { failpoints.Hit(fpStep, nil) })
		g.Wait()
	}, 2)
	blockedOutside(t, err, 0, time.Second, "sender is blocked in chan send")
	for _, ch := range chans {
		select { // a run that abandoned its sender saw it parked in the send
		case <-ch:
		default:
		}
	}
}

// TestWatchdogUnderShrinking is the whole-test bound: a probe with an
// unbuffered channel fails the property, shrinking included, within 30 s,
// and runs its body once (the later runs fail with the first one's trace).
// Parallel: each failing run waits out the watchdog's wall-clock
// confirmation (over a second in all, a quarter of it CPU), which the
// other parallel tests' work fills; it only reads rapid's flags, and the
// tests that set them are not parallel, so they never run beside it.
func TestWatchdogUnderShrinking(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var chans []chan int
	start := time.Now()
	res := interleave.Hunt(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			var g toyGroup
			ch := make(chan int)
			mu.Lock()
			chans = append(chans, ch)
			mu.Unlock()
			g.Go("T1", func() { failpoints.Hit(fpStep, nil); ch <- 1 })
			g.Go("T2", func() { failpoints.Hit(fpStep, nil) })
			g.Wait()
		})
	})
	took := time.Since(start)
	mu.Lock()
	for _, ch := range chans {
		select { // a run that abandoned its sender saw it parked in the send
		case <-ch:
		default:
		}
	}
	mu.Unlock()
	if !res.Found || !strings.Contains(res.Message, "T1 is blocked in chan send") {
		t.Fatalf("found=%v; message:\n%s", res.Found, res.Message)
	}
	if took > 30*time.Second {
		t.Fatalf("Explore with a blocked thread took %v, shrinking included; want under 30 s", took)
	}
	// The first run abandoned T1's goroutine; shrinking and the reported
	// replay fail at once with that run's trace (tbGuard) instead of
	// abandoning one goroutine each.
	if len(chans) != 1 {
		t.Fatalf("the body ran %d times; want once: each later run abandons another goroutine", len(chans))
	}
	t.Logf("%d runs failed in %v", len(chans), took)
}

func TestWatchdogRefusesANonPositiveBound(t *testing.T) {
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, interleave.ErrBadOption) {
			t.Fatalf("recovered %v; want ErrBadOption", err)
		}
	}()
	interleave.Watchdog(0)
}

// TestWatchdogToleratesABriefWaitOnAContendedLock: a thread that waits
// 20 ms on a plain lock held elsewhere is not hung. One stack
// sample in semacquire used to fail the run (TestPropSemaphoreHolders
// failed that way once in CI, in Thread.Start): a blocked
// state must last blockedConfirm (100 ms) unchanged, five times this wait.
func TestWatchdogToleratesABriefWaitOnAContendedLock(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	time.AfterFunc(20*time.Millisecond, mu.Unlock)
	if _, err := interleave.Run(func() {
		mu.Lock() // blocks about 20 ms outside the explorer, then goes on
		defer mu.Unlock()
	}); err != nil {
		t.Fatalf("Run with a 20 ms wait on a contended lock = %v; want nil", err)
	}
}
