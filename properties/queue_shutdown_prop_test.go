package properties_test

import (
	"errors"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/properties/internal/broken"
	"pgregory.net/rapid"
)

// timedQueue is what queueShutdownWakesTimedWaiters needs of a queue.
type timedQueue interface {
	TryPut(v int) error
	PutTimeout(v int, d time.Duration) error
	GetTimeout(d time.Duration) (int, error)
	Shutdown(immediate bool)
}

// queueShutdownWakesTimedWaiters is what Queue.Shutdown's doc promises of
// timed waits: "threads blocked in a put, and in a get of an empty queue,
// wake and fail". A PutTimeout on a full queue (or a GetTimeout on an
// empty one) of a drawn timeout meets a Shutdown (not immediate, so the
// full queue stays full) that the main thread makes after a drawn sleep:
// whenever the Shutdown returned strictly before the wait's deadline, the
// wait fails with ErrShutDown, never ErrFull or ErrEmpty. (A Shutdown the
// schedule delays past the deadline may lose to the timeout: then either
// error is right.)
func queueShutdownWakesTimedWaiters(rt *rapid.T, mk func(maxsize int) timedQueue) {
	put := rapid.Bool().Draw(rt, "a timed put (else a timed get)")
	timeout := time.Duration(rapid.IntRange(1, 4).Draw(rt, "timeout (s)")) * time.Second
	sleep := time.Duration(rapid.IntRange(0, 3000).Draw(rt, "main sleeps (ms)")) * time.Millisecond
	explore(rt, &interleave.Coverage{}, func(v *violations) {
		q := mk(1)
		if put {
			if err := q.TryPut(0); err != nil {
				v.Fatalf("TryPut on an empty queue = %v", err)
			}
		}
		var err error
		var deadline, shutAt time.Time
		waiter := goThread("waiter", func() {
			deadline = sched.Now().Add(timeout)
			if put {
				err = q.PutTimeout(1, timeout)
			} else {
				_, err = q.GetTimeout(timeout)
			}
		})
		primitives.Sleep(sleep)
		q.Shutdown(false)
		shutAt = sched.Now()
		waiter.Join()
		op := "GetTimeout"
		if put {
			op = "PutTimeout"
		}
		switch {
		case errors.Is(err, primitives.ErrShutDown):
		case !deadline.IsZero() && shutAt.Before(deadline):
			v.Fatalf("%s(%v) = %v; want ErrShutDown: Shutdown returned at %v, before the wait's deadline %v",
				op, timeout, err, shutAt.Sub(sched.Epoch), deadline.Sub(sched.Epoch))
		case err == nil:
			v.Fatalf("%s(%v) = nil on a %s queue; want an error", op, timeout, map[bool]string{true: "full", false: "empty"}[put])
		}
	})
}

func realTimedQueue(m int) timedQueue   { return primitives.NewQueue[int](m) }
func brokenTimedQueue(m int) timedQueue { return broken.NewPollingQueue[int](m) }

func TestPropQueueShutdownWakesTimedWaiters(t *testing.T) {
	t.Parallel()
	properties.Check(t, "QueueShutdownWakesTimedWaiters", func(rt *rapid.T, cov *interleave.Coverage) {
		queueShutdownWakesTimedWaiters(rt, realTimedQueue)
	})
}

// TestCatchesBrokenQueueShutdownPolling: a queue whose timed waits poll
// instead of parking never sees the Shutdown and times out with ErrFull
// (ErrEmpty): queueShutdownWakesTimedWaiters fails it.
func TestCatchesBrokenQueueShutdownPolling(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenQueueShutdownPolling",
		func(rt *rapid.T) { queueShutdownWakesTimedWaiters(rt, brokenTimedQueue) },
		func(rt *rapid.T) { queueShutdownWakesTimedWaiters(rt, realTimedQueue) })
}
