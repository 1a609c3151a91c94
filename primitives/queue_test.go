package primitives_test

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13's Lib/test/test_queue.py (BaseQueueTestMixin, run
// for Queue, LifoQueue and PriorityQueue), in both modes, plus exact
// virtual-time timeouts and an explored producer-consumer property.
//
// CPython's do_blocking_test sleeps 0.1 s in the trigger thread "to give
// the blocking function a chance at actually blocking"; here the trigger
// waits until the queue shows a parked waiter, so the check is exact.

const qtQueueSize = 5

var qtKinds = []string{"Queue", "LifoQueue", "PriorityQueue"}

// qtNew makes a queue of the named kind; a priority queue orders by <.
func qtNew[T cmp.Ordered](kind string, maxsize int) *primitives.Queue[T] {
	switch kind {
	case "Queue":
		return primitives.NewQueue[T](maxsize)
	case "LifoQueue":
		return primitives.NewLifoQueue[T](maxsize)
	case "PriorityQueue":
		return primitives.NewPriorityQueue(maxsize, cmp.Less[T])
	}
	panic("unknown queue kind " + kind)
}

// qtEach runs body for every queue kind, in both modes.
func qtEach(t *testing.T, body func(e *hEnv, kind string)) {
	for _, kind := range qtKinds {
		t.Run(kind, func(t *testing.T) { hBoth(t, func(e *hEnv) { body(e, kind) }) })
	}
}

func qtFull[T any](q *primitives.Queue[T]) bool { return q.Maxsize() > 0 && q.Qsize() == q.Maxsize() }

// qtBlocking is CPython's do_blocking_test: block runs in a thread and
// must not return before trigger ran; trigger runs once block is parked
// on q.
func qtBlocking[T any](e *hEnv, q *primitives.Queue[T], what string, block, trigger func()) {
	e.t.Helper()
	var triggered atomic.Bool
	blocker := e.Start(func() {
		block()
		if !triggered.Load() {
			e.Errorf("blocking function %s appeared not to block", what)
		}
	})
	e.WaitUntil(what+" parked", func() bool { return q.Observe().Waiters > 0 })
	triggered.Store(true)
	trigger()
	e.Join(blocker)
}

func qtNoErr(e *hEnv, op string, err error) {
	e.t.Helper()
	if err != nil {
		e.Errorf("%s = %v; want nil", op, err)
	}
}

func qtWantErr(e *hEnv, op string, err, want error) {
	e.t.Helper()
	if !errors.Is(err, want) {
		e.Errorf("%s = %v; want %v", op, err, want)
	}
}

func qtGet[T any](e *hEnv, q *primitives.Queue[T]) T {
	e.t.Helper()
	v, err := q.Get()
	qtNoErr(e, "Get()", err)
	return v
}

// qtBasic is CPython's basic_queue_test.
func qtBasic(e *hEnv, kind string, q *primitives.Queue[int]) {
	if q.Qsize() != 0 {
		e.Fatalf("call qtBasic with an empty queue")
	}
	if !q.Empty() || q.Full() {
		e.Errorf("new queue: Empty %v, Full %v; want true, false", q.Empty(), q.Full())
	}
	for _, v := range []int{111, 333, 222} {
		qtNoErr(e, "Put", q.Put(v))
	}
	want := map[string][]int{
		"Queue":         {111, 333, 222},
		"LifoQueue":     {222, 333, 111},
		"PriorityQueue": {111, 222, 333},
	}[kind]
	if got := []int{qtGet(e, q), qtGet(e, q), qtGet(e, q)}; !slices.Equal(got, want) {
		e.Errorf("%s order = %v; want %v", kind, got, want)
	}
	for i := range qtQueueSize - 1 {
		qtNoErr(e, "Put", q.Put(i))
		if q.Qsize() == 0 {
			e.Errorf("queue should not be empty")
		}
	}
	if qtFull(q) {
		e.Errorf("queue should not be full")
	}
	last, full := 2*qtQueueSize, 3*2*qtQueueSize
	qtNoErr(e, "Put", q.Put(last))
	if !qtFull(q) || q.Empty() || !q.Full() {
		e.Errorf("queue should be full: Qsize %d, Empty %v, Full %v", q.Qsize(), q.Empty(), q.Full())
	}
	qtWantErr(e, "TryPut on a full queue", q.TryPut(full), primitives.ErrFull)
	start := sched.Now()
	qtWantErr(e, "PutTimeout(10ms) on a full queue", q.PutTimeout(full, e.Dur(10*time.Millisecond)), primitives.ErrFull)
	if el := sched.Now().Sub(start); e.model && el != 10*time.Millisecond {
		e.Errorf("PutTimeout(10ms) failed after %v of virtual time; want exactly 10ms", el)
	}
	getOne := func() { qtGet(e, q) }
	qtBlocking(e, q, "Put", func() { qtNoErr(e, "Put", q.Put(full)) }, getOne)
	qtBlocking(e, q, "PutTimeout", func() { qtNoErr(e, "PutTimeout", q.PutTimeout(full, e.deadline())) }, getOne)
	for range qtQueueSize {
		qtGet(e, q)
	}
	if q.Qsize() != 0 {
		e.Errorf("queue should be empty")
	}
	_, err := q.TryGet()
	qtWantErr(e, "TryGet on an empty queue", err, primitives.ErrEmpty)
	start = sched.Now()
	_, err = q.GetTimeout(e.Dur(10 * time.Millisecond))
	qtWantErr(e, "GetTimeout(10ms) on an empty queue", err, primitives.ErrEmpty)
	if el := sched.Now().Sub(start); e.model && el != 10*time.Millisecond {
		e.Errorf("GetTimeout(10ms) failed after %v of virtual time; want exactly 10ms", el)
	}
	putOne := func() { qtNoErr(e, "Put", q.Put(-7)) }
	qtBlocking(e, q, "Get", func() { qtGet(e, q) }, putOne)
	qtBlocking(e, q, "GetTimeout", func() {
		_, err := q.GetTimeout(e.deadline())
		qtNoErr(e, "GetTimeout", err)
	}, putOne)
}

func TestQueue_test_basic(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, qtQueueSize)
		qtBasic(e, kind, q) // twice, to check a queue reused
		qtBasic(e, kind, q)
	})
}

// qtJoinTest is CPython's queue_join_test: two workers sum what they get.
func qtJoinTest(e *hEnv, q *primitives.Queue[int]) {
	var cumlock primitives.Lock
	cum := 0 // guarded by cumlock
	worker := func() {
		for {
			x := qtGet(e, q)
			if x < 0 {
				q.TaskDone()
				return
			}
			cumlock.Acquire()
			cum += x
			cumlock.Release()
			q.TaskDone()
		}
	}
	threads := []*primitives.Thread{e.Start(worker), e.Start(worker)}
	for i := range 100 {
		qtNoErr(e, "Put", q.Put(i))
	}
	e.Join(e.Start(q.Join))
	cumlock.Acquire()
	if cum != 4950 {
		e.Errorf("cum = %d after Join; want 4950: Join did not block until all tasks were done", cum)
	}
	cumlock.Release()
	for range threads {
		qtNoErr(e, "Put", q.Put(-1)) // instruct the threads to close
	}
	e.Join(e.Start(q.Join)) // verify that you can join twice
	for _, th := range threads {
		e.Join(th)
	}
}

func TestQueue_test_queue_task_done(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, 0)
		hPanicErr(e.t, "TaskDone on a new queue", primitives.ErrTaskDone, q.TaskDone)
		if n := q.UnfinishedTasks(); n != 0 {
			e.Errorf("UnfinishedTasks() after a refused TaskDone = %d; want 0", n)
		}
	})
}

func TestQueue_test_queue_join(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, 0)
		qtJoinTest(e, q)
		qtJoinTest(e, q)
		hPanicErr(e.t, "TaskDone once all are done", primitives.ErrTaskDone, q.TaskDone)
	})
}

func TestQueue_test_negative_timeout_raises_exception(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, qtQueueSize)
		hPanicErr(e.t, "PutTimeout(-1) of a bounded queue with room", primitives.ErrNegativeValue,
			func() { _ = q.PutTimeout(1, -time.Second) })
		hPanicErr(e.t, "GetTimeout(-1) of an empty queue", primitives.ErrNegativeValue,
			func() { _, _ = q.GetTimeout(-time.Second) })
		qtNoErr(e, "Put", q.Put(1))
		hPanicErr(e.t, "GetTimeout(-1) of a queue with an item", primitives.ErrNegativeValue,
			func() { _, _ = q.GetTimeout(-time.Second) })
		if q.Qsize() != 1 {
			e.Errorf("Qsize() = %d after refused calls; want 1", q.Qsize())
		}
		// An unbounded queue never waits, so it ignores the timeout.
		u := qtNew[int](kind, 0)
		qtNoErr(e, "PutTimeout(-1) of an unbounded queue", u.PutTimeout(1, -time.Second))
		// Shutdown is checked first, as in CPython.
		q.Shutdown(true)
		qtWantErr(e, "PutTimeout(-1) after Shutdown", q.PutTimeout(1, -time.Second), primitives.ErrShutDown)
		_, err := q.GetTimeout(-time.Second)
		qtWantErr(e, "GetTimeout(-1) after Shutdown", err, primitives.ErrShutDown)
	})
}

func TestQueue_test_nowait(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, qtQueueSize)
		for range qtQueueSize {
			qtNoErr(e, "TryPut", q.TryPut(1))
		}
		qtWantErr(e, "TryPut on a full queue", q.TryPut(1), primitives.ErrFull)
		for range qtQueueSize {
			_, err := q.TryGet()
			qtNoErr(e, "TryGet", err)
		}
		_, err := q.TryGet()
		qtWantErr(e, "TryGet on an empty queue", err, primitives.ErrEmpty)
	})
}

func TestQueue_test_shrinking_queue(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, 3)
		for _, v := range []int{1, 2, 3} {
			qtNoErr(e, "Put", q.Put(v))
		}
		qtWantErr(e, "TryPut on a full queue", q.TryPut(4), primitives.ErrFull)
		if q.Qsize() != 3 {
			e.Errorf("Qsize() = %d; want 3", q.Qsize())
		}
		q.SetMaxsize(2) // shrink the queue
		if q.Maxsize() != 2 || !q.Full() {
			e.Errorf("after SetMaxsize(2): Maxsize %d, Full %v; want 2, true", q.Maxsize(), q.Full())
		}
		qtWantErr(e, "TryPut on a shrunk queue", q.TryPut(4), primitives.ErrFull)
	})
}

func TestQueue_SetMaxsizeWakesPutters(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, 1)
		qtNoErr(e, "Put", q.Put(1))
		putters := []*primitives.Thread{
			e.Start(func() { qtNoErr(e, "Put", q.Put(2)) }),
			e.Start(func() { qtNoErr(e, "Put", q.Put(3)) }),
		}
		e.WaitUntil("putters parked", func() bool { return q.Observe().Waiters == 2 })
		q.SetMaxsize(0) // unbounded: both fit
		for _, p := range putters {
			e.Join(p)
		}
		if q.Qsize() != 3 {
			e.Errorf("Qsize() = %d; want 3", q.Qsize())
		}
	})
}

func TestQueue_test_shutdown_empty(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[string](kind, 0)
		q.Shutdown(false)
		qtWantErr(e, "Put after Shutdown", q.Put("data"), primitives.ErrShutDown)
		_, err := q.Get()
		qtWantErr(e, "Get after Shutdown", err, primitives.ErrShutDown)
	})
}

func TestQueue_test_shutdown_nonempty(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[string](kind, 0)
		qtNoErr(e, "Put", q.Put("data"))
		q.Shutdown(false)
		if v := qtGet(e, q); v != "data" {
			e.Errorf("Get() = %q; want data", v)
		}
		_, err := q.Get()
		qtWantErr(e, "Get of a drained queue", err, primitives.ErrShutDown)
	})
}

func TestQueue_test_shutdown_immediate(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[string](kind, 0)
		qtNoErr(e, "Put", q.Put("data"))
		q.Shutdown(true)
		_, err := q.Get()
		qtWantErr(e, "Get after an immediate Shutdown", err, primitives.ErrShutDown)
	})
}

func TestQueue_test_shutdown_allowed_transitions(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[string](kind, 0)
		if q.IsShutdown() {
			e.Errorf("IsShutdown() of a new queue = true")
		}
		q.Shutdown(false)
		if !q.IsShutdown() {
			e.Errorf("IsShutdown() after Shutdown = false")
		}
		q.Shutdown(true)
		if !q.IsShutdown() {
			e.Errorf("IsShutdown() after Shutdown(true) = false")
		}
		q.Shutdown(false)
	})
}

func qtShutdownAllMethodsInOneThread(e *hEnv, kind string, immediate bool) {
	q := qtNew[string](kind, 2)
	qtNoErr(e, "Put", q.Put("L"))
	qtNoErr(e, "TryPut", q.TryPut("O"))
	q.Shutdown(immediate)
	qtWantErr(e, "Put", q.Put("E"), primitives.ErrShutDown)
	qtWantErr(e, "TryPut", q.TryPut("W"), primitives.ErrShutDown)
	if immediate {
		_, err := q.Get()
		qtWantErr(e, "Get", err, primitives.ErrShutDown)
		_, err = q.TryGet()
		qtWantErr(e, "TryGet", err, primitives.ErrShutDown)
		hPanicErr(e.t, "TaskDone", primitives.ErrTaskDone, q.TaskDone)
		e.Join(e.Start(q.Join))
		return
	}
	for range 2 {
		if v := qtGet(e, q); !strings.Contains("LO", v) {
			e.Errorf("Get() = %q; want L or O", v)
		}
		q.TaskDone()
	}
	e.Join(e.Start(q.Join))
	// On Shutdown(false), an empty queue answers ErrShutDown.
	_, err := q.Get()
	qtWantErr(e, "Get", err, primitives.ErrShutDown)
	_, err = q.TryGet()
	qtWantErr(e, "TryGet", err, primitives.ErrShutDown)
	_, err = q.GetTimeout(time.Second)
	qtWantErr(e, "GetTimeout", err, primitives.ErrShutDown)
}

func TestQueue_test_shutdown_all_methods_in_one_thread(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownAllMethodsInOneThread(e, kind, false) })
}

func TestQueue_test_shutdown_immediate_all_methods_in_one_thread(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownAllMethodsInOneThread(e, kind, true) })
}

// qtMsg is CPython's (i, text) tuple.
type qtMsg struct {
	i    int
	text string
}

// qtShutdownAllMethodsInManyThreads is CPython's multi-producer,
// multi-consumer shutdown test, with 4096 messages instead of 65536 and
// a yield in the readers' busy loop (see hEnv.Yield).
func qtShutdownAllMethodsInManyThreads(e *hEnv, kind string, immediate bool) {
	var q *primitives.Queue[qtMsg]
	switch kind {
	case "Queue":
		q = primitives.NewQueue[qtMsg](0)
	case "LifoQueue":
		q = primitives.NewLifoQueue[qtMsg](0)
	default:
		q = primitives.NewPriorityQueue(0, func(a, b qtMsg) bool { return a.i < b.i })
	}
	const writeThreads, readThreads, joinThreads = 4, 6, 2
	const nbMsgs = 1024 * 4
	const nbMsgsW = nbMsgs / writeThreads
	const whenExecShutdown = nbMsgsW / 2
	var resPuts, resGets, resShutdown hList[bool]
	nparties := writeThreads + readThreads
	if immediate {
		nparties += joinThreads
	}
	barrier := primitives.NewBarrier(nparties, nil, 0)
	var evExecShutdown primitives.Event
	write := func() {
		for i := range whenExecShutdown / 2 {
			qtNoErr(e, "Put", q.Put(qtMsg{i, "LOYD"}))
		}
		_, _ = barrier.Wait()
		for i := whenExecShutdown / 2; i < nbMsgsW; i++ {
			if err := q.Put(qtMsg{i, "YDLO"}); err != nil {
				qtWantErr(e, "Put", err, primitives.ErrShutDown)
				resPuts.Append(false)
				break
			}
			if i == whenExecShutdown && !evExecShutdown.IsSet() { // only one thread calls Shutdown
				evExecShutdown.Set()
				resPuts.Append(true)
			}
		}
	}
	read := func() {
		qtGet(e, q) // get at least one item
		q.TaskDone()
		_, _ = barrier.Wait()
		for {
			_, err := q.TryGet()
			switch {
			case err == nil:
				q.TaskDone()
			case errors.Is(err, primitives.ErrShutDown):
				resGets.Append(true)
				return
			default:
				e.Yield()
			}
		}
	}
	shutdown := func() {
		evExecShutdown.WaitTimeout(e.deadline())
		q.Shutdown(immediate)
		resShutdown.Append(q.Qsize() == 0)
	}
	join := func() {
		_, _ = barrier.Wait()
		q.Join()
	}
	var threads []*primitives.Thread
	start := func(fn func(), n int) {
		for range n {
			threads = append(threads, e.Start(fn))
		}
	}
	start(write, writeThreads)
	start(read, readThreads)
	start(shutdown, 1)
	if immediate {
		start(join, joinThreads)
	}
	for _, th := range threads {
		e.Join(th)
	}
	if !slices.Contains(resPuts.Get(), true) {
		e.Errorf("no writer triggered the shutdown")
	}
	if n := len(resGets.Get()); n != readThreads {
		e.Errorf("%d readers saw ErrShutDown; want %d", n, readThreads)
	}
	if immediate {
		if got := resShutdown.String(); got != "[true]" {
			e.Errorf("resShutdown = %s; want [true]", got)
		}
		if !q.Empty() {
			e.Errorf("queue not empty after an immediate shutdown")
		}
	}
}

func TestQueue_test_shutdown_all_methods_in_many_threads(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownAllMethodsInManyThreads(e, kind, false) })
}

func TestQueue_test_shutdown_immediate_all_methods_in_many_threads(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownAllMethodsInManyThreads(e, kind, true) })
}

// qtShutdownHelpers are CPython's _get, _put, _join, _get_task_done: each
// waits for go (where CPython does), then records whether the call ended
// the way expected.
type qtShutdownHelpers struct {
	e       *hEnv
	q       *primitives.Queue[string]
	go_     *primitives.Event
	results *hList[bool]
}

func (h qtShutdownHelpers) get(shutdown bool) func() {
	return func() {
		h.go_.WaitTimeout(h.e.deadline())
		_, err := h.q.Get()
		h.results.Append(errors.Is(err, primitives.ErrShutDown) == shutdown)
	}
}

func (h qtShutdownHelpers) getTaskDone(results *hList[bool]) func() {
	return func() {
		h.go_.WaitTimeout(h.e.deadline())
		_, err := h.q.Get()
		if err == nil {
			h.q.TaskDone()
		}
		results.Append(err == nil)
	}
}

func (h qtShutdownHelpers) put(msg string, shutdown bool) func() {
	return func() {
		h.go_.WaitTimeout(h.e.deadline())
		err := h.q.Put(msg)
		h.results.Append(errors.Is(err, primitives.ErrShutDown) == shutdown)
	}
}

func (h qtShutdownHelpers) join() func() {
	return func() {
		h.q.Join()
		h.results.Append(true)
	}
}

func qtNewShutdown(e *hEnv, kind string, maxsize int) (qtShutdownHelpers, *hList[bool]) {
	results := &hList[bool]{}
	return qtShutdownHelpers{e: e, q: qtNew[string](kind, maxsize), go_: &primitives.Event{}, results: results}, results
}

func qtJoinAll(e *hEnv, threads []*primitives.Thread) {
	for _, th := range threads {
		e.Join(th)
	}
}

func qtStartAll(e *hEnv, fns ...func()) []*primitives.Thread {
	var threads []*primitives.Thread
	for _, fn := range fns {
		threads = append(threads, e.Start(fn))
	}
	return threads
}

func qtShutdownGet(e *hEnv, kind string, immediate bool) {
	h, results := qtNewShutdown(e, kind, 2)
	qtNoErr(e, "Put", h.q.Put("Y"))
	qtNoErr(e, "Put", h.q.Put("D")) // queue full
	var threads []*primitives.Thread
	if immediate {
		threads = qtStartAll(e, h.get(true), h.get(true))
	} else {
		// On Shutdown(false) one of these threads gets ErrShutDown.
		threads = qtStartAll(e, h.get(false), h.get(false), h.get(false))
	}
	h.q.Shutdown(immediate)
	h.go_.Set()
	qtJoinAll(e, threads)
	got := results.Get()
	slices.SortFunc(got, func(a, b bool) int {
		if a == b {
			return 0
		}
		if !a {
			return -1
		}
		return 1
	})
	want := "[true true]"
	if !immediate {
		want = "[false true true]"
	}
	if s := fmt.Sprint(got); s != want {
		e.Errorf("sorted results = %s; want %s", s, want)
	}
}

func TestQueue_test_shutdown_get(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownGet(e, kind, false) })
}

func TestQueue_test_shutdown_immediate_get(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownGet(e, kind, true) })
}

func qtShutdownPut(e *hEnv, kind string, immediate bool) {
	h, results := qtNewShutdown(e, kind, 2)
	qtNoErr(e, "Put", h.q.Put("Y"))
	qtNoErr(e, "Put", h.q.Put("D")) // queue full
	threads := qtStartAll(e, h.put("E", true), h.put("W", true))
	h.q.Shutdown(immediate) // CPython's test calls shutdown() in both variants; so do we, with the flag
	h.go_.Set()
	qtJoinAll(e, threads)
	if got := results.String(); got != "[true true]" {
		e.Errorf("results = %s; want [true true]", got)
	}
}

func TestQueue_test_shutdown_put(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownPut(e, kind, false) })
}

func TestQueue_test_shutdown_immediate_put(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownPut(e, kind, true) })
}

func TestQueue_putterBlockedOnFullQueueWakesOnShutdown(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, 1)
		qtNoErr(e, "Put", q.Put(1))
		var err atomic.Value
		th := e.Start(func() { err.Store(q.Put(2)) })
		e.WaitUntil("putter parked", func() bool { return q.Observe().Waiters == 1 })
		q.Shutdown(false)
		e.Join(th)
		if got, _ := err.Load().(error); !errors.Is(got, primitives.ErrShutDown) {
			e.Errorf("blocked Put after Shutdown = %v; want ErrShutDown", got)
		}
	})
}

func qtShutdownJoin(e *hEnv, kind string, immediate bool) {
	h, results := qtNewShutdown(e, kind, 0)
	qtNoErr(e, "Put", h.q.Put("Y"))
	nb := h.q.Qsize()
	threads := qtStartAll(e, h.join(), h.join())
	if !immediate {
		var res hList[bool]
		for range nb {
			threads = append(threads, e.Start(h.getTaskDone(&res)))
		}
	}
	h.q.Shutdown(immediate)
	h.go_.Set()
	qtJoinAll(e, threads)
	if got := results.String(); got != "[true true]" {
		e.Errorf("results = %s; want [true true]", got)
	}
}

func TestQueue_test_shutdown_immediate_join(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownJoin(e, kind, true) })
}

func TestQueue_test_shutdown_join(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownJoin(e, kind, false) })
}

func qtShutdownPutJoin(e *hEnv, kind string, immediate bool) {
	h, results := qtNewShutdown(e, kind, 2)
	qtNoErr(e, "Put", h.q.Put("Y")) // queue not full
	threads := qtStartAll(e, h.put("E", true), h.join())
	if n := h.q.UnfinishedTasks(); n != 1 {
		e.Errorf("UnfinishedTasks() = %d; want 1", n)
	}
	h.q.Shutdown(immediate)
	h.go_.Set()
	if immediate {
		_, err := h.q.TryGet()
		qtWantErr(e, "TryGet after an immediate Shutdown", err, primitives.ErrShutDown)
	} else {
		if v := qtGet(e, h.q); v != "Y" {
			e.Errorf("Get() = %q; want Y", v)
		}
		h.q.TaskDone()
	}
	qtJoinAll(e, threads)
	if got := results.String(); got != "[true true]" {
		e.Errorf("results = %s; want [true true]", got)
	}
}

func TestQueue_test_shutdown_immediate_put_join(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownPutJoin(e, kind, true) })
}

func TestQueue_test_shutdown_put_join(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) { qtShutdownPutJoin(e, kind, false) })
}

func TestQueue_test_shutdown_get_task_done_join(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		h, results := qtNewShutdown(e, kind, 2)
		qtNoErr(e, "Put", h.q.Put("Y"))
		qtNoErr(e, "Put", h.q.Put("D"))
		if h.q.UnfinishedTasks() != h.q.Qsize() {
			e.Errorf("UnfinishedTasks() = %d; want Qsize() = %d", h.q.UnfinishedTasks(), h.q.Qsize())
		}
		threads := qtStartAll(e, h.getTaskDone(results), h.getTaskDone(results), h.join(), h.join())
		h.go_.Set()
		h.q.Shutdown(false)
		qtJoinAll(e, threads)
		if got := results.String(); got != "[true true true true]" {
			e.Errorf("results = %s; want four true", got)
		}
	})
}

func TestQueue_test_shutdown_pending_get(t *testing.T) {
	qtEach(t, func(e *hEnv, kind string) {
		q := qtNew[int](kind, 0)
		var results hList[error]
		getThread := e.Start(func() {
			_, err := q.Get()
			results.Append(err)
		})
		q.Shutdown(false)
		if !getThread.JoinTimeout(e.Dur(10 * time.Second)) {
			e.Fatalf("the pending Get did not return after Shutdown")
		}
		got := results.Get()
		if len(got) != 1 || !errors.Is(got[0], primitives.ErrShutDown) {
			e.Errorf("results = %v; want [ErrShutDown]", got)
		}
	})
}

func TestQueue_timeoutsOnTheVirtualClock(t *testing.T) {
	hModel(t, func(e *hEnv) {
		q := primitives.NewQueue[int](1)
		start := sched.Now()
		elapsed := func() time.Duration { return sched.Now().Sub(start) }
		_, err := q.GetTimeout(2 * time.Second)
		qtWantErr(e, "GetTimeout(2s) of an empty queue", err, primitives.ErrEmpty)
		if elapsed() != 2*time.Second {
			e.Errorf("GetTimeout(2s) failed at %v; want 2s", elapsed())
		}
		e.Start(func() {
			primitives.Sleep(time.Second)
			qtNoErr(e, "Put", q.Put(42))
		})
		v, err := q.GetTimeout(5 * time.Second)
		if err != nil || v != 42 || elapsed() != 3*time.Second {
			e.Errorf("GetTimeout(5s) = %d, %v at %v; want 42, nil at 3s (when the put came)", v, err, elapsed())
		}
		qtNoErr(e, "Put", q.Put(1))
		qtWantErr(e, "PutTimeout(3s) of a full queue", q.PutTimeout(2, 3*time.Second), primitives.ErrFull)
		if elapsed() != 6*time.Second {
			e.Errorf("PutTimeout(3s) failed at %v; want 6s", elapsed())
		}
		qtWantErr(e, "PutTimeout(0) of a full queue", q.PutTimeout(2, 0), primitives.ErrFull)
		if elapsed() != 6*time.Second {
			e.Errorf("PutTimeout(0) waited until %v; want no wait", elapsed())
		}
	})
}

func TestQueue_ObserveAndTrace(t *testing.T) {
	tr := hModel(t, func(e *hEnv) {
		q := primitives.NewQueue[int](2)
		qtNoErr(e, "Put", q.Put(1))
		qtNoErr(e, "Put", q.Put(2))
		if s := q.Observe(); s.Kind != "Queue" || s.State != "size=2/2 tasks=2" || s.Waiters != 0 {
			e.Errorf("Observe() = %+v; want Kind Queue, State size=2/2 tasks=2, no waiters", s)
		}
		p := e.Start(func() { qtNoErr(e, "Put", q.Put(3)) })
		j := e.Start(q.Join)
		e.WaitUntil("putter and joiner parked", func() bool { return q.Observe().Waiters == 2 })
		for range 3 {
			qtGet(e, q)
			q.TaskDone()
		}
		e.Join(p)
		e.Join(j)
		q.Shutdown(true)
	})
	out := tr.String()
	for _, want := range []string{"queue-put", "queue-stored", "queue-get", "queue-taken", "queue-task-done",
		"queue-join", "queue-shutdown", "blocks on Queue.Put", "blocks on Queue.Join", "Queue#1{size=2/2 tasks=2 waiters=2}"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestQueue_priorityWithLess(t *testing.T) {
	type job struct {
		prio int
		name string
	}
	q := primitives.NewPriorityQueue(0, func(a, b job) bool { return a.prio < b.prio })
	for _, j := range []job{{3, "low"}, {1, "urgent"}, {2, "normal"}} {
		if err := q.Put(j); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for !q.Empty() {
		j, _ := q.Get()
		got = append(got, j.name)
	}
	if want := []string{"urgent", "normal", "low"}; !slices.Equal(got, want) {
		t.Errorf("order = %v; want %v", got, want)
	}
	if v := hRecover(func() { primitives.NewPriorityQueue[int](0, nil) }); v == nil {
		t.Errorf("NewPriorityQueue with a nil less did not panic")
	}
}

// The ring buffer of a FIFO queue grows and wraps around without losing
// order.
func TestQueue_fifoRingWrapsAndGrows(t *testing.T) {
	q := primitives.NewQueue[int](0)
	next, want := 0, 0
	for round := range 50 {
		for range round % 13 {
			_ = q.Put(next)
			next++
		}
		for range round % 7 {
			if q.Empty() {
				break
			}
			v, _ := q.Get()
			if v != want {
				t.Fatalf("Get() = %d; want %d", v, want)
			}
			want++
		}
	}
	for !q.Empty() {
		v, _ := q.Get()
		if v != want {
			t.Fatalf("Get() = %d; want %d", v, want)
		}
		want++
	}
	if want != next {
		t.Fatalf("got %d items; want %d", want, next)
	}
}

// Producers and consumers on a small bounded queue, on schedules drawn by
// rapid: no item is lost or duplicated, each consumer gets a producer's
// items in the order they were put (FIFO), the size stays within [0, maxsize], and a Join called once
// every item was put returns only when every item was processed.
func TestQueue_exploreProducerConsumer(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		maxsize := rapid.IntRange(1, 3).Draw(rt, "maxsize")
		producers := rapid.IntRange(1, 3).Draw(rt, "producers")
		consumers := rapid.IntRange(1, 3).Draw(rt, "consumers")
		items := rapid.IntRange(1, 4).Draw(rt, "items")
		got := make([][][2]int, consumers) // what each consumer got, in its order
		processed, doneAtJoin := 0, -1
		var bad string
		interleave.Explore(rt, func() {
			q := primitives.NewQueue[[2]int](maxsize)
			check := func() {
				if n := q.Qsize(); n < 0 || n > maxsize {
					bad = fmt.Sprintf("Qsize() = %d; want within [0, %d]", n, maxsize)
				}
			}
			var threads []*primitives.Thread
			for p := range producers {
				threads = append(threads, primitives.NewThread(func() {
					for i := range items {
						_ = q.Put([2]int{p, i})
						check()
					}
				}))
			}
			for c := range consumers {
				threads = append(threads, primitives.NewThread(func() {
					for {
						v, err := q.Get()
						if err != nil {
							return
						}
						check()
						got[c] = append(got[c], v)
						processed++
						q.TaskDone()
					}
				}))
			}
			for _, th := range threads {
				th.Start()
			}
			for _, th := range threads[:producers] {
				th.Join() // every item is put before Join counts them
			}
			q.Join()
			doneAtJoin = processed
			q.Shutdown(false)
			for _, th := range threads[producers:] {
				th.Join()
			}
		})
		if bad != "" {
			rt.Fatal(bad)
		}
		total := producers * items
		if doneAtJoin != total {
			rt.Fatalf("%d items processed when Join returned; want %d", doneAtJoin, total)
		}
		seen := map[[2]int]int{}
		for c, list := range got {
			last := map[int]int{}
			for _, v := range list {
				seen[v]++
				if prev, ok := last[v[0]]; ok && v[1] < prev {
					rt.Fatalf("consumer %d got producer %d's item %d after its item %d (not FIFO): %v", c, v[0], v[1], prev, list)
				}
				last[v[0]] = v[1]
			}
		}
		for p := range producers {
			for i := range items {
				if n := seen[[2]int{p, i}]; n != 1 {
					rt.Fatalf("item %d of producer %d was got %d times; want once: %v", i, p, n, got)
				}
			}
		}
	})
}

func ExampleQueue() {
	_, err := interleave.Run(func() {
		q := primitives.NewQueue[string](2)
		worker := func() {
			for {
				item, err := q.Get()
				if err != nil { // ErrShutDown: the queue is shut down and drained
					return
				}
				primitives.Sleep(time.Second) // the work
				fmt.Printf("%s processed %s\n", primitives.CurrentThread().Name(), item)
				q.TaskDone()
			}
		}
		w := primitives.NewThread(worker, primitives.WithName("worker"))
		w.Start()
		for _, item := range []string{"a", "b", "c"} {
			_ = q.Put(item) // waits while two items are queued
		}
		q.Join() // until every item was processed
		fmt.Println("all done, unfinished tasks:", q.UnfinishedTasks())
		q.Shutdown(false)
		w.Join()
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// worker processed a
	// worker processed b
	// worker processed c
	// all done, unfinished tasks: 0
}

func ExampleNewLifoQueue() {
	q := primitives.NewLifoQueue[int](0)
	for i := range 3 {
		_ = q.Put(i)
	}
	for !q.Empty() {
		v, _ := q.Get()
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 2 1 0
}

func ExampleNewPriorityQueue() {
	type job struct {
		priority int
		name     string
	}
	q := primitives.NewPriorityQueue(0, func(a, b job) bool { return a.priority < b.priority })
	_ = q.Put(job{3, "write docs"})
	_ = q.Put(job{1, "fix the build"})
	_ = q.Put(job{2, "review"})
	for !q.Empty() {
		j, _ := q.Get()
		fmt.Println(j.priority, j.name)
	}
	// Output:
	// 1 fix the build
	// 2 review
	// 3 write docs
}

func ExampleQueue_Shutdown() {
	q := primitives.NewQueue[int](0)
	_ = q.Put(1)
	q.Shutdown(false)
	fmt.Println(q.Put(2))
	v, err := q.Get()
	fmt.Println(v, err)
	_, err = q.Get()
	fmt.Println(err)
	// Output:
	// queue shut down
	// 1 <nil>
	// queue shut down
}
