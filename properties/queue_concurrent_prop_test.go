package properties_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"pgregory.net/rapid"
)

// queueProducersConsumers: on a bounded queue (maxsize 1 or 2) of a drawn
// kind, 1 or 2 producers Put 1 or 2 distinct items each (blocking), and 1
// or 2 consumers Get (blocking) until ErrShutDown, calling TaskDone after
// each item. Every step sees 0 <= Qsize <= maxsize. Then either
//   - the main thread joins the producers, calls Join, which must return
//     only once every item was got and marked done, and shuts the queue
//     down (immediate or not: it is empty), or
//   - the main thread shuts the queue down early, after a drawn virtual
//     delay, while producers may be blocked: a Put fails only with
//     ErrShutDown.
//
// Either way no item is got twice or got without being put; without an
// immediate shutdown every item put is got; with one a lone consumer
// still gets a FIFO queue's items in the order they were put (LIFO and
// priority: any order); at the end the queue is empty, UnfinishedTasks
// is 0 and every consumer returned ErrShutDown.
func queueProducersConsumers(rt *rapid.T, cov *interleave.Coverage, kind queueKind) {
	maxsize := rapid.IntRange(1, 2).Draw(rt, "maxsize")
	producers := rapid.IntRange(1, 2).Draw(rt, "producers")
	items := rapid.IntRange(1, 2).Draw(rt, "items per producer")
	consumers := rapid.IntRange(1, 2).Draw(rt, "consumers")
	early := rapid.Bool().Draw(rt, "shut down early")
	immediate := rapid.Bool().Draw(rt, "immediate")
	delay := time.Duration(rapid.IntRange(0, 3).Draw(rt, "early shutdown after (ticks)")) * interleave.Tick
	explore(rt, cov, func(v *violations) {
		q := kind.mk(maxsize)
		var put, got []int
		done := 0
		size := func(step string) {
			if n := q.Qsize(); n < 0 || n > maxsize {
				v.Fatalf("after %s: Queue.Qsize() = %d; want 0..%d", step, n, maxsize)
			}
		}
		prods := make([]*primitives.Thread, producers)
		for p := range producers {
			prods[p] = goThread(fmt.Sprintf("producer%d", p), func() {
				for j := range items {
					x := 10*(p+1) + j
					err := q.Put(x)
					switch {
					case err == nil:
						put = append(put, x)
					case !errors.Is(err, primitives.ErrShutDown) || !early:
						v.Fatalf("Queue.Put(%d) = %v; want nil (or ErrShutDown after a shutdown)", x, err)
					}
					size(fmt.Sprintf("Put(%d)", x))
				}
			})
		}
		cons := make([]*primitives.Thread, consumers)
		for c := range consumers {
			cons[c] = goThread(fmt.Sprintf("consumer%d", c), func() {
				for {
					x, err := q.Get()
					if errors.Is(err, primitives.ErrShutDown) {
						return
					}
					if err != nil {
						v.Fatalf("Queue.Get() = %d, %v; want an item or ErrShutDown", x, err)
						return
					}
					got = append(got, x)
					size("Get()")
					q.TaskDone()
					done++
				}
			})
		}
		if early {
			sched.Sleep(delay)
			q.Shutdown(immediate)
			joinAll(prods...)
		} else {
			joinAll(prods...)
			q.Join()
			if done != len(put) {
				v.Fatalf("Queue.Join returned with %d of %d items done; want all", done, len(put))
			}
			q.Shutdown(immediate)
		}
		joinAll(cons...)
		seen := map[int]bool{}
		for _, x := range got {
			if seen[x] || !slices.Contains(put, x) {
				v.Fatalf("got %v, put %v: %d got twice or never put", got, put, x)
			}
			seen[x] = true
		}
		if !(early && immediate) && len(got) != len(put) {
			v.Fatalf("got %v, put %v: items lost", got, put)
		}
		if kind.name == "FIFO" && consumers == 1 {
			for p := range producers {
				var mine []int
				for _, x := range got {
					if x/10 == p+1 {
						mine = append(mine, x)
					}
				}
				if !slices.IsSorted(mine) {
					v.Fatalf("FIFO queue: producer %d's items got in the order %v; want the order put", p, mine)
				}
			}
		}
		if q.Qsize() != 0 || q.UnfinishedTasks() != 0 {
			v.Fatalf("at the end: Queue.Qsize() = %d, UnfinishedTasks() = %d; want 0, 0", q.Qsize(), q.UnfinishedTasks())
		}
	})
}

func TestPropQueueProducersConsumers(t *testing.T) {
	t.Parallel()
	for _, kind := range queueKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			properties.Check(t, "QueueProducersConsumers"+kind.name, func(rt *rapid.T, cov *interleave.Coverage) {
				queueProducersConsumers(rt, cov, kind)
			})
		})
	}
}
