package time_test

import (
	"fmt"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/time"
)

func run(t *testing.T, body func()) {
	t.Helper()
	if _, err := interleave.Run(body); err != nil {
		t.Fatal(err)
	}
}

func TestVirtualSleepAndNow(t *testing.T) {
	run(t, func() {
		start := time.Now()
		time.Sleep(3 * time.Hour)
		if d := time.Since(start); d != 3*time.Hour {
			panic(fmt.Sprintf("Since = %v; want 3h exactly", d))
		}
	})
}

func TestTimerStopReset(t *testing.T) {
	run(t, func() {
		tm := time.NewTimer(time.Minute)
		if !tm.Stop() || tm.Stop() {
			panic("Stop of an active timer: want true then false")
		}
		if _, _, ready := tm.C.TryRecv(); ready {
			panic("a stopped timer delivered")
		}
		if tm.Reset(time.Second) {
			panic("Reset of a stopped timer reported active")
		}
		start := time.Now()
		at := tm.C.Recv()
		if at.Sub(start) != time.Second {
			panic(fmt.Sprintf("timer fired after %v; want 1s", at.Sub(start)))
		}
		fired := false
		time.AfterFunc(time.Millisecond, func() { fired = true })
		time.Sleep(time.Second)
		if !fired {
			panic("AfterFunc did not run")
		}
	})
}

// A timeout races a result on the virtual clock: both outcomes are
// reachable, and each is exact.
func TestTimeoutRace(t *testing.T) {
	outcomes := map[int]bool{}
	body := func() {
		res := chans.Make[int](1)
		goroutine.Go(func() {
			time.Sleep(time.Second)
			res.Send(1)
		})
		outcomes[chans.Select(res.CaseRecv(nil, nil), time.After(time.Second).CaseRecv(nil, nil))] = true
	}
	if _, err := interleave.Exhaustive(body, 1); err != nil {
		t.Fatal(err)
	}
	if !outcomes[0] || !outcomes[1] {
		t.Fatalf("outcomes = %v; want both the result and the timeout", outcomes)
	}
}

func TestTicker(t *testing.T) {
	run(t, func() {
		tk := time.NewTicker(10 * time.Second)
		start := time.Now()
		for range 3 {
			tk.C.Recv()
		}
		tk.Stop()
		if d := time.Since(start); d != 30*time.Second {
			panic(fmt.Sprintf("3 ticks took %v; want 30s", d))
		}
	})
	tk := time.NewTicker(time.Millisecond) // real mode
	tk.C.Recv()
	tk.Stop()
	if c := time.Tick(0); c != nil {
		t.Fatal("Tick(0) is not nil")
	}
}

func ExampleAfter() {
	_, _ = interleave.Run(func() {
		start := time.Now()
		at := time.After(90 * time.Minute).Recv() // no wall time passes
		fmt.Println(at.Sub(start))
	})
	// Output: 1h30m0s
}
