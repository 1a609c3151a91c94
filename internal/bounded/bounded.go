// Package bounded puts wall-clock deadlines on the real-mode blocking calls
// of this module's tests, so that a primitive that loses a wake-up fails
// its test in seconds, naming the operation, instead of hanging the binary
// until go test's timeout.
//
// Only tests import it. The first call of a test binary that overruns
// waits Limit's first value (generous: the machine may be a loaded 2-core
// CI runner under -race); once one has overrun, the binary is known to be
// broken and every later bounded call gets a short limit, so that a
// primitive that hangs every test still fails the whole package within
// seconds rather than first-limit × tests.
package bounded

import (
	"bytes"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

const (
	// First is the limit of a bounded call while no call of this test
	// binary has overrun.
	First = 5 * time.Second
	// Broken is the limit once one has.
	Broken = time.Second
)

// overran is set by the first bounded call that overran its limit.
var overran atomic.Bool

// Limit returns the wall-clock limit of the next bounded call.
func Limit() time.Duration {
	if overran.Load() {
		return Broken
	}
	return First
}

// Overran records that a bounded call of this binary missed its limit:
// the later ones get the short limit.
func Overran() { overran.Store(true) }

// Do runs fn on a new goroutine and waits for it to return. If it has not
// returned within Limit, Do fails t with what (the operation: "Semaphore
// real mode", "Queue.Get") and the stacks of the goroutines blocked in this
// module's code, and returns, leaving fn's goroutine behind (goleak then
// names it too). A panic in fn is re-raised on the caller's goroutine.
func Do(t testing.TB, what string, fn func()) {
	t.Helper()
	do(t, what, fn)
}

// do is Do that reports whether fn returned in time.
func do(t testing.TB, what string, fn func()) bool {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		fn()
	}()
	v, ok := Wait(t, what, done)
	if ok && v != nil {
		panic(v)
	}
	return ok
}

// Wait receives from ch within Limit. Past it, it fails t as Do does and
// reports false.
func Wait[T any](t testing.TB, what string, ch <-chan T) (v T, ok bool) {
	t.Helper()
	limit := Limit()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case v = <-ch:
		return v, true
	case <-timer.C:
		Overran()
		t.Errorf("%s did not return within %v of wall-clock time (a lost wake-up?); "+
			"the goroutines blocked in interleave's code:\n%s", what, limit, Stacks())
		return v, false
	}
}

// Stacks returns the stacks of the goroutines whose stack mentions this
// module (the test's own and the library's), at most 64 KiB of them.
func Stacks() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out bytes.Buffer
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("interleave-lab/interleave")) && !bytes.Contains(g, []byte("internal/bounded.Stacks")) {
			if out.Len()+len(g) > 64<<10 {
				out.WriteString("... more goroutines ...\n")
				break
			}
			out.Write(g)
			out.WriteString("\n\n")
		}
	}
	return out.String()
}

// Call runs fn as Do does and returns its results. Past the limit it fails
// t with what and the stacks, and stops the test (t.FailNow): call it from
// the test's goroutine.
func Call[T any](t testing.TB, what string, fn func() (T, error)) (T, error) {
	t.Helper()
	var v T
	var err error
	if !do(t, what, func() { v, err = fn() }) {
		t.FailNow() // fn may still be writing v and err
	}
	return v, err
}
