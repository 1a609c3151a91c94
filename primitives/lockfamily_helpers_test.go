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
	"github.com/interleave-lab/interleave/internal/sched"

	"pgregory.net/rapid"
)

// The harness of the lock-family tests (ports of CPython's
// Lib/test/lock_tests.py). Names start with lt so they cannot clash with
// other helpers of this package.
//
// A test body runs in one or both modes through ltBoth or ltModel:
//
//   - model: the body is the main thread of interleave.Run (all-zero
//     schedule: each thread runs until it blocks), threads are model
//     threads, time is virtual, so timeouts are exact and sleeps free;
//   - real: the body runs in a goroutine, threads are goroutines, time is
//     the wall clock, and durations go through e.Dur, which shrinks them;
//   - explored (ltAll only, for bodies without timeouts): the model run
//     under interleave.Explore, so rapid draws the schedule, and a failed
//     check fails the rapid.T, which shrinks the interleaving.
//
// CPython's wait_threads_blocked (a sleep) becomes e.WaitUntil on an
// observable (Waiters, NWaiting, a counter), which in model mode polls on
// the virtual clock and in real mode spins with runtime.Gosched; both give
// up after a deadline and fail the test, so no test can hang.

// ltName names a model thread.
type ltName string

func (n ltName) Name() string { return string(n) }

// ltStop is the panic value that stops a model thread after a failed
// check (t.FailNow must not be called from a model thread).
type ltStop struct{ msg string }

// ltEnv is what a test body gets: the mode and the thread helpers.
type ltEnv struct {
	t       *testing.T
	rt      *rapid.T       // explored mode: failures go to rt
	model   bool           // model or explored mode
	exact   bool           // model mode under the all-zero schedule: timings are exact
	wg      sync.WaitGroup // real mode: the goroutines started by Go
	threads atomic.Int64
}

const (
	ltRealDeadline    = 20 * time.Second      // wall-clock limit of a real-mode wait or body
	ltModelDeadline   = 10 * time.Minute      // virtual-time limit of a model-mode wait
	ltExploreDeadline = 5 * time.Second       // the same under exploration, where every poll costs draws
	ltModelPoll       = 10 * time.Millisecond // virtual interval of a model-mode poll
	ltRealScale       = 25                    // real mode divides durations by this
)

// ltBoth runs body as a model run and in real mode, as subtests.
func ltBoth(t *testing.T, body func(e *ltEnv)) {
	t.Helper()
	t.Run("model", func(t *testing.T) { ltRunModel(t, body) })
	t.Run("real", func(t *testing.T) { ltRunReal(t, body) })
}

// ltAll runs body as a model run, in real mode and under exploration
// (rapid draws the schedules), as subtests. body must not depend on a
// timeout: a drawn delay may reach past any deadline.
func ltAll(t *testing.T, body func(e *ltEnv)) {
	t.Helper()
	ltBoth(t, body)
	t.Run("explored", func(t *testing.T) {
		rapid.Check(t, func(rt *rapid.T) {
			e := &ltEnv{t: t, rt: rt, model: true}
			interleave.Explore(rt, func() { body(e) })
		})
	})
}

// ltModel runs body as a model run only: it sleeps on the virtual clock or
// checks timings exactly.
func ltModel(t *testing.T, body func(e *ltEnv)) {
	t.Helper()
	ltRunModel(t, body)
}

func ltRunModel(t *testing.T, body func(e *ltEnv)) {
	t.Helper()
	e := &ltEnv{t: t, model: true, exact: true}
	tr, err := interleave.Run(func() { body(e) })
	if err != nil {
		t.Fatalf("model run failed: %v", err)
	}
	if testing.Verbose() && tr != nil && len(tr.Steps) < 200 {
		t.Logf("%s", tr)
	}
}

func ltRunReal(t *testing.T, body func(e *ltEnv)) {
	t.Helper()
	e := &ltEnv{t: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(ltStop); !ok {
					t.Errorf("test body panicked: %v", v)
				}
			}
		}()
		body(e)
	}()
	threads := make(chan struct{})
	go func() { <-done; e.wg.Wait(); close(threads) }()
	timer := time.NewTimer(ltRealDeadline)
	defer timer.Stop()
	select {
	case <-threads:
	case <-timer.C:
		buf := make([]byte, 1<<20)
		t.Fatalf("real-mode body or its goroutines still running after %v:\n%s",
			ltRealDeadline, buf[:runtime.Stack(buf, true)])
	}
}

// Go starts fn as a new thread: a model thread or a goroutine. In real mode
// a panic in fn fails the test instead of the binary.
func (e *ltEnv) Go(fn func()) {
	name := ltName(fmt.Sprintf("T%d", e.threads.Add(1)))
	if e.model {
		sched.Spawn(name, false, fn)
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(ltStop); !ok {
					e.t.Errorf("thread %s panicked: %v", name, v)
				}
			}
		}()
		fn()
	}()
}

// Errorf reports a failure and lets the thread go on.
func (e *ltEnv) Errorf(format string, args ...any) {
	e.t.Helper()
	if e.rt != nil {
		e.rt.Errorf(format, args...)
		return
	}
	e.t.Errorf(format, args...)
}

// Fatalf reports a failure and stops the calling thread.
func (e *ltEnv) Fatalf(format string, args ...any) {
	e.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if e.rt != nil {
		e.rt.Fatal(msg)
	}
	e.t.Error(msg)
	panic(ltStop{msg})
}

// Now returns the clock of the mode.
func (e *ltEnv) Now() time.Time { return sched.Now() }

// Dur returns d as the mode uses it: exact in model mode, shrunk (but at
// least a millisecond) in real mode so that a test stays quick.
func (e *ltEnv) Dur(d time.Duration) time.Duration {
	if e.model {
		return d
	}
	return max(d/ltRealScale, time.Millisecond)
}

// Sleep sleeps on the virtual clock; it is only for model-mode bodies.
func (e *ltEnv) Sleep(d time.Duration) {
	if !e.model {
		e.Fatalf("Sleep(%v) in a real-mode body: use WaitUntil", d)
	}
	sched.Sleep(d)
}

// CheckElapsed checks a timeout's duration: exactly want in model mode, at
// least want under exploration (drawn delays add to it), at least 0.6 of it
// in real mode (CPython's assertTimeout).
func (e *ltEnv) CheckElapsed(op string, got, want time.Duration) {
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

// WaitUntil waits until cond holds, polling: every ltModelPoll of virtual time in
// model mode, with runtime.Gosched in real mode. After the mode's deadline
// it fails the test and stops the thread.
func (e *ltEnv) WaitUntil(what string, cond func() bool) {
	e.t.Helper()
	start := time.Now()
	vstart := sched.Now()
	for !cond() {
		if e.model {
			limit := ltModelDeadline
			if e.rt != nil {
				limit = ltExploreDeadline
			}
			if sched.Now().Sub(vstart) > limit {
				e.Fatalf("WaitUntil(%s): not after %v of virtual time", what, limit)
			}
			sched.Sleep(ltModelPoll)
			continue
		}
		if time.Since(start) > ltRealDeadline/2 {
			e.Fatalf("WaitUntil(%s): not after %v", what, ltRealDeadline/2)
		}
		runtime.Gosched()
	}
}

// ltBunch is CPython's Bunch: n threads running the same function.
type ltBunch struct {
	e                 *ltEnv
	n                 int64
	started, finished atomic.Int64
	canExit           atomic.Bool
}

// Bunch starts n threads running fn and waits until all have started. With
// waitBeforeExit, the threads do not end until DoFinish is called.
func (e *ltEnv) Bunch(n int, fn func(), waitBeforeExit bool) *ltBunch {
	e.t.Helper()
	b := &ltBunch{e: e, n: int64(n)}
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
func (b *ltBunch) Finished() int { return int(b.finished.Load()) }

// DoFinish lets the threads of a waitBeforeExit Bunch end.
func (b *ltBunch) DoFinish() { b.canExit.Store(true) }

// Wait waits until every thread has returned from fn (CPython's
// Bunch.__exit__).
func (b *ltBunch) Wait() {
	b.e.t.Helper()
	b.DoFinish()
	b.e.WaitUntil("Bunch finished", func() bool { return b.finished.Load() >= b.n })
}

// ltPanics calls fn and checks that it panics with an error wrapping want.
func ltPanics(e *ltEnv, op string, want error, fn func()) {
	e.t.Helper()
	v := ltRecover(fn)
	err, _ := v.(error)
	if !errors.Is(err, want) {
		e.Errorf("%s: recovered %v; want a panic with an error wrapping %v", op, v, want)
	}
}

// ltRecover calls fn and returns what it panicked with (nil if nothing).
func ltRecover(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// ltList is a goroutine-safe list of results, CPython's list.append.
type ltList[T any] struct {
	mu sync.Mutex
	v  []T
}

func (l *ltList[T]) Append(x T) {
	l.mu.Lock()
	l.v = append(l.v, x)
	l.mu.Unlock()
}

func (l *ltList[T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.v)
}

func (l *ltList[T]) Get() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.v...)
}

func (l *ltList[T]) Clear() {
	l.mu.Lock()
	l.v = nil
	l.mu.Unlock()
}
