package kernels_test

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/kernels"
)

// maxSteps is the step budget of a kernel's run: the longest run of any
// kernel takes about 50 steps. Far below the default 200,000, it keeps a
// broken explorer whose runs all livelock (a scheduler that resumes parked
// threads, a clock that never moves) from costing each hunt tens of
// seconds of runs at the full budget while rapid shrinks them.
const maxSteps = 5000

// prop is the property every kernel must keep: explored under the
// explorer's schedule, body neither deadlocks nor panics (Explore fails
// the rapid.T on either) and returns no broken invariant.
func prop(body func() error) func(*rapid.T) {
	return func(t *rapid.T) {
		var err error
		interleave.Explore(t, func() { err = body() }, interleave.MaxSteps(maxSteps))
		if err != nil {
			t.Fatalf("invariant broken: %v", err)
		}
	}
}

// eachKernel runs test for every kernel as a subtest, and stops at the
// first kernel that fails: one failure already fails the suite, and when
// the explorer itself is broken every kernel fails the same way, each
// after rapid's whole shrinking time (a broken wake-up made each of the 22
// hunts take 30 s).
func eachKernel(t *testing.T, test func(t *testing.T, k kernels.Kernel)) {
	for _, k := range kernels.All {
		if !t.Run(k.Name, func(t *testing.T) { test(t, k) }) {
			t.Logf("stopped after %s failed; the other kernels did not run", k.Name)
			return
		}
	}
}

// TestBugsFound: the explorer finds every buggy kernel's bug within the
// default budget (rapid's 100 checks), as a deadlock naming the blocked
// goroutines for a blocking kernel, as a broken invariant or a panic for a
// non-blocking one, and shrinks it.
func TestBugsFound(t *testing.T) {
	eachKernel(t, func(t *testing.T, k kernels.Kernel) {
		res := interleave.Hunt(t, prop(k.Bug))
		if !res.Found {
			t.Fatalf("Hunt(%s) found nothing in %d schedules; want a failure", k.Name, res.Schedules)
		}
		if res.Trace == nil {
			t.Fatalf("Hunt(%s): no shrunk trace; log:\n%s", k.Name, res.Log)
		}
		failure := res.Trace.Failure
		switch k.Kind {
		case kernels.Blocking:
			if !errors.Is(failure, interleave.ErrDeadlock) {
				t.Fatalf("%s failed with %v; want a deadlock\n%s", k.Name, failure, res.Trace)
			}
			if msg := failure.Error(); !strings.Contains(msg, " waits on ") && !strings.Contains(msg, " blocks on ") {
				t.Fatalf("%s: deadlock report %q names no goroutine's blocked operation", k.Name, failure)
			}
		case kernels.NonBlocking:
			switch {
			case failure == nil && strings.Contains(res.Message, "invariant broken"):
			case errors.Is(failure, interleave.ErrThreadPanic):
			default:
				t.Fatalf("%s failed with %v (%s); want a broken invariant or a panic", k.Name, failure, res.Message)
			}
		}
		t.Logf("%s found after %d schedules:\n%v\n%s", k.Name, res.Schedules, failure, res.Trace)
	})
}

// TestFixesPass: every fixed twin keeps the property over rapid's default
// 100 schedules.
func TestFixesPass(t *testing.T) {
	eachKernel(t, func(t *testing.T, k kernels.Kernel) { rapid.Check(t, prop(k.Fix)) })
}

// TestExhaustive: with at most two preemptions, Exhaustive finds every
// buggy kernel's failure and the fixed twin passes every schedule. The
// kernels run in parallel: an exhaustive search ends at its first failure,
// so a broken explorer cannot make them slow, and they are the package's
// longest test.
func TestExhaustive(t *testing.T) {
	t.Parallel()
	for _, k := range kernels.All {
		t.Run(k.Name, func(t *testing.T) {
			t.Parallel()
			exhaustiveKernel(t, k)
		})
	}
}

// exhaustiveKernel checks one kernel for TestExhaustive.
func exhaustiveKernel(t *testing.T, k kernels.Kernel) {
	check := func(body func() error) (*interleave.Coverage, error) {
		return interleave.Exhaustive(func() {
			if err := body(); err != nil {
				panic(err)
			}
		}, 2)
	}
	if _, err := check(k.Bug); err == nil {
		t.Fatalf("Exhaustive(%s, 2) = nil; want the bug", k.Name)
	}
	cov, err := check(k.Fix)
	if err != nil {
		t.Fatalf("Exhaustive(%sFixed, 2) = %v; want nil", k.Name, err)
	}
	t.Logf("%s: fix passes %v", k.Name, cov)
}
