package primitives_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// The harness of the Thread, Timer and Queue tests (ports of CPython's
// Lib/test/test_threading.py and Lib/test/test_queue.py). Names start with
// th so they cannot clash with other helpers of this package.
//
// A body runs in one or both modes through thBoth or thModel:
//
//   - model: the body is the main thread of interleave.Run (all-zero
//     schedule), its threads are model threads, time is virtual: sleeps
//     cost nothing and timeouts are exact;
//   - real: the body runs in the test's goroutine, threads are goroutines,
//     time is the wall clock; durations go through e.Dur, which shrinks
//     them, and waits poll an observable (e.Until) with a deadline.
//
// Every blocking wait of a body is bounded (e.Join, e.Until), so a broken
// primitive fails the test instead of hanging it.

// thEnv is what a test body gets: its mode and helpers.
type thEnv struct {
	t     *testing.T
	model bool
}

// thStop is the panic value that stops a model body after e.Fatalf.
type thStop struct{}

const (
	thRealDeadline  = 10 * time.Second // wall-clock limit of a real-mode wait
	thModelDeadline = time.Hour        // virtual-time limit of a model-mode wait
	thRealScale     = 20               // real mode divides durations by this
)

// thBoth runs body as a model run and in real mode, as subtests.
func thBoth(t *testing.T, body func(e *thEnv)) {
	t.Helper()
	t.Run("model", func(t *testing.T) { thModel(t, body) })
	t.Run("real", func(t *testing.T) { thReal(t, body) })
}

// thModel runs body as the main thread of a model run and fails t if the
// run fails.
func thModel(t *testing.T, body func(e *thEnv), opts ...interleave.Option) *interleave.Trace {
	t.Helper()
	e := &thEnv{t: t, model: true}
	tr, err := interleave.Run(func() { body(e) }, opts...)
	if err != nil {
		if t.Failed() {
			t.Logf("model run stopped: %v", err)
		} else {
			t.Fatalf("model run failed: %v", err)
		}
	}
	return tr
}

// thReal runs body in real mode, in the test's goroutine.
func thReal(t *testing.T, body func(e *thEnv)) {
	t.Helper()
	e := &thEnv{t: t}
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(thStop); !ok {
				panic(v)
			}
		}
	}()
	body(e)
}

func (e *thEnv) Errorf(format string, args ...any) {
	e.t.Helper()
	e.t.Errorf(format, args...)
}

// Fatalf reports a failure and stops the body (only from the body's own
// goroutine or main thread).
func (e *thEnv) Fatalf(format string, args ...any) {
	e.t.Helper()
	e.t.Errorf(format, args...)
	panic(thStop{})
}

// Dur is d as the mode uses it: exact in model mode, shrunk (at least a
// millisecond) in real mode.
func (e *thEnv) Dur(d time.Duration) time.Duration {
	if e.model {
		return d
	}
	return max(d/thRealScale, time.Millisecond)
}

// Go starts fn in a new Thread and returns it.
func (e *thEnv) Go(fn func(), opts ...primitives.ThreadOption) *primitives.Thread {
	th := primitives.NewThread(fn, opts...)
	th.Start()
	return th
}

// Join joins th with the mode's deadline and fails the body if th did not
// end in time, or if it panicked.
func (e *thEnv) Join(th *primitives.Thread) {
	e.t.Helper()
	if !th.JoinTimeout(e.deadline()) {
		e.Fatalf("%v did not end within %v", th, e.deadline())
	}
	if err := th.Err(); err != nil {
		e.Errorf("%v: %v", th, err)
	}
}

func (e *thEnv) deadline() time.Duration {
	if e.model {
		return thModelDeadline
	}
	return thRealDeadline
}

// Until waits until cond holds, polling every virtual millisecond in model
// mode and with runtime.Gosched in real mode; past the deadline it fails
// the body.
func (e *thEnv) Until(what string, cond func() bool) {
	e.t.Helper()
	start := sched.Now()
	for !cond() {
		if sched.Now().Sub(start) > e.deadline() {
			e.Fatalf("Until(%s): not after %v", what, e.deadline())
		}
		if e.model {
			primitives.Sleep(time.Millisecond)
		} else {
			runtime.Gosched()
		}
	}
}

// thPanics calls fn and returns the error it panicked with, failing t if
// it did not panic with an error wrapping want.
func thPanics(t *testing.T, op string, want error, fn func()) error {
	t.Helper()
	v := thRecover(fn)
	err, _ := v.(error)
	if !errors.Is(err, want) {
		t.Errorf("%s: recovered %v; want a panic with an error wrapping %v", op, v, want)
	}
	return err
}

// thRecover calls fn and returns what it panicked with (nil if nothing).
func thRecover(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// thHookCalls records the calls of ExceptHook, which thSilence installs.
type thHookCalls struct {
	mu   sync.Mutex
	args []primitives.ExceptHookArgs
}

func (h *thHookCalls) get() []primitives.ExceptHookArgs {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]primitives.ExceptHookArgs(nil), h.args...)
}

// thSilence replaces ExceptHook with a recorder for the test, so a test
// whose threads panic on purpose prints nothing.
func thSilence(t *testing.T) *thHookCalls {
	h := &thHookCalls{}
	old := primitives.ExceptHook
	primitives.ExceptHook = func(a primitives.ExceptHookArgs) {
		h.mu.Lock()
		h.args = append(h.args, a)
		h.mu.Unlock()
	}
	t.Cleanup(func() { primitives.ExceptHook = old })
	return h
}

// thList is a goroutine-safe list, Python's list.append for results.
type thList[T any] struct {
	mu sync.Mutex
	v  []T
}

func (l *thList[T]) Append(x T) {
	l.mu.Lock()
	l.v = append(l.v, x)
	l.mu.Unlock()
}

func (l *thList[T]) Get() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.v...)
}

func (l *thList[T]) String() string { return fmt.Sprint(l.Get()) }

// Yield lets other threads run, for a port's busy loop: a virtual tick in
// model mode (under the all-zero schedule a thread that never blocks would
// run forever), runtime.Gosched in real mode.
func (e *thEnv) Yield() {
	if e.model {
		primitives.Sleep(interleave.Tick)
	} else {
		runtime.Gosched()
	}
}
