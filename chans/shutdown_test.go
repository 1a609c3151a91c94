package chans_test

import (
	"runtime"
	"testing"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
)

// TestDaemonUnwoundFromRecvTakesNoValue: a real-mode daemon blocked in
// Recv on an unbuffered channel is unwound by Shutdown. Its entry must not
// take a later send: a TrySend finds no receiver, and a Send waits for a
// live one, which gets the value.
func TestDaemonUnwoundFromRecvTakesNoValue(t *testing.T) {
	ch := chans.Make[int](0)
	bounded.Do(t, "Shutdown unwinding a daemon blocked in Recv", func() {
		primitives.NewThread(func() { ch.Recv() }, primitives.WithDaemon(true)).Start()
		for ch.Observe().Waiters < 1 {
			runtime.Gosched()
		}
		primitives.Shutdown()
	})
	if ch.TrySend(1) {
		t.Fatal("TrySend = true after the only receiver was unwound; want false (the value went to a dead receiver)")
	}
	got := make(chan int, 1)
	bounded.Do(t, "Send to a live receiver after the unwound one", func() {
		go func() { got <- ch.Recv() }()
		ch.Send(2)
	})
	if v := <-got; v != 2 {
		t.Fatalf("the live receiver got %d; want 2", v)
	}
}
