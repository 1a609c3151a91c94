package sched_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/interleave-lab/interleave/internal/sched"
)

// stoppingStrategy panics on its first tie, as a rapid draw does when it
// overruns a shrunk buffer.
type stoppingStrategy struct{}

func (stoppingStrategy) Delay(*sched.View) int { return 0 }
func (stoppingStrategy) Tie(*sched.View) int   { panic("overrun") }

// TestChooseNeverPanicsWithACallersLockHeld: a select holds its channels'
// mutex across Choose; a strategy that stops the run there must not leave
// that mutex locked (it did: the kernels hung while rapid shrank).
func TestChooseNeverPanicsWithACallersLockHeld(t *testing.T) {
	var mu sync.Mutex
	got := -1
	tr := sched.Execute(func() {
		mu.Lock()
		got = sched.Choose(3)
		mu.Unlock()
		sched.Sleep(0) // the next scheduling point unwinds the failing run
		t.Error("the thread ran on past a scheduling point of a failed run")
	}, sched.NewConfig(), stoppingStrategy{})
	if tr.Failure == nil || !strings.Contains(tr.Failure.Error(), "overrun") {
		t.Fatalf("Failure = %v; want the strategy's overrun", tr.Failure)
	}
	if got != 0 {
		t.Errorf("Choose in a failing run = %d; want 0", got)
	}
	if !mu.TryLock() {
		t.Fatal("the caller's mutex is still locked after the run")
	}
	mu.Unlock()
}
