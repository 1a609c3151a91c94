package chans_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
	"pgregory.net/rapid"
)

func TestSelectDefault(t *testing.T) {
	both(t, func() {
		c := chans.Make[int](0)
		var nilc *chans.Chan[int]
		check(chans.Select(c.CaseRecv(nil, nil), nilc.CaseSend(1), chans.Default()) == 2, "select with nothing ready skipped default")
		_, _, ready := c.TryRecv()
		check(!ready, "TryRecv on an empty channel was ready")
	})
}

// A select waits for whichever case becomes ready and gets its value.
func TestSelectBlocks(t *testing.T) {
	both(t, func() {
		a, b := chans.Make[int](0), chans.Make[string](0)
		goroutine.Go(func() { b.Send("x") })
		var s string
		var ok bool
		i := chans.Select(a.CaseRecv(nil, nil), b.CaseRecv(&s, &ok))
		check(i == 1 && s == "x" && ok, "select got the wrong case")
		goroutine.Go(func() { a.Close() })
		var v int
		ok = true
		i = chans.Select(a.CaseRecv(&v, &ok), b.CaseSend("never"))
		check(i == 0 && v == 0 && !ok, "select on a closing channel got a value")
	})
}

// Real mode: among ready cases the choice is uniform (Go's spec).
func TestSelectUniformReal(t *testing.T) {
	a, b := chans.Make[int](1), chans.Make[int](1)
	var n [2]int
	for range 2000 {
		a.TrySend(1)
		b.TrySend(1)
		n[chans.Select(a.CaseRecv(nil, nil), b.CaseRecv(nil, nil))]++
	}
	if n[0] < 800 || n[1] < 800 {
		t.Fatalf("select choices = %v; want about 1000 each", n)
	}
}

// Model mode: the choice is a scheduling choice: both cases are explored,
// and the all-zero schedule takes the first ready case.
func TestSelectChoiceExplored(t *testing.T) {
	seen := map[int]bool{}
	body := func() {
		a, b := chans.Make[int](1), chans.Make[int](1)
		a.Send(1)
		b.Send(2)
		seen[chans.Select(a.CaseRecv(nil, nil), b.CaseRecv(nil, nil))] = true
	}
	seen = map[int]bool{}
	if _, err := interleave.Run(body); err != nil || !seen[0] || seen[1] {
		t.Fatalf("all-zero schedule: seen = %v, err = %v; want only case 0", seen, err)
	}
	cov, err := interleave.Exhaustive(body, 0)
	if err != nil || !seen[1] || cov.Runs() != 2 {
		t.Fatalf("Exhaustive: seen = %v, runs = %d, err = %v; want both cases in 2 runs", seen, cov.Runs(), err)
	}
}

// A select that picks the "wrong" ready case breaks an invariant; Explore
// a schedule that chooses case 1 (drawn by rapid, replayed) fails the run.
func TestSelectChoiceReplays(t *testing.T) {
	var failing *interleave.Trace
	rapid.Check(t, func(rt *rapid.T) {
		tr, err := interleave.Run(func() {
			quit, data := chans.Make[struct{}](1), chans.Make[int](1)
			quit.Send(struct{}{})
			data.Send(7)
			if chans.Select(data.CaseRecv(nil, nil), quit.CaseRecv(nil, nil)) == 1 {
				panic("quit before draining data")
			}
		}, interleave.Replay(interleave.Schedule{rapid.IntRange(0, 1).Draw(rt, "choice")}))
		if err != nil && failing == nil {
			failing = tr
		}
	})
	if failing == nil {
		t.Fatal("no schedule took the quit case; want one")
	}
	if !errors.Is(failing.Failure, interleave.ErrThreadPanic) || !strings.Contains(failing.Failure.Error(), "quit before draining data") {
		t.Fatalf("failure = %v; want the thread panic", failing.Failure)
	}
}

func TestSelectNoCasesBlocksForever(t *testing.T) {
	_, err := interleave.Run(func() {
		goroutine.GoNamed("idle", func() { chans.Select() })
	})
	if !errors.Is(err, interleave.ErrDeadlock) || !strings.Contains(err.Error(), "idle blocks on select (no cases) at chans/select_test.go:") {
		t.Fatalf("Run error = %v; want a deadlock naming select (no cases)", err)
	}
}
