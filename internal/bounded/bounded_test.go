package bounded

import (
	"fmt"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
)

func TestMain(m *testing.M) { interleavetest.Main(m) }

// recorder is a testing.TB that keeps its failures.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func TestDoReturnsWhenFnReturns(t *testing.T) {
	r := &recorder{TB: t}
	ran := false
	Do(r, "quick", func() { ran = true })
	if !ran || len(r.errs) != 0 {
		t.Fatalf("ran = %v, errors %q; want ran, none", ran, r.errs)
	}
}

func TestDoRepanicsOnTheCaller(t *testing.T) {
	defer func() {
		if v := recover(); v != "boom" {
			t.Fatalf("recovered %v; want boom", v)
		}
	}()
	Do(t, "panics", func() { panic("boom") })
}

// TestOverrunFailsNamingTheOperationThenShortensTheLimit blocks fn on a
// channel nobody sends to within the limit: the first overrun waits First
// (shortened here), names the operation and this test's goroutine, and
// every later call gets Broken.
func TestOverrunFailsNamingTheOperationThenShortensTheLimit(t *testing.T) {
	if overran.Load() {
		t.Fatal("a bounded call overran before this test")
	}
	defer overran.Store(false)
	release := make(chan struct{})
	defer close(release)
	overran.Store(true) // take the short limit: this test must not wait First
	r := &recorder{TB: t}
	Do(r, "Fake.Acquire", func() { <-release })
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "Fake.Acquire did not return within 1s") ||
		!strings.Contains(r.errs[0], "bounded_test.go") {
		t.Fatalf("errors = %q; want one naming Fake.Acquire, the limit and this file", r.errs)
	}
	if Limit() != Broken {
		t.Fatalf("Limit() = %v after an overrun; want %v", Limit(), Broken)
	}
}
