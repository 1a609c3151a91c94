package sched

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/internal/bounded"
)

// TestTimedWaitLoopStopsAtTheStepBudget: a loop of timed waits that time
// out again and again reaches no failpoint, only parks. Each park counts
// as a step, so the run fails at its budget with a trace of bounded length
// instead of running forever on the virtual clock, growing its trace.
func TestTimedWaitLoopStopsAtTheStepBudget(t *testing.T) {
	const budget = 1000
	var mu sync.Mutex
	var q WaitQueue
	tr, _ := bounded.Call(t, "a loop of timed waits under a step budget", func() (*Trace, error) {
		return Execute(func() {
			mu.Lock()
			for range 100 * budget { // finite: a budget that never trips fails the test, leaving nothing spinning
				q.Wait(&mu, "Raw.Wait", Deadline(time.Nanosecond))
			}
			mu.Unlock()
		}, &Config{MaxSteps: budget}, &Fixed{}), nil
	})
	if !errors.Is(tr.Failure, ErrStepBudget) {
		t.Fatalf("Failure = %v; want ErrStepBudget", tr.Failure)
	}
	// A counted step adds at most a block and a timeout to the trace.
	if n := len(tr.Steps()); n > 2*budget+2 {
		t.Fatalf("the trace grew to %d steps for a budget of %d", n, budget)
	}
}
