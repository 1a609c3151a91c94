package sync_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/sync"
)

// testWaitGroup is Go's waitgroup_test.go: wg2 orders the Done calls
// after every Wait of wg1 has been reached.
func testWaitGroup(t *testing.T, n int, wg1, wg2 *sync.WaitGroup, spawn func(func())) {
	wg1.Add(n)
	wg2.Add(n)
	exited := make([]bool, n)
	var mu sync.Mutex
	for i := range n {
		spawn(func() {
			wg1.Done()
			wg2.Wait()
			mu.Lock()
			exited[i] = true
			mu.Unlock()
		})
	}
	wg1.Wait()
	mu.Lock()
	for i := range n {
		if exited[i] {
			t.Errorf("WaitGroup released group too soon")
		}
	}
	mu.Unlock()
	for range n {
		wg2.Done()
	}
}

func TestWaitGroupReal(t *testing.T) {
	wg1, wg2 := &sync.WaitGroup{}, &sync.WaitGroup{}
	for range 8 {
		var all sync.WaitGroup
		testWaitGroup(t, 4, wg1, wg2, func(f func()) { all.Go(f) })
		all.Wait()
	}
}

func TestWaitGroupModel(t *testing.T) {
	exhaustive(t, 1, func() {
		wg1, wg2 := &sync.WaitGroup{}, &sync.WaitGroup{}
		var all sync.WaitGroup
		testWaitGroup(t, 2, wg1, wg2, func(f func()) { all.Go(f) })
		all.Wait()
	})
}

func TestWaitGroupNegativeCounter(t *testing.T) {
	var wg sync.WaitGroup
	mustPanicWith(t, sync.ErrNegativeCounter, wg.Done)
	wg.Add(1)
	wg.Done()
	mustPanicWith(t, sync.ErrNegativeCounter, func() { wg.Add(-1) })
}

// Reuse before the released Wait returned: Go's "WaitGroup is reused
// before previous Wait has returned". On the all-zero schedule the waiter
// parks first, then the second goroutine releases and reuses the group.
func TestWaitGroupReuseBeforeWaitReturned(t *testing.T) {
	_, err := interleave.Run(func() {
		var wg sync.WaitGroup
		wg.Add(1)
		goroutine.Go(func() { wg.Wait() })
		goroutine.Go(func() {
			wg.Done() // the waiter is released ...
			wg.Add(1) // ... and the group reused before its Wait returned
			wg.Done()
		})
	})
	if err == nil || !containsErr(err, sync.ErrWaitGroupMisuse) {
		t.Fatalf("Run error = %v; want %v", err, sync.ErrWaitGroupMisuse)
	}
}

// Wait before Add: the classic bug (the waiter does not wait); the
// explorer finds the order where Wait returns before the work is done.
func TestWaitGroupWaitBeforeAddFound(t *testing.T) {
	_, err := interleave.Exhaustive(func() {
		var wg sync.WaitGroup
		done := false
		goroutine.Go(func() {
			wg.Add(1) // should be in the spawner
			done = true
			wg.Done()
		})
		wg.Wait()
		if !done {
			panic("Wait returned before the work")
		}
	}, 1)
	if err == nil {
		t.Fatal("Exhaustive found no early Wait; want one")
	}
}

func TestWaitGroupWaitDeadlock(t *testing.T) {
	mustFail(t, 0, func() {
		var wg sync.WaitGroup
		wg.Add(2)
		goroutine.GoNamed("only-one", wg.Done)
		wg.Wait()
	}, interleave.ErrDeadlock, "\n  MainThread blocks on WaitGroup#1 (WaitGroup.Wait) for the counter to reach zero at sync/waitgroup_test.go:", ": counter=1")
}

// TestWaitGroupDoneIsNamedInTraces: a trace shows Done as WaitGroup.Done,
// not as the Add(-1) it is.
func TestWaitGroupDoneIsNamedInTraces(t *testing.T) {
	tr, err := interleave.Run(func() {
		var wg sync.WaitGroup
		wg.Add(1)
		goroutine.Go(wg.Done)
		wg.Wait()
	})
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, s := range tr.Steps() {
		if s.Kind == interleave.StepPoint && strings.HasPrefix(s.Op, "WaitGroup.") {
			ops = append(ops, s.Op)
		}
	}
	if want := []string{"WaitGroup.Add", "WaitGroup.Wait", "WaitGroup.Done"}; !slices.Equal(ops, want) {
		t.Fatalf("WaitGroup steps %v; want %v\n%s", ops, want, tr)
	}
}
