package primitives_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// A port of CPython 3.13's FailingQueueTest (Lib/test/test_queue.py): a
// queue whose _put or _get raises stays consistent and usable, and the
// exception reaches the caller. Here the failing step is a priority
// queue's less, which panics: when putting a poison item, or on the next
// comparison once armed. (A get of the only item compares nothing, so
// CPython's failing blocking get, which takes the one item a trigger put,
// has no counterpart.)

var errLose = errors.New("you lose") // CPython raises FailingQueueException("You Lose")

// fqPoison is the item whose comparison panics.
const fqPoison = -666

type failingQueue struct {
	*primitives.Queue[int]
	failNext atomic.Bool // the next comparison panics
}

func newFailingQueue(maxsize int) *failingQueue {
	fq := &failingQueue{}
	fq.Queue = primitives.NewPriorityQueue(maxsize, func(a, b int) bool {
		if a == fqPoison || b == fqPoison || fq.failNext.CompareAndSwap(true, false) {
			panic(errLose)
		}
		return a < b
	})
	return fq
}

// fqLose runs op, which must panic with errLose.
func fqLose(e *hEnv, what string, op func()) {
	e.t.Helper()
	defer func() {
		if v := recover(); v != errLose {
			e.Errorf("%s panicked with %v; want %v", what, v, errLose)
		}
	}()
	op()
}

func fqSize(e *hEnv, q *failingQueue, what string, want int) {
	e.t.Helper()
	if got := q.Qsize(); got != want {
		e.Errorf("after %s: Qsize() = %d; want %d", what, got, want)
	}
}

// fqBlockedLose is do_exceptional_blocking_test: put blocks on the full
// queue in a thread, trigger makes room, and the woken put must fail with
// errLose in that thread.
func fqBlockedLose(e *hEnv, q *failingQueue, what string, put func(), trigger func()) {
	e.t.Helper()
	var lost atomic.Bool
	th := e.Start(func() {
		defer func() { lost.Store(recover() == errLose) }()
		put()
	})
	e.WaitUntil(what+" parked", func() bool { return q.Observe().Waiters > 0 })
	trigger()
	e.Join(th)
	if !lost.Load() {
		e.Errorf("%s did not fail with %v", what, errLose)
	}
}

func TestQueue_test_failing_queue(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		q := newFailingQueue(qtQueueSize)
		for i := range qtQueueSize - 1 {
			qtNoErr(e, "Put", q.Put(i))
		}
		// A failing non-blocking put, and a failing put with a timeout.
		fqLose(e, "TryPut(poison)", func() { _ = q.TryPut(fqPoison) })
		fqSize(e, q, "a failed TryPut", qtQueueSize-1)
		fqLose(e, "PutTimeout(poison)", func() { _ = q.PutTimeout(fqPoison, e.Dur(100*time.Millisecond)) })
		fqSize(e, q, "a failed PutTimeout", qtQueueSize-1)
		qtNoErr(e, "Put(last)", q.Put(100))
		if !q.Full() {
			e.Errorf("queue should be full")
		}
		getOne := func() { qtGet(e, q.Queue) }
		// A failing blocking put: the get succeeded, the put failed; re-add.
		fqBlockedLose(e, q, "Put(poison)", func() { _ = q.Put(fqPoison) }, getOne)
		fqSize(e, q, "a failed blocked Put", qtQueueSize-1)
		qtNoErr(e, "Put(last)", q.Put(100))
		// A failing blocking put with a timeout.
		fqBlockedLose(e, q, "PutTimeout(poison)", func() { _ = q.PutTimeout(fqPoison, e.deadline()) }, getOne)
		qtNoErr(e, "Put(last)", q.Put(100))
		if !q.Full() {
			e.Errorf("queue should be full")
		}
		getOne()
		if q.Full() {
			e.Errorf("queue should not be full")
		}
		qtNoErr(e, "Put(last)", q.Put(100))
		// A blocking put that succeeds.
		qtBlocking(e, q.Queue, "Put", func() { qtNoErr(e, "Put", q.Put(200)) }, getOne)
		for range qtQueueSize {
			getOne()
		}
		fqSize(e, q, "emptying it", 0)

		// Failing gets leave the item in the queue, in order.
		for _, v := range []int{4, 2, 3, 1} {
			qtNoErr(e, "Put", q.Put(v))
		}
		q.failNext.Store(true)
		fqLose(e, "Get()", func() { _, _ = q.Get() })
		fqSize(e, q, "a failed Get", 4)
		q.failNext.Store(true)
		fqLose(e, "GetTimeout()", func() { _, _ = q.GetTimeout(e.Dur(100 * time.Millisecond)) })
		fqSize(e, q, "a failed GetTimeout", 4)
		q.failNext.Store(true)
		fqLose(e, "TryGet()", func() { _, _ = q.TryGet() })
		fqSize(e, q, "a failed TryGet", 4)
		for want := 1; want <= 4; want++ {
			if got := qtGet(e, q.Queue); got != want {
				e.Errorf("Get() after failed gets = %d; want %d", got, want)
			}
		}
		fqSize(e, q, "emptying it", 0)
		// The lock is free: a blocked getter is still woken by a put.
		qtBlocking(e, q.Queue, "Get", func() { qtGet(e, q.Queue) }, func() { qtNoErr(e, "Put", q.Put(7)) })
		// Every successful put counts a task, failed ones do not: 9 puts
		// in the first half, 4+1 in the second.
		if got := q.UnfinishedTasks(); got != 14 {
			e.Errorf("UnfinishedTasks() = %d; want 14", got)
		}
	})
}

// TestQueue_PriorityFailingLessKeepsHeap: after many failed puts and gets
// at random points of the heap, the items still come out in order.
func TestQueue_PriorityFailingLessKeepsHeap(t *testing.T) {
	q := newFailingQueue(0)
	for i := range 200 {
		qtPutOrLose(t, q, (i*7919)%211, i%3 == 0)
		if n := q.Qsize(); i%5 == 0 && n >= 3 { // a pop of 3 or more compares
			q.failNext.Store(true)
			func() {
				defer func() { _ = recover() }()
				_, _ = q.TryGet()
			}()
			q.failNext.Store(false)
			if q.Qsize() != n {
				t.Fatalf("failed TryGet changed Qsize from %d to %d", n, q.Qsize())
			}
		}
	}
	prev := -1
	for q.Qsize() > 0 {
		v, err := q.TryGet()
		if err != nil || v < prev {
			t.Fatalf("TryGet() = %d, %v after %d; want ascending items", v, err, prev)
		}
		prev = v
	}
}

func qtPutOrLose(t *testing.T, q *failingQueue, v int, lose bool) {
	t.Helper()
	if !lose {
		if err := q.TryPut(v); err != nil {
			t.Fatalf("TryPut(%d) = %v", v, err)
		}
		return
	}
	n := q.Qsize()
	q.failNext.Store(n > 0) // an empty heap compares nothing
	func() {
		defer func() { _ = recover() }()
		_ = q.TryPut(v)
	}()
	q.failNext.Store(false)
	if n > 0 && q.Qsize() != n {
		t.Fatalf("failed TryPut changed Qsize from %d to %d", n, q.Qsize())
	}
}
