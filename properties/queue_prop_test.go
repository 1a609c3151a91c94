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
	"github.com/interleave-lab/interleave/properties/internal/broken"
	"pgregory.net/rapid"
)

// queueAPI is the method set the Queue properties use, so that the real
// primitives.Queue and broken.Queue both plug in.
type queueAPI interface {
	Put(v int) error
	TryPut(v int) error
	Get() (int, error)
	TryGet() (int, error)
	TaskDone()
	Join()
	UnfinishedTasks() int
	Shutdown(immediate bool)
	IsShutdown() bool
	Qsize() int
	Empty() bool
	Full() bool
	Maxsize() int
	SetMaxsize(n int)
	PutTimeout(v int, d time.Duration) error
	GetTimeout(d time.Duration) (int, error)
}

// queueKind names a queue discipline and its sequential model's Get.
type queueKind struct {
	name string
	mk   func(maxsize int) queueAPI
	// take removes from items the one a Get returns, and returns it.
	take func(items []int) (int, []int)
}

var queueKinds = []queueKind{
	{"FIFO", func(m int) queueAPI { return primitives.NewQueue[int](m) },
		func(it []int) (int, []int) { return it[0], it[1:] }},
	{"LIFO", func(m int) queueAPI { return primitives.NewLifoQueue[int](m) },
		func(it []int) (int, []int) { return it[len(it)-1], it[:len(it)-1] }},
	{"Priority", func(m int) queueAPI { return primitives.NewPriorityQueue[int](m, func(a, b int) bool { return a < b }) },
		func(it []int) (int, []int) {
			i := slices.Index(it, slices.Min(it))
			return it[i], slices.Delete(slices.Clone(it), i, i+1)
		}},
}

// Queue state machine operations.
const (
	qPut = iota
	qGet
	qTaskDone
	qShutdown
	qShutdownNow
	qPutTimeout
	qGetTimeout
	qSetMaxsize
)

// queueOpTable maps a drawn number to an operation: puts and gets are
// likelier than the rest, shutdowns rarest.
var queueOpTable = []int{qPut, qPut, qPut, qGet, qGet, qGet, qTaskDone, qTaskDone,
	qPutTimeout, qGetTimeout, qSetMaxsize, qShutdown, qShutdownNow}

// queueTimeout is the timeout of the state machine's PutTimeout and
// GetTimeout.
const queueTimeout = time.Millisecond

// queueStateMachine runs a drawn list of operations on a queue of a drawn
// kind and maxsize from the main thread (TryPut, TryGet, PutTimeout and
// GetTimeout, TaskDone, SetMaxsize, Shutdown) against a sequential model,
// while a joiner thread, started at the first successful put, waits in
// Join. After every step: Qsize = len(model) and 0 <= Qsize <= maxsize
// (unless SetMaxsize lowered it), Maxsize, Empty and Full agree,
// UnfinishedTasks = puts - TaskDones (less what an immediate shutdown
// discarded), IsShutdown; every Get returns the model's item (FIFO: the
// oldest, LIFO: the newest, priority: the least); a PutTimeout on a full
// queue fails with ErrFull and a GetTimeout on an empty one with ErrEmpty,
// each no earlier than its timeout; a TaskDone too many
// panics with ErrTaskDone and changes nothing; after Shutdown puts fail
// with ErrShutDown and gets drain what is left (immediate: nothing is
// left), then fail with ErrShutDown. The joiner must return only once the
// count of unfinished tasks has reached zero, and at the end (every task
// done) it must return.
func queueStateMachine(rt *rapid.T, cov *interleave.Coverage, kind queueKind) {
	maxsize := rapid.IntRange(0, 3).Draw(rt, "maxsize")
	ops := rapid.SliceOfN(rapid.IntRange(0, len(queueOpTable)-1), 1, 12).Draw(rt, "ops")
	vals := rapid.SliceOfN(rapid.IntRange(0, 5), len(ops), len(ops)).Draw(rt, "values (and SetMaxsize sizes)")
	explore(rt, cov, func(v *violations) {
		q := kind.mk(maxsize)
		lowered := false
		var items []int
		unfinished, shut := 0, false
		zeroSeen := true
		var joiner *primitives.Thread
		check := func(step string) {
			n := len(items)
			if got := q.Qsize(); got != n || got < 0 || (maxsize > 0 && got > maxsize && !lowered) {
				v.Fatalf("after %s: Queue.Qsize() = %d; want %d (maxsize %d)", step, got, n, maxsize)
			}
			if got := q.Maxsize(); got != maxsize {
				v.Fatalf("after %s: Queue.Maxsize() = %d; want %d", step, got, maxsize)
			}
			if got := q.Empty(); got != (n == 0) {
				v.Fatalf("after %s: Queue.Empty() = %v; want %v", step, got, n == 0)
			}
			if got, want := q.Full(), maxsize > 0 && n >= maxsize; got != want {
				v.Fatalf("after %s: Queue.Full() = %v; want %v", step, got, want)
			}
			if got := q.UnfinishedTasks(); got != unfinished {
				v.Fatalf("after %s: Queue.UnfinishedTasks() = %d; want %d", step, got, unfinished)
			}
			if got := q.IsShutdown(); got != shut {
				v.Fatalf("after %s: Queue.IsShutdown() = %v; want %v", step, got, shut)
			}
			if unfinished == 0 {
				zeroSeen = true
			}
		}
		for i, op := range ops {
			switch op = queueOpTable[op]; op {
			case qPut, qPutTimeout:
				x := vals[i]
				name := fmt.Sprintf("TryPut(%d)", x)
				start := sched.Now()
				var err error
				if op == qPut {
					err = q.TryPut(x)
				} else {
					name = fmt.Sprintf("PutTimeout(%d, %v)", x, queueTimeout)
					err = q.PutTimeout(x, queueTimeout)
				}
				el := sched.Now().Sub(start)
				var want error
				switch {
				case shut:
					want = primitives.ErrShutDown
				case maxsize > 0 && len(items) >= maxsize:
					want = primitives.ErrFull
				default:
					items = append(items, x)
					unfinished++
				}
				if !errors.Is(err, want) || (want == nil && err != nil) {
					v.Fatalf("Queue.%s = %v; want %v", name, err, want)
				}
				if op == qPutTimeout && want == primitives.ErrFull && el < queueTimeout {
					v.Fatalf("Queue.%s = ErrFull after %v; want no earlier than its timeout", name, el)
				}
				if want == nil && joiner == nil {
					zeroSeen = false
					joiner = goThread("joiner", func() {
						q.Join()
						if !zeroSeen {
							v.Fatalf("Queue.Join returned with %d unfinished tasks; want 0", unfinished)
						}
					})
				}
				check(name)
			case qGet, qGetTimeout:
				name := "TryGet()"
				start := sched.Now()
				var got int
				var err error
				if op == qGet {
					got, err = q.TryGet()
				} else {
					name = fmt.Sprintf("GetTimeout(%v)", queueTimeout)
					got, err = q.GetTimeout(queueTimeout)
				}
				el := sched.Now().Sub(start)
				switch {
				case len(items) > 0:
					var want int
					want, items = kind.take(items)
					if err != nil || got != want {
						v.Fatalf("%s Queue.%s = %d, %v; want %d, nil", kind.name, name, got, err, want)
					}
				case shut:
					if !errors.Is(err, primitives.ErrShutDown) {
						v.Fatalf("Queue.%s of an empty shut-down queue = %d, %v; want ErrShutDown", name, got, err)
					}
				default:
					if !errors.Is(err, primitives.ErrEmpty) {
						v.Fatalf("Queue.%s of an empty queue = %d, %v; want ErrEmpty", name, got, err)
					}
					if op == qGetTimeout && el < queueTimeout {
						v.Fatalf("Queue.%s = ErrEmpty after %v; want no earlier than its timeout", name, el)
					}
				}
				check(name)
			case qSetMaxsize:
				m := vals[i] % 4
				if maxsize <= 0 || (m > 0 && m < maxsize) {
					lowered = lowered || m > 0
				}
				maxsize = m
				q.SetMaxsize(m)
				check(fmt.Sprintf("SetMaxsize(%d)", m))
			case qTaskDone:
				err := errOf(catchPanic(q.TaskDone))
				if unfinished == 0 {
					if !errors.Is(err, primitives.ErrTaskDone) {
						v.Fatalf("Queue.TaskDone() with no unfinished task panicked with %v; want ErrTaskDone", err)
					}
				} else {
					if err != nil {
						v.Fatalf("Queue.TaskDone() panicked with %v; want no panic", err)
					}
					unfinished--
				}
				check("TaskDone()")
			case qShutdown, qShutdownNow:
				now := op == qShutdownNow
				q.Shutdown(now)
				shut = true
				if now {
					unfinished = max(0, unfinished-len(items))
					items = nil
				}
				check(fmt.Sprintf("Shutdown(%v)", now))
			}
		}
		// Finish every task, so that the joiner returns.
		for len(items) > 0 {
			var want int
			want, items = kind.take(items)
			if got, err := q.TryGet(); err != nil || got != want {
				v.Fatalf("draining: %s Queue.TryGet() = %d, %v; want %d, nil", kind.name, got, err, want)
			}
		}
		for unfinished > 0 {
			q.TaskDone()
			unfinished--
		}
		check("draining")
		if joiner != nil {
			joinAll(joiner)
		}
	})
}

func TestPropQueueStateMachine(t *testing.T) {
	t.Parallel()
	for _, kind := range queueKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			properties.Check(t, "Queue"+kind.name, func(rt *rapid.T, cov *interleave.Coverage) {
				queueStateMachine(rt, cov, kind)
			})
		})
	}
}

// queueLinearizable: 2 or 3 threads each run a drawn list of Put (distinct
// values) and TryGet on one unbounded FIFO queue; then the main thread
// drains it with TryGet until ErrEmpty. Every call is stamped before and
// after (properties.History), and porcupine checks the whole history
// against the sequential FIFO model: no item lost or duplicated, FIFO
// order kept, an ErrEmpty only when the queue could be empty.
func queueLinearizable(rt *rapid.T, cov *interleave.Coverage, mk func() queueAPI) {
	threads := rapid.IntRange(2, 3).Draw(rt, "threads")
	plans := make([][]bool, threads)
	for i := range plans {
		plans[i] = rapid.SliceOfN(rapid.Bool(), 1, 3).Draw(rt, fmt.Sprintf("thread %d puts (true) and gets", i))
	}
	var h properties.History
	explore(rt, cov, func(v *violations) {
		q := mk()
		get := func() properties.QueueOutput {
			x, err := q.TryGet()
			if err != nil && !errors.Is(err, primitives.ErrEmpty) {
				v.Fatalf("Queue.TryGet() = %d, %v; want an item or ErrEmpty", x, err)
			}
			return properties.QueueOutput{Value: x, OK: err == nil}
		}
		ths := make([]*primitives.Thread, threads)
		for i, plan := range plans {
			ths[i] = goThread(fmt.Sprintf("client%d", i), func() {
				for j, put := range plan {
					if put {
						x := 10*(i+1) + j
						h.Record(i, properties.QueueInput{Put: true, Value: x}, func() properties.QueueOutput {
							return properties.QueueOutput{OK: q.Put(x) == nil}
						})
					} else {
						h.Record(i, properties.QueueInput{}, get)
					}
				}
			})
		}
		joinAll(ths...)
		for h.Record(threads, properties.QueueInput{}, get).OK {
		}
	})
	if ok, desc := properties.CheckQueueHistory(&h); !ok {
		rt.Fatalf("queue history not linearizable against a FIFO queue: %s", desc)
	}
}

func realQueue() queueAPI   { return primitives.NewQueue[int](0) }
func brokenQueue() queueAPI { return broken.NewQueue[int](0) }

func TestPropQueueLinearizable(t *testing.T) {
	t.Parallel()
	properties.Check(t, "QueueLinearizable", func(rt *rapid.T, cov *interleave.Coverage) {
		queueLinearizable(rt, cov, realQueue)
	})
}

// TestCatchesBrokenQueueDrop: a queue whose Put drops its item when
// another Put runs at the same time fails queueLinearizable (the lost item
// is never got, while a later Get found the queue empty).
func TestCatchesBrokenQueueDrop(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenQueueDrop",
		func(rt *rapid.T) { queueLinearizable(rt, &interleave.Coverage{}, brokenQueue) },
		func(rt *rapid.T) { queueLinearizable(rt, &interleave.Coverage{}, realQueue) })
}
