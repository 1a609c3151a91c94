package goroutine_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
)

func TestGoReal(t *testing.T) {
	done := chans.Make[int](0)
	goroutine.Go(func() { done.Send(1) })
	if v := done.Recv(); v != 1 {
		t.Fatalf("Recv = %d; want 1", v)
	}
}

func TestNamesAndLeak(t *testing.T) {
	tr, err := interleave.Run(func() {
		c := chans.Make[int](0)
		goroutine.Go(func() {})
		goroutine.GoNamed("stuck", func() { c.Recv() })
	})
	if !errors.Is(err, interleave.ErrDeadlock) || !strings.Contains(err.Error(), "stuck blocks on chan recv (cap 0, len 0) at goroutine/goroutine_test.go:") {
		t.Fatalf("Run error = %v; want a leak report naming stuck", err)
	}
	if s := tr.String(); !strings.Contains(s, "start goroutine-1") || !strings.Contains(s, "start stuck") {
		t.Fatalf("trace = %s; want goroutine-1 and stuck started", s)
	}
}

func TestPanicFailsRun(t *testing.T) {
	_, err := interleave.Run(func() {
		goroutine.GoNamed("boom", func() { panic("kaboom") })
	})
	if !errors.Is(err, interleave.ErrThreadPanic) || !strings.Contains(err.Error(), "boom: kaboom") {
		t.Fatalf("Run error = %v; want boom's panic", err)
	}
}

// Example shows a leaked goroutine found: the result nobody receives after
// a timeout path returned early.
func ExampleGoNamed() {
	_, err := interleave.Run(func() {
		results := chans.Make[int](0) // unbuffered: the classic leak
		goroutine.GoNamed("worker-2", func() { results.Send(42) })
		// ... the caller gave up without receiving.
	})
	fmt.Println(strings.SplitN(err.Error(), "\n", 4)[2][:len("  worker-2 blocks on chan send (cap 0, len 0)")])
	// Output:
	//   worker-2 blocks on chan send (cap 0, len 0)
}

func ExampleGo() {
	_, err := interleave.Run(func() {
		done := chans.Make[string](0)
		goroutine.Go(func() { done.Send("hello from goroutine-1") })
		fmt.Println(done.Recv())
	})
	fmt.Println(err)
	// Output:
	// hello from goroutine-1
	// <nil>
}
