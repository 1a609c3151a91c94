package primitives_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/interleave-lab/interleave/primitives"

	"pgregory.net/rapid"
)

// The one harness of this package's tests (ports of CPython's
// Lib/test/lock_tests.py, test_threading.py and test_queue.py). Names start
// with h so they cannot clash with other helpers of this package.
//
// A test body runs in one or more modes through hBoth, hAll or hModel:
//
//   - model: the body is the main thread of interleave.Run (all-zero
//     schedule: each thread runs until it blocks), threads are model
//     threads, time is virtual, so timeouts are exact and sleeps free;
//   - real: the body runs in a goroutine, threads are goroutines, time is
//     the wall clock, and durations go through e.Dur, which shrinks them;
//   - explored (hAll only, for bodies without timeouts): the model run
//     under interleave.Explore, so rapid draws the schedule, and a failed
//     check fails the rapid.T, which shrinks the interleaving.
//
// CPython's wait_threads_blocked (a sleep) becomes e.WaitUntil on an
// observable (Waiters, NWaiting, a counter), which in model mode polls on
// the virtual clock and in real mode spins with runtime.Gosched. Every
// blocking wait of a body is bounded (e.WaitUntil, e.Join, the real-mode
// body itself): past the mode's deadline it fails the test, so a broken
// primitive cannot hang it.

// hName names a model thread.
type hName string

func (n hName) Name() string { return string(n) }

// hStop is the panic value that stops a model thread after a failed
// check (t.FailNow must not be called from a model thread).
type hStop struct{ msg string }

// hEnv is what a test body gets: the mode and the thread helpers.
type hEnv struct {
	t       *testing.T
	rt      *rapid.T       // explored mode: failures go to rt
	model   bool           // model or explored mode
	exact   bool           // model mode under the all-zero schedule: timings are exact
	wg      sync.WaitGroup // real mode: the goroutines started by Go
	threads atomic.Int64
}

const (
	hModelDeadline   = 10 * time.Minute      // virtual-time limit of a model-mode wait
	hExploreDeadline = 5 * time.Second       // the same under exploration, where every poll costs draws
	hModelPoll       = 10 * time.Millisecond // virtual interval of a model-mode poll
	hRealScale       = 20                    // real mode divides durations by this
)

// hBoth runs body as a model run and in real mode, as subtests, and
// reports whether the model run passed.
func hBoth(t *testing.T, body func(e *hEnv)) (modelPassed bool) {
	t.Helper()
	modelPassed = t.Run("model", func(t *testing.T) { hModel(t, body) })
	t.Run("real", func(t *testing.T) { hReal(t, body) })
	return modelPassed
}

// hAll runs body as a model run, in real mode and under exploration
// (rapid draws the schedules), as subtests. body must not depend on a
// timeout: a drawn delay may reach past any deadline. The exploration
// runs only if the model run passed: the test has failed already, and
// rapid would shrink a failure that every schedule has at length (30 s for
// a Barrier that released a party early).
func hAll(t *testing.T, body func(e *hEnv)) {
	t.Helper()
	if !hBoth(t, body) {
		t.Log("the model run failed: not explored")
		return
	}
	t.Run("explored", func(t *testing.T) {
		rapid.Check(t, func(rt *rapid.T) {
			e := &hEnv{t: t, rt: rt, model: true}
			interleave.Explore(rt, func() { body(e) })
		})
	})
}

// hModel runs body as a model run only (it sleeps on the virtual clock,
// checks timings exactly, or needs opts) and returns the trace. A failed
// run fails t, unless the body already failed it (then the run's error,
// the hStop that ended the body, is only logged).
func hModel(t *testing.T, body func(e *hEnv), opts ...interleave.Option) *interleave.Trace {
	t.Helper()
	e := &hEnv{t: t, model: true, exact: true}
	tr, err := interleave.Run(func() { body(e) }, opts...)
	if err != nil {
		if t.Failed() {
			t.Logf("model run stopped: %v", err)
		} else {
			t.Fatalf("model run failed: %v", err)
		}
	}
	if testing.Verbose() && tr != nil && len(tr.Steps()) < 200 {
		t.Logf("%s", tr)
	}
	return tr
}

// hReal runs body in real mode, in a goroutine, and fails t if the body
// or a thread it started with Go is still running after bounded.Limit.
func hReal(t *testing.T, body func(e *hEnv)) {
	t.Helper()
	e := &hEnv{t: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(hStop); !ok {
					t.Errorf("test body panicked: %v", v)
				}
			}
		}()
		body(e)
	}()
	threads := make(chan struct{})
	go func() { <-done; e.wg.Wait(); close(threads) }()
	if _, ok := bounded.Wait(t, "the real-mode body of "+t.Name()+" or a goroutine it started", threads); !ok {
		t.FailNow()
	}
}

// Go starts fn as a new bare thread (no primitives.Thread): a model thread
// or a goroutine that the real-mode body waits for. In real mode a panic
// in fn fails the test instead of the binary. Start is the same with a
// primitives.Thread.
func (e *hEnv) Go(fn func()) {
	name := hName(fmt.Sprintf("T%d", e.threads.Add(1)))
	if e.model {
		sched.Spawn(name, false, fn)
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(hStop); !ok {
					e.t.Errorf("thread %s panicked: %v", name, v)
				}
			}
		}()
		fn()
	}()
}

// Errorf reports a failure and lets the thread go on.
func (e *hEnv) Errorf(format string, args ...any) {
	e.t.Helper()
	if e.rt != nil {
		e.rt.Errorf(format, args...)
		return
	}
	e.t.Errorf(format, args...)
}

// Fatalf reports a failure and stops the calling thread.
func (e *hEnv) Fatalf(format string, args ...any) {
	e.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if e.rt != nil {
		e.rt.Fatal(msg)
	}
	e.t.Error(msg)
	panic(hStop{msg})
}

// Now returns the clock of the mode.
func (e *hEnv) Now() time.Time { return sched.Now() }

// Dur returns d as the mode uses it: exact in model mode, shrunk (but at
// least a millisecond) in real mode so that a test stays quick.
func (e *hEnv) Dur(d time.Duration) time.Duration {
	if e.model {
		return d
	}
	return max(d/hRealScale, time.Millisecond)
}

// Sleep sleeps on the virtual clock; it is only for model-mode bodies.
func (e *hEnv) Sleep(d time.Duration) {
	if !e.model {
		e.Fatalf("Sleep(%v) in a real-mode body: use WaitUntil", d)
	}
	sched.Sleep(d)
}

// CheckElapsed checks a timeout's duration: exactly want in model mode, at
// least want under exploration (drawn delays add to it), at least 0.6 of it
// in real mode (CPython's assertTimeout).
func (e *hEnv) CheckElapsed(op string, got, want time.Duration) {
	e.t.Helper()
	if e.exact {
		if got != want {
			e.Errorf("%s took %v; want exactly %v of virtual time", op, got, want)
		}
		return
	}
	if e.model {
		if got < want {
			e.Errorf("%s took %v; want at least %v of virtual time", op, got, want)
		}
		return
	}
	if got < want*6/10 {
		e.Errorf("%s took %v; want at least %v", op, got, want*6/10)
	}
}

// WaitUntil waits until cond holds, polling: every hModelPoll of virtual time in
// model mode, with runtime.Gosched in real mode. After the mode's deadline
// it fails the test and stops the thread.
func (e *hEnv) WaitUntil(what string, cond func() bool) {
	e.t.Helper()
	start := time.Now()
	vstart := sched.Now()
	limit := e.deadline()
	for !cond() {
		if e.model {
			if sched.Now().Sub(vstart) > limit {
				e.Fatalf("WaitUntil(%s): not after %v of virtual time", what, limit)
			}
			sched.Sleep(hModelPoll)
			continue
		}
		if time.Since(start) > limit/2 {
			bounded.Overran()
			e.Fatalf("WaitUntil(%s): not after %v", what, limit/2)
		}
		runtime.Gosched()
	}
}

// hBunch is CPython's Bunch: n threads running the same function.
type hBunch struct {
	e                 *hEnv
	n                 int64
	started, finished atomic.Int64
	canExit           atomic.Bool
}

// Bunch starts n threads running fn and waits until all have started. With
// waitBeforeExit, the threads do not end until DoFinish is called.
func (e *hEnv) Bunch(n int, fn func(), waitBeforeExit bool) *hBunch {
	e.t.Helper()
	b := &hBunch{e: e, n: int64(n)}
	b.canExit.Store(!waitBeforeExit)
	for range n {
		e.Go(func() {
			b.started.Add(1)
			defer func() {
				b.finished.Add(1)
				e.WaitUntil("Bunch can exit", b.canExit.Load)
			}()
			fn()
		})
	}
	e.WaitUntil("Bunch started", func() bool { return b.started.Load() >= b.n })
	return b
}

// Finished returns how many threads have returned from fn.
func (b *hBunch) Finished() int { return int(b.finished.Load()) }

// DoFinish lets the threads of a waitBeforeExit Bunch end.
func (b *hBunch) DoFinish() { b.canExit.Store(true) }

// Wait waits until every thread has returned from fn (CPython's
// Bunch.__exit__).
func (b *hBunch) Wait() {
	b.e.t.Helper()
	b.DoFinish()
	b.e.WaitUntil("Bunch finished", func() bool { return b.finished.Load() >= b.n })
}

// hPanics calls fn and checks that it panics with an error wrapping want.
func hPanics(e *hEnv, op string, want error, fn func()) {
	e.t.Helper()
	v := hRecover(fn)
	err, _ := v.(error)
	if !errors.Is(err, want) {
		e.Errorf("%s: recovered %v; want a panic with an error wrapping %v", op, v, want)
	}
}

// hRecover calls fn and returns what it panicked with (nil if nothing).
func hRecover(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// hList is a goroutine-safe list of results, CPython's list.append.
type hList[T any] struct {
	mu sync.Mutex
	v  []T
}

func (l *hList[T]) Append(x T) {
	l.mu.Lock()
	l.v = append(l.v, x)
	l.mu.Unlock()
}

func (l *hList[T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.v)
}

func (l *hList[T]) Get() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.v...)
}

func (l *hList[T]) Clear() {
	l.mu.Lock()
	l.v = nil
	l.mu.Unlock()
}

func (l *hList[T]) String() string { return fmt.Sprint(l.Get()) }

// Start starts fn in a new primitives.Thread and returns it.
func (e *hEnv) Start(fn func(), opts ...primitives.ThreadOption) *primitives.Thread {
	th := primitives.NewThread(fn, opts...)
	th.Start()
	return th
}

// Join joins th with the mode's deadline and fails the body if th did not
// end in time, or if it panicked.
func (e *hEnv) Join(th *primitives.Thread) {
	e.t.Helper()
	if !th.JoinTimeout(e.deadline()) {
		e.Fatalf("%v did not end within %v", th, e.deadline())
	}
	if err := th.Err(); err != nil {
		e.Errorf("%v: %v", th, err)
	}
}

// deadline is the mode's limit of one wait.
func (e *hEnv) deadline() time.Duration {
	switch {
	case e.rt != nil:
		return hExploreDeadline
	case e.model:
		return hModelDeadline
	}
	return hRealDeadline()
}

// hRealDeadline is the wall-clock limit of a real-mode wait: bounded.Limit,
// five seconds until one wait of this binary overran (a site that sees its
// wait overrun calls bounded.Overran), then one, so that a primitive that
// hangs every test fails the package in seconds.
func hRealDeadline() time.Duration { return bounded.Limit() }

// Yield lets other threads run, for a port's busy loop: a virtual tick in
// model mode (under the all-zero schedule a thread that never blocks would
// run forever), runtime.Gosched in real mode.
func (e *hEnv) Yield() {
	if e.model {
		primitives.Sleep(interleave.Tick)
	} else {
		runtime.Gosched()
	}
}

// hPanicErr calls fn and returns the error it panicked with, failing t if
// it did not panic with an error wrapping want.
func hPanicErr(t *testing.T, op string, want error, fn func()) error {
	t.Helper()
	v := hRecover(fn)
	err, _ := v.(error)
	if !errors.Is(err, want) {
		t.Errorf("%s: recovered %v; want a panic with an error wrapping %v", op, v, want)
	}
	return err
}

// hHookCalls records the calls of ExceptHook, which hSilence installs.
type hHookCalls struct {
	mu   sync.Mutex
	args []primitives.ExceptHookArgs
}

func (h *hHookCalls) get() []primitives.ExceptHookArgs {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]primitives.ExceptHookArgs(nil), h.args...)
}

// hSilence replaces ExceptHook with a recorder for the test, so a test
// whose threads panic on purpose prints nothing.
func hSilence(t *testing.T) *hHookCalls {
	h := &hHookCalls{}
	old := primitives.ExceptHook
	primitives.ExceptHook = func(a primitives.ExceptHookArgs) {
		h.mu.Lock()
		h.args = append(h.args, a)
		h.mu.Unlock()
	}
	t.Cleanup(func() { primitives.ExceptHook = old })
	return h
}

// hModelOnly is hModel without options or trace, where a runner of type
// func(*testing.T, func(*hEnv)) is wanted (hBoth's and hAll's shape).
func hModelOnly(t *testing.T, body func(e *hEnv)) {
	t.Helper()
	hModel(t, body)
}
