package chans_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
)

func mustPanicWith(t *testing.T, want error, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		err, ok := v.(error)
		if !ok || !errors.Is(err, want) || err.Error() != want.Error() {
			t.Fatalf("panic = %v; want %q", v, want)
		}
	}()
	f()
}

// both runs f in real mode and in a model run (every schedule with one
// preemption), so one test checks both modes.
func both(t *testing.T, f func()) {
	t.Helper()
	f()
	if _, err := interleave.Exhaustive(f, 1); err != nil {
		t.Fatal(err)
	}
}

// check panics (failing the run, or the test in real mode) unless ok.
func check(ok bool, what string) {
	if !ok {
		panic(what)
	}
}

// From the Go spec and test/chan/*.go: an unbuffered channel is a
// rendezvous, a buffered one a FIFO, and close drains then yields zero.
func TestSemantics(t *testing.T) {
	both(t, func() {
		c := chans.Make[int](0)
		done := chans.Make[bool](0)
		goroutine.Go(func() {
			for i := range 3 {
				c.Send(i)
			}
			c.Close()
			done.Send(true)
		})
		want := 0
		for v := range c.All() {
			check(v == want, "unbuffered: values out of order")
			want++
		}
		check(want == 3, "range ended early")
		v, ok := c.Recv2()
		check(v == 0 && !ok, "closed channel gave a value")
		done.Recv()

		b := chans.Make[string](2)
		b.Send("a")
		b.Send("b")
		check(b.Len() == 2 && b.Cap() == 2, "len/cap of a full buffered channel")
		check(!b.TrySend("c"), "TrySend on a full channel succeeded")
		b.Close()
		s, ok := b.Recv2()
		check(s == "a" && ok, "closed buffered channel lost its first value")
		s, ok = b.Recv2()
		check(s == "b" && ok, "closed buffered channel lost its second value")
		_, ok = b.Recv2()
		check(!ok, "drained closed channel gave ok")
	})
}

// Buffered FIFO with blocked senders: the order of values is the order of
// sends, even when a sender waited for room (test/chan/fifo.go).
func TestFIFO(t *testing.T) {
	both(t, func() {
		c := chans.Make[int](1)
		fin := chans.Make[struct{}](0)
		goroutine.Go(func() {
			for i := range 4 {
				c.Send(i)
			}
			fin.Close()
		})
		for i := range 4 {
			check(c.Recv() == i, "FIFO order broken")
		}
		fin.Recv()
	})
}

func TestPanics(t *testing.T) {
	var nilc *chans.Chan[int]
	mustPanicWith(t, chans.ErrCloseOfNil, nilc.Close)
	c := chans.Make[int](1)
	c.Close()
	mustPanicWith(t, chans.ErrCloseOfClosed, c.Close)
	mustPanicWith(t, chans.ErrSendOnClosed, func() { c.Send(1) })
	mustPanicWith(t, chans.ErrSendOnClosed, func() { chans.Select(c.CaseSend(1), chans.Default()) })
	if nilc.Len() != 0 || nilc.Cap() != 0 {
		t.Fatal("nil channel: len or cap not 0")
	}
}

// A sender blocked when the channel is closed panics, as in Go.
func TestBlockedSendPanicsOnClose(t *testing.T) {
	_, err := interleave.Run(func() {
		c := chans.Make[int](0)
		goroutine.GoNamed("sender", func() { c.Send(1) })
		goroutine.GoNamed("closer", c.Close)
	})
	if !errors.Is(err, chans.ErrSendOnClosed) || !strings.Contains(err.Error(), "sender") {
		t.Fatalf("Run error = %v; want the sender's %v", err, chans.ErrSendOnClosed)
	}
}

func TestDeadlockReport(t *testing.T) {
	_, err := interleave.Run(func() {
		c := chans.Make[int](0)
		goroutine.GoNamed("worker-2", func() { c.Send(1) })
	})
	if !errors.Is(err, interleave.ErrDeadlock) || !strings.Contains(err.Error(), "worker-2 blocks on chan send (cap 0, len 0) at chans/chan_test.go:") {
		t.Fatalf("Run error = %v; want a deadlock naming worker-2's chan send", err)
	}
	_, err = interleave.Run(func() {
		var nilc *chans.Chan[int]
		goroutine.GoNamed("nil-recv", func() { nilc.Recv() })
	})
	if !errors.Is(err, interleave.ErrDeadlock) || !strings.Contains(err.Error(), "nil-recv blocks on chan recv (nil chan) at chans/chan_test.go:") {
		t.Fatalf("Run error = %v; want a deadlock naming the nil channel receive", err)
	}
}

// The trace shows channel steps with len, cap and closed.
func TestTraceShowsState(t *testing.T) {
	tr, err := interleave.Run(func() {
		c := chans.Make[int](2)
		c.Send(1)
		c.Close()
		c.Recv()
	})
	if err != nil {
		t.Fatal(err)
	}
	s := tr.String()
	for _, w := range []string{"chan send", "chan#1{len=0 cap=2}", "chan#1{len=1 cap=2}", "chan recv", "chan#1{len=1 cap=2 closed}"} {
		if !strings.Contains(s, w) {
			t.Fatalf("trace = %s; want it to contain %q", s, w)
		}
	}
}
