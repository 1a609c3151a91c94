package interleave_test

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
)

// waitFor polls cond (no sleeping: the model run it waits for spins on the
// other core) and fails t after bounded's wall-clock limit (5 s, 1 s once a
// bounded wait of the binary overran: a broken scheduler made each of these
// waits take 10 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bounded.Limit())
	for !cond() {
		if time.Now().After(deadline) {
			bounded.Overran()
			t.Fatalf("timed out waiting until %s", what)
		}
		runtime.Gosched()
	}
}

// TestWakeFromOutsideTheRunIsMisuse: a goroutine outside the run releases a
// Lock a model thread waits on. The release returns (it used to panic with
// the Lock's mutex held, hanging every later use), and the run fails with
// ErrMisuse naming the parked thread and the waker.
func TestWakeFromOutsideTheRunIsMisuse(t *testing.T) {
	var l primitives.Lock
	l.Acquire()
	var released atomic.Bool
	defer released.Store(true) // a failed wait must not leave the spinner spinning on a core
	errc := make(chan error, 1)
	go func() {
		_, err := interleave.Run(func() {
			spinner := primitives.NewThread(func() {
				for !released.Load() { // holds the baton while the outsider wakes main
				}
			}, primitives.WithName("spinner"))
			spinner.Start()
			l.Acquire() // parks; the spinner runs
			t.Error("the main thread acquired a lock released from outside its run")
		}, interleave.Watchdog(30*time.Second))
		errc <- err
	}()
	waitFor(t, "the main thread parks on the lock", func() bool { return l.Observe().Waiters == 1 })
	l.Release()
	released.Store(true)
	err := <-errc
	if !errors.Is(err, interleave.ErrMisuse) {
		t.Fatalf("Run = %v; want an error wrapping ErrMisuse", err)
	}
	for _, want := range []string{"MainThread", "Lock.Acquire", "woken by a goroutine outside any model run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("misuse report lacks %q:\n%v", want, err)
		}
	}
	if !l.TryAcquire() {
		t.Fatal("the lock is not usable after the misuse")
	}
	l.Release()
}

// TestPrimitiveSharedByTwoLiveRunsIsMisuse: run B parks on a Lock whose
// queue holds a thread of run A, still running. B fails with ErrMisuse, the
// Lock's mutex is not left held, and A completes normally.
func TestPrimitiveSharedByTwoLiveRunsIsMisuse(t *testing.T) {
	var l primitives.Lock
	var bDone atomic.Bool
	defer bDone.Store(true) // a failed wait must not leave run A spinning on a core
	errA := make(chan error, 1)
	go func() {
		_, err := interleave.Run(func() {
			l.Acquire()
			waiter := primitives.NewThread(func() { l.Acquire(); l.Release() }, primitives.WithName("waiter"))
			waiter.Start()
			primitives.Sleep(time.Millisecond) // the waiter parks, binding the lock's queue to run A
			for !bDone.Load() {                // run A stays live while run B tries the lock
			}
			l.Release()
			waiter.Join()
		}, interleave.Watchdog(30*time.Second))
		errA <- err
	}()
	waitFor(t, "run A's waiter parks on the lock", func() bool { return l.Observe().Waiters == 1 })
	_, errB := interleave.Run(func() { l.Acquire() })
	bDone.Store(true)
	if err := <-errA; err != nil {
		t.Fatalf("run A = %v; want nil", err)
	}
	if !errors.Is(errB, interleave.ErrMisuse) || !strings.Contains(errB.Error(), "another model run") ||
		!strings.Contains(errB.Error(), "Lock.Acquire") {
		t.Fatalf("run B = %v; want ErrMisuse naming Lock.Acquire and the other run", errB)
	}
	if !l.TryAcquire() {
		t.Fatal("the lock is not usable after the misuse")
	}
	l.Release()
}
