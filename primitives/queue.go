package primitives

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Queue is a multi-producer, multi-consumer queue of items of type T:
// first in first out (NewQueue), last in first out (NewLifoQueue), or
// smallest first (NewPriorityQueue). A bounded queue (maxsize > 0) makes
// Put wait while it is full; Get waits while the queue is empty. The queue
// also counts unfinished tasks (puts minus TaskDone calls) for Join, and can
// be shut down.
//
// Create one with NewQueue, NewLifoQueue or NewPriorityQueue. A Queue must
// not be copied after first use.
//
// In the terminology of the Go memory model, the Put of an item
// synchronizes before the Get that returns it, and the TaskDone that brings
// the count of unfinished tasks to zero synchronizes before the return of
// every Join it releases.
//
// Queue ports Python's queue.Queue, queue.LifoQueue and queue.PriorityQueue
// (CPython 3.13, with shutdown). put(block=False) is TryPut, put(timeout=d)
// is PutTimeout, and likewise for get; queue.Full, queue.Empty and
// queue.ShutDown are the returned errors ErrFull, ErrEmpty and ErrShutDown;
// misuse panics with an error wrapping ErrNegativeValue or ErrTaskDone
// instead of raising ValueError. A priority queue orders by a less function
// instead of comparing the items.
type Queue[T any] struct {
	kind queueKind // set once by the constructor

	mu sync.Mutex // protects every field below

	maxsize int // <= 0: unbounded; read on every call, so SetMaxsize applies at once

	// The items. FIFO: a ring buf[head], buf[head+1], ... of n items
	// (len(buf) is 0 or a power of two). LIFO: buf[:n], top last. Priority:
	// pq.items, a heap ordered by pq.less, n == len(pq.items).
	buf  []T
	head int
	n    int
	pq   prioItems[T]

	unfinished int  // puts minus TaskDone calls; invariant: >= 0
	shutdown   bool // Shutdown was called: puts fail, gets drain then fail

	// Invariant: a thread parks on notEmpty only while n == 0, on notFull
	// only while 0 < maxsize <= n, and on allDone only while unfinished > 0,
	// each time after re-checking under mu; whoever changes n, maxsize,
	// unfinished or shutdown so that a parked thread may proceed wakes it.
	notEmpty sched.WaitQueue // getters waiting for an item
	notFull  sched.WaitQueue // putters waiting for room
	allDone  sched.WaitQueue // Join callers waiting for unfinished == 0
}

type queueKind uint8

const (
	fifoQueue queueKind = iota
	lifoQueue
	priorityQueue
)

// NewQueue returns an empty first-in first-out queue holding at most
// maxsize items; maxsize <= 0 means no limit.
//
// NewQueue ports Python's queue.Queue(maxsize).
func NewQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{kind: fifoQueue, maxsize: maxsize}
}

// NewLifoQueue returns an empty last-in first-out queue (a stack) holding
// at most maxsize items; maxsize <= 0 means no limit.
//
// NewLifoQueue ports Python's queue.LifoQueue(maxsize).
func NewLifoQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{kind: lifoQueue, maxsize: maxsize}
}

// NewPriorityQueue returns an empty priority queue holding at most maxsize
// items (maxsize <= 0 means no limit), whose Get returns the smallest item
// according to less. Items that are equal under less come out in no
// particular order. less must not be nil.
//
// NewPriorityQueue ports Python's queue.PriorityQueue(maxsize), which
// compares the items themselves (usually (priority, data) tuples).
func NewPriorityQueue[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("primitives: NewPriorityQueue: less must not be nil")
	}
	q := &Queue[T]{kind: priorityQueue, maxsize: maxsize}
	q.pq.less = less
	return q
}

// Put adds v to the queue, waiting while a bounded queue is full. It
// returns nil, or ErrShutDown if the queue is shut down (before or while
// it waits).
//
// Put ports Python's Queue.put(item).
func (q *Queue[T]) Put(v T) error {
	return q.put(v, true, false, 0)
}

// TryPut adds v if there is room now. It returns nil, ErrFull if a bounded
// queue is full, or ErrShutDown.
//
// TryPut ports Python's Queue.put_nowait(item) (put(item, block=False)).
func (q *Queue[T]) TryPut(v T) error {
	return q.put(v, false, false, 0)
}

// PutTimeout adds v, waiting at most d for room in a bounded queue. It
// returns nil, ErrFull if there was no room in time (d == 0: no room now),
// or ErrShutDown. An unbounded queue never waits.
//
// It is a run-time error to pass a negative d to a bounded queue, even one
// with room: PutTimeout then panics with an error wrapping
// ErrNegativeValue (unless the queue is shut down, which is checked first).
//
// PutTimeout ports Python's Queue.put(item, timeout=d).
func (q *Queue[T]) PutTimeout(v T, d time.Duration) error {
	return q.put(v, true, true, d)
}

func (q *Queue[T]) put(v T, block, hasTimeout bool, timeout time.Duration) error {
	failpoints.Hit(failpoints.QueuePut, q)
	q.mu.Lock()
	if q.shutdown {
		q.mu.Unlock()
		return ErrShutDown
	}
	if q.maxsize > 0 {
		switch {
		case !block:
			if q.n >= q.maxsize {
				q.mu.Unlock()
				return ErrFull
			}
		case !hasTimeout:
			for spins := 0; q.fullLocked(); spins++ {
				// spin releases q.mu: a Shutdown may have run meanwhile
				// (and woken nobody, since this thread was not parked).
				if q.spin(spins) && !q.shutdown {
					continue
				}
				if !q.shutdown {
					q.notFull.Wait(&q.mu, "Queue.Put", time.Time{})
				}
				if q.shutdown {
					q.mu.Unlock()
					return ErrShutDown
				}
			}
		case timeout < 0:
			q.mu.Unlock()
			panic(fmt.Errorf("%w: Queue.PutTimeout: 'timeout' must be a non-negative number, got %v", ErrNegativeValue, timeout))
		default:
			deadline := sched.Deadline(timeout)
			for q.fullLocked() {
				if !sched.Now().Before(deadline) {
					q.mu.Unlock()
					return ErrFull
				}
				q.notFull.Wait(&q.mu, "Queue.PutTimeout", deadline)
				if q.shutdown {
					q.mu.Unlock()
					return ErrShutDown
				}
			}
		}
	}
	q.store(v) // on a panic of a priority queue's less: unchanged, q.mu released
	q.unfinished++
	wake := q.notEmpty.Len() > 0
	q.mu.Unlock()
	failpoints.Hit(failpoints.QueueStored, q)
	if wake {
		// A getter parked before the item was stored: wake one. A getter
		// that arrived since saw the item and did not park.
		q.mu.Lock()
		q.notEmpty.WakeOne()
		q.mu.Unlock()
	}
	return nil
}

// Get removes and returns an item, waiting while the queue is empty. It
// returns ErrShutDown (and the zero T) once the queue is shut down and
// empty, including when the shutdown happens while it waits.
//
// Get ports Python's Queue.get().
func (q *Queue[T]) Get() (T, error) {
	return q.get(true, false, 0)
}

// TryGet removes and returns an item if one is there now. It returns
// ErrEmpty if the queue is empty, or ErrShutDown if it is also shut down.
//
// TryGet ports Python's Queue.get_nowait() (get(block=False)).
func (q *Queue[T]) TryGet() (T, error) {
	return q.get(false, false, 0)
}

// GetTimeout removes and returns an item, waiting at most d for one. It
// returns ErrEmpty if none came in time (d == 0: none now), or ErrShutDown.
//
// It is a run-time error to pass a negative d, even when an item is there:
// GetTimeout then panics with an error wrapping ErrNegativeValue (unless the
// queue is shut down and empty, which is checked first).
//
// GetTimeout ports Python's Queue.get(timeout=d).
func (q *Queue[T]) GetTimeout(d time.Duration) (T, error) {
	return q.get(true, true, d)
}

func (q *Queue[T]) get(block, hasTimeout bool, timeout time.Duration) (T, error) {
	var zero T
	failpoints.Hit(failpoints.QueueGet, q)
	q.mu.Lock()
	if q.shutdown && q.n == 0 {
		q.mu.Unlock()
		return zero, ErrShutDown
	}
	switch {
	case !block:
		if q.n == 0 {
			q.mu.Unlock()
			return zero, ErrEmpty
		}
	case !hasTimeout:
		for spins := 0; q.n == 0; spins++ {
			// spin releases q.mu: a Shutdown may have run meanwhile (and
			// woken nobody, since this thread was not parked).
			if q.spin(spins) && !q.shutdown {
				continue
			}
			if !q.shutdown {
				q.notEmpty.Wait(&q.mu, "Queue.Get", time.Time{})
			}
			if q.shutdown && q.n == 0 {
				q.mu.Unlock()
				return zero, ErrShutDown
			}
		}
	case timeout < 0:
		q.mu.Unlock()
		panic(fmt.Errorf("%w: Queue.GetTimeout: 'timeout' must be a non-negative number, got %v", ErrNegativeValue, timeout))
	default:
		deadline := sched.Deadline(timeout)
		for q.n == 0 {
			if !sched.Now().Before(deadline) {
				q.mu.Unlock()
				return zero, ErrEmpty
			}
			q.notEmpty.Wait(&q.mu, "Queue.GetTimeout", deadline)
			if q.shutdown && q.n == 0 {
				q.mu.Unlock()
				return zero, ErrShutDown
			}
		}
	}
	v := q.take() // on a panic of a priority queue's less: unchanged, q.mu released
	wake := q.notFull.Len() > 0
	q.mu.Unlock()
	failpoints.Hit(failpoints.QueueTaken, q)
	if wake {
		q.mu.Lock()
		q.notFull.WakeOne()
		q.mu.Unlock()
	}
	return v, nil
}

// realSpins is how many times an untimed real-mode Put or Get that would
// wait yields the processor and looks again before it parks: the partner
// thread, running on another core, usually acts within that time, and a
// park and wake-up costs several times more (a one-slot queue's
// producer-consumer pair went from about 1.5 µs to 0.2-0.3 µs an item).
const realSpins = 3

// spin is the step of a wait loop before parking: in real mode, for the
// first realSpins iterations, it releases q.mu, yields, takes q.mu again
// and reports true (the caller re-checks). It never spins in model mode,
// where only parking lets another thread run. q.mu must be held.
func (q *Queue[T]) spin(spins int) bool {
	if spins >= realSpins || sched.InModel() {
		return false
	}
	q.mu.Unlock()
	runtime.Gosched()
	q.mu.Lock()
	return true
}

// fullLocked reports whether a put must wait: 0 < maxsize <= n. Read on
// every iteration of a putter's wait loop, so a bound raised or removed by
// SetMaxsize lets it through. q.mu must be held.
func (q *Queue[T]) fullLocked() bool { return 0 < q.maxsize && q.maxsize <= q.n }

// store adds v to the items; q.mu must be held. If a priority queue's less
// panics, the items are left as they were, q.mu is released and the panic
// goes on to the caller (CPython's test_queue: a failing _put leaves the
// queue usable).
func (q *Queue[T]) store(v T) {
	switch q.kind {
	case fifoQueue:
		if q.n == len(q.buf) {
			q.grow()
		}
		q.buf[(q.head+q.n)&(len(q.buf)-1)] = v
	case lifoQueue:
		q.buf = append(q.buf[:q.n], v)
	case priorityQueue:
		q.pqLocked(func() { q.pq.push(v) })
	}
	q.n++
}

// take removes the next item; q.mu must be held and q.n > 0. If a priority
// queue's less panics, the items are left as they were, q.mu is released
// and the panic goes on to the caller (as a failing _get in CPython).
func (q *Queue[T]) take() T {
	var v, zero T
	switch q.kind {
	case fifoQueue:
		v = q.buf[q.head]
		q.buf[q.head] = zero // let the item be collected
		q.head = (q.head + 1) & (len(q.buf) - 1)
	case lifoQueue:
		v = q.buf[q.n-1]
		q.buf[q.n-1] = zero
	case priorityQueue:
		q.pqLocked(func() { v = q.pq.pop() })
	}
	q.n--
	return v
}

// pqLocked runs a heap operation of the priority queue; if it does not
// complete (less panicked, or called runtime.Goexit), the heap is rolled
// back and q.mu, held by the caller, is released as the panic unwinds, so
// the queue stays consistent and usable.
func (q *Queue[T]) pqLocked(op func()) {
	done := false
	defer func() {
		if !done {
			q.pq.undo()
			q.mu.Unlock()
		}
	}()
	op()
	done = true
}

// grow doubles the FIFO ring, unrolling it so that head is 0.
func (q *Queue[T]) grow() {
	buf := make([]T, max(8, 2*len(q.buf)))
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

// TaskDone tells the queue that a task taken by Get is complete: it lowers
// the count of unfinished tasks, and when the count reaches zero, every
// Join returns.
//
// It is a run-time error to call TaskDone more times than items were put:
// it then panics with an error wrapping ErrTaskDone and changes nothing.
//
// TaskDone ports Python's Queue.task_done.
func (q *Queue[T]) TaskDone() {
	failpoints.Hit(failpoints.QueueTaskDone, q)
	q.mu.Lock()
	unfinished := q.unfinished - 1
	if unfinished < 0 {
		q.mu.Unlock()
		panic(fmt.Errorf("%w: Queue.TaskDone", ErrTaskDone))
	}
	if unfinished == 0 {
		q.allDone.WakeAll()
	}
	q.unfinished = unfinished
	q.mu.Unlock()
}

// Join waits until every item put has been taken and marked done with
// TaskDone (at once if none is unfinished). An immediate Shutdown counts
// the items it discards as done.
//
// Join ports Python's Queue.join.
func (q *Queue[T]) Join() {
	failpoints.Hit(failpoints.QueueJoin, q)
	q.mu.Lock()
	for q.unfinished > 0 {
		q.allDone.Wait(&q.mu, "Queue.Join", time.Time{})
	}
	q.mu.Unlock()
}

// UnfinishedTasks returns the count of unfinished tasks: items put and not
// yet marked done with TaskDone.
//
// UnfinishedTasks ports reading Python's Queue.unfinished_tasks.
func (q *Queue[T]) UnfinishedTasks() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unfinished
}

// Shutdown shuts the queue down: from now on every put fails with
// ErrShutDown, and gets return the items left, then fail with ErrShutDown.
// With immediate, the items left are discarded at once, each counted as a
// finished task, and Join callers are woken. Threads blocked in a put, and
// in a get of an empty queue, wake and fail. Shutting down again is
// allowed (and may upgrade to immediate).
//
// Shutdown ports Python 3.13's Queue.shutdown(immediate).
func (q *Queue[T]) Shutdown(immediate bool) {
	failpoints.Hit(failpoints.QueueShutdown, q)
	q.mu.Lock()
	q.shutdown = true
	if immediate {
		// Discard without take: no item is compared, so a priority
		// queue's less is not called here.
		q.unfinished -= min(q.n, q.unfinished)
		clear(q.buf)
		clear(q.pq.items)
		q.buf, q.head, q.n, q.pq.items = q.buf[:0], 0, 0, q.pq.items[:0]
		q.allDone.WakeAll()
	}
	q.notEmpty.WakeAll()
	q.notFull.WakeAll()
	q.mu.Unlock()
}

// IsShutdown reports whether Shutdown was called.
//
// IsShutdown ports reading Python's Queue.is_shutdown.
func (q *Queue[T]) IsShutdown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shutdown
}

// Qsize returns the number of items in the queue. Like Empty and Full, it
// is a snapshot: another thread may change the queue before the caller
// acts on the answer.
//
// Qsize ports Python's Queue.qsize.
func (q *Queue[T]) Qsize() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Empty reports whether the queue holds no item (a snapshot).
//
// Empty ports Python's Queue.empty.
func (q *Queue[T]) Empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n == 0
}

// Full reports whether a bounded queue holds maxsize items or more (a
// snapshot): 0 < maxsize <= Qsize(). An unbounded queue is never full.
//
// Full ports Python's Queue.full.
func (q *Queue[T]) Full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.fullLocked()
}

// Maxsize returns the queue's bound; <= 0 means unbounded.
//
// Maxsize ports reading Python's Queue.maxsize.
func (q *Queue[T]) Maxsize() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.maxsize
}

// SetMaxsize changes the queue's bound (n <= 0: unbounded). Every later
// put reads the new bound; items already in the queue stay. Raising the
// bound (or removing it) wakes the blocked putters, so that they use the
// new room.
//
// SetMaxsize ports assigning Python's Queue.maxsize (which wakes nobody).
func (q *Queue[T]) SetMaxsize(n int) {
	q.mu.Lock()
	old := q.maxsize
	q.maxsize = n
	if old > 0 && (n <= 0 || n > old) {
		q.notFull.WakeAll()
	}
	q.mu.Unlock()
}

// Observe returns the queue's state for a trace line: the number of items
// (out of maxsize when bounded), the unfinished tasks, whether it is shut
// down, and as Waiters the threads blocked in Get, Put and Join.
func (q *Queue[T]) Observe() failpoints.Snapshot {
	q.mu.Lock()
	defer q.mu.Unlock()
	return failpoints.Snapshot{
		Kind:    "Queue",
		State:   q.describe(),
		Waiters: q.notEmpty.Len() + q.notFull.Len() + q.allDone.Len(),
	}
}

// describe is the queue's state as a trace shows it (mu held): "size=2/5
// tasks=3 shutdown".
func (q *Queue[T]) describe() string {
	s := "size=" + strconv.Itoa(q.n)
	if q.maxsize > 0 {
		s += "/" + strconv.Itoa(q.maxsize)
	}
	if q.unfinished != 0 {
		s += " tasks=" + strconv.Itoa(q.unfinished)
	}
	if q.shutdown {
		s += " shutdown"
	}
	return s
}
