package context_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/context"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/time"
)

func run(t *testing.T, body func()) {
	t.Helper()
	if _, err := interleave.Run(body); err != nil {
		t.Fatal(err)
	}
}

func TestCancelPropagates(t *testing.T) {
	f := func() {
		parent, cancel := context.WithCancel(context.Background())
		child, cancelChild := context.WithCancelCause(context.WithValue(parent, "k", "v"))
		defer cancelChild(nil)
		if child.Err() != nil {
			panic("child canceled early")
		}
		cancel()
		context.Done(child).Recv()
		<-child.Done()
		if !errors.Is(child.Err(), context.Canceled) || child.Value("k") != "v" {
			panic(fmt.Sprintf("child Err = %v; want Canceled", child.Err()))
		}
		wo := context.WithoutCancel(parent)
		if wo.Err() != nil || context.Done(wo) != nil {
			panic("WithoutCancel inherited the cancellation")
		}
	}
	f()
	run(t, f)
}

func TestDeadlineVirtual(t *testing.T) {
	run(t, func() {
		boom := errors.New("too slow")
		ctx, cancel := context.WithTimeoutCause(context.Background(), time.Hour, boom)
		defer cancel()
		start := time.Now()
		if d, ok := ctx.Deadline(); !ok || d.Sub(start) != time.Hour {
			panic("Deadline wrong")
		}
		context.Done(ctx).Recv()
		if time.Since(start) != time.Hour || !errors.Is(ctx.Err(), context.DeadlineExceeded) || context.Cause(ctx) != boom {
			panic(fmt.Sprintf("after %v: Err = %v, Cause = %v", time.Since(start), ctx.Err(), context.Cause(ctx)))
		}
	})
}

func TestAfterFunc(t *testing.T) {
	run(t, func() {
		ctx, cancel := context.WithCancel(context.Background())
		ran := chans.Make[bool](1)
		context.AfterFunc(ctx, func() { ran.Send(true) })
		stop := context.AfterFunc(ctx, func() { panic("stopped AfterFunc ran") })
		if !stop() {
			panic("stop of a pending AfterFunc returned false")
		}
		cancel()
		ran.Recv()
	})
}

// A worker selecting on cancellation and work: a cancelled context ends
// it, on every schedule.
func TestSelectOnDone(t *testing.T) {
	if _, err := interleave.Exhaustive(func() {
		ctx, cancel := context.WithCancel(context.Background())
		work := chans.Make[int](0)
		finished := chans.Make[struct{}](0)
		goroutine.GoNamed("worker", func() {
			defer finished.Close()
			for {
				if chans.Select(context.Done(ctx).CaseRecv(nil, nil), work.CaseRecv(nil, nil)) == 0 {
					return
				}
			}
		})
		work.Send(1)
		cancel()
		finished.Recv()
	}, 2); err != nil {
		t.Fatal(err)
	}
}

func ExampleWithTimeout() {
	_, _ = interleave.Run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		slow := chans.Make[string](0)
		goroutine.Go(func() {
			time.Sleep(time.Minute)
			slow.TrySend("late")
		})
		switch chans.Select(slow.CaseRecv(nil, nil), context.Done(ctx).CaseRecv(nil, nil)) {
		case 1:
			fmt.Println(ctx.Err())
		}
	})
	// Output: context deadline exceeded
}
