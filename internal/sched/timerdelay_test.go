package sched

import (
	"fmt"
	"testing"
	"time"
)

// armedTimer is a strategy that keeps every thread running, except at the
// one point the body arms, where it delays past the next pending timer.
type armedTimer struct{ armed bool }

func (s *armedTimer) Delay(*View) int {
	if s.armed {
		s.armed = false
		return TimerFrom
	}
	return 0
}

func (s *armedTimer) Tie(*View) int { return 0 }

// TestTimerDelayPassesTheNextTimer: the delay code TimerFrom delays the
// running thread past the earliest pending wake-up, plus one Tick, and not
// past a later one. Two sleepers wake at 1 s and 5 s; main, delayed so at
// 1 ns, runs again at 1 s + 1 Tick, after the first and before the second.
func TestTimerDelayPassesTheNextTimer(t *testing.T) {
	st := &armedTimer{}
	var woke []string
	var at time.Duration
	tr := Execute(func() {
		Spawn(nil, false, func() { Sleep(5 * time.Second); woke = append(woke, "5s") })
		Spawn(nil, false, func() { Sleep(time.Second); woke = append(woke, "1s") })
		Sleep(time.Nanosecond) // both sleepers run and sleep
		st.armed = true
		Point("delayed", nil)
		at = Now().Sub(Epoch)
		if len(woke) != 1 {
			panic(fmt.Sprintf("main ran again after %v woke; want only the 1s sleeper", woke))
		}
	}, NewConfig(), st)
	if tr.Failure != nil {
		t.Fatal(tr.Failure)
	}
	if want := time.Second + Tick; at != want {
		t.Fatalf("main ran again at %v; want %v (past the next timer, 1s, plus one Tick)", at, want)
	}
}
