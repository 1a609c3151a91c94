package chans

import (
	"fmt"
	"iter"
	gosync "sync"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A Chan is a channel of T values: Go's chan T as a type. Make creates
// one; a nil *Chan is Go's nil channel (Send and Recv block forever, Close
// panics).
//
// In the terminology of the Go memory model, a send on a channel
// "synchronizes before" the completion of the corresponding receive, the
// closing of a channel synchronizes before a receive that returns because
// the channel is closed, and the k'th receive on a channel with capacity C
// synchronizes before the completion of the k+C'th send.
type Chan[T any] struct {
	// Guarded by the package's mu. Invariant: count <= capacity; the
	// buffer holds values in send order; recvq is non-empty only when buf
	// is empty and sendq is non-empty only when buf is full (capacity 0:
	// always full), so a waiting receiver and a waiting sender never
	// coexist; after Close, sendq is empty.
	capacity int
	count    int // values buffered
	head     int // index of the oldest buffered value in ring
	ring     []T // the buffer's storage, a circular FIFO of len capacity
	closed   bool
	recvq    []*entry[T]
	sendq    []*entry[T]

	// entries pools the entries of c's blocked operations, so a parked
	// Send or Recv allocates nothing. Invariant: a pooled entry is zero
	// and in neither queue.
	entries gosync.Pool
}

// An entry is one waiter's case on one channel.
type entry[T any] struct {
	w   *waiter
	idx int // the case's index in its select (0 for Send/Recv)
	val T   // send: the value to send; recv: the value received, written by the firer
}

// newEntry returns an entry of w's case idx on c. mu must be held.
func (c *Chan[T]) newEntry(w *waiter, idx int) *entry[T] {
	e, _ := c.entries.Get().(*entry[T])
	if e == nil {
		e = new(entry[T])
	}
	e.w, e.idx = w, idx
	return e
}

// freeEntry returns e to the pool once no queue holds it and its firer is
// done with it.
func (c *Chan[T]) freeEntry(e *entry[T]) {
	*e = entry[T]{}
	c.entries.Put(e)
}

// Make returns a new channel with the given capacity (0: unbuffered),
// make(chan T, capacity). It panics if capacity is negative.
func Make[T any](capacity int) *Chan[T] {
	if capacity < 0 {
		panic("makechan: size out of range")
	}
	return &Chan[T]{capacity: capacity, ring: make([]T, capacity)}
}

// Send sends v on c, blocking until a receiver takes it (unbuffered) or
// there is room in the buffer: c <- v. A send on a nil channel blocks
// forever; a send on a closed channel panics with an error wrapping
// ErrSendOnClosed, as does a send blocked when c is closed.
func (c *Chan[T]) Send(v T) {
	if sched.Active() {
		sched.Point("chan send", c.observable())
	}
	if c == nil {
		blockForever("chan send (nil chan)")
		return
	}
	mu.Lock()
	if c.closed {
		unlock()
		panic(fmt.Errorf("%w", ErrSendOnClosed))
	}
	if c.trySendLocked(v) {
		unlock()
		return
	}
	w := newWaiter()
	e := c.newEntry(w, 0)
	e.val = v
	c.sendq = append(c.sendq, e)
	w.park(c.opIfModel("send")) // releases mu
	closed := w.closed
	c.freeEntry(e)
	w.release()
	if closed {
		panic(fmt.Errorf("%w", ErrSendOnClosed))
	}
}

// TrySend sends v if that does not block and reports whether it did:
// select { case c <- v: return true; default: return false }. It panics
// if c is closed, as that select does.
func (c *Chan[T]) TrySend(v T) bool {
	return Select(c.CaseSend(v), Default()) == 0
}

// Recv receives a value from c, blocking until one is available: <-c. A
// receive on a closed channel returns the buffered values, then the zero
// value at once. A receive on a nil channel blocks forever.
func (c *Chan[T]) Recv() T {
	v, _ := c.Recv2()
	return v
}

// Recv2 is Recv that also reports whether the value was sent (true) or is
// the zero value because c is closed and drained (false): v, ok := <-c.
func (c *Chan[T]) Recv2() (T, bool) {
	if sched.Active() {
		sched.Point("chan recv", c.observable())
	}
	var v T
	if c == nil {
		blockForever("chan recv (nil chan)")
		return v, false
	}
	mu.Lock()
	if ok, ready := c.tryRecvLocked(&v); ready {
		unlock()
		return v, ok
	}
	w := newWaiter()
	e := c.newEntry(w, 0)
	c.recvq = append(c.recvq, e)
	w.park(c.opIfModel("recv")) // releases mu
	v, ok := e.val, w.ok
	c.freeEntry(e)
	w.release()
	return v, ok
}

// TryRecv receives a value if that does not block: v is the value, ok is
// as for Recv2, and ready reports whether a receive happened at all
// (false: it would have blocked, v is the zero value).
func (c *Chan[T]) TryRecv() (v T, ok, ready bool) {
	ok2 := false
	i := Select(c.CaseRecv(&v, &ok2), Default())
	return v, ok2, i == 0
}

// Close closes c: no more values will be sent; receivers drain the buffer,
// then get the zero value and false; blocked senders panic. It panics with
// an error wrapping ErrCloseOfNil if c is nil and ErrCloseOfClosed if c is
// already closed.
func (c *Chan[T]) Close() {
	if sched.Active() {
		sched.Point("chan close", c.observable())
	}
	if c == nil {
		panic(fmt.Errorf("%w", ErrCloseOfNil))
	}
	mu.Lock()
	if c.closed {
		unlock()
		panic(fmt.Errorf("%w", ErrCloseOfClosed))
	}
	c.closed = true
	// Detach the queues before firing: a fired Send or Recv frees its
	// entry without mu, so no queue may still hold it.
	recvq, sendq := c.recvq, c.sendq
	c.recvq, c.sendq = nil, nil
	for _, e := range recvq {
		if e.w.live() {
			var zero T
			e.val = zero
			e.w.ok = false
			e.w.fire(e.idx)
		}
	}
	for _, e := range sendq {
		if e.w.live() {
			e.w.closed = true
			e.w.fire(e.idx)
		}
	}
	unlock()
}

// Len returns the number of values buffered in c: len(c). 0 for nil.
func (c *Chan[T]) Len() int {
	if c == nil {
		return 0
	}
	mu.Lock()
	defer mu.Unlock()
	return c.count
}

// Cap returns c's buffer capacity: cap(c). 0 for nil.
func (c *Chan[T]) Cap() int {
	if c == nil {
		return 0
	}
	return c.capacity
}

// All returns an iterator over the values received from c until it is
// closed and drained: for v := range c.All() is for v := range c.
func (c *Chan[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := c.Recv2()
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// Observe reports the state a trace shows: "len=1 cap=2", plus " closed".
func (c *Chan[T]) Observe() sched.Snapshot {
	mu.Lock()
	defer mu.Unlock()
	return sched.Snapshot{Kind: "chan", State: c.stateLocked(), Waiters: c.waitersLocked()}
}

func (c *Chan[T]) stateLocked() string {
	s := fmt.Sprintf("len=%d cap=%d", c.count, c.capacity)
	if c.closed {
		s += " closed"
	}
	return s
}

func (c *Chan[T]) waitersLocked() int {
	n := 0
	for _, e := range c.recvq {
		if e.w.live() {
			n++
		}
	}
	for _, e := range c.sendq {
		if e.w.live() {
			n++
		}
	}
	return n
}

// observable is c as a trace step's object; nil for a nil channel (whose
// steps name no object).
func (c *Chan[T]) observable() sched.Observable {
	if c == nil {
		return nil
	}
	return c
}

// op names a blocked operation for deadlock reports. mu must be held.
func (c *Chan[T]) op(what string) string {
	return fmt.Sprintf("chan %s (cap %d, len %d)", what, c.capacity, c.count)
}

// opIfModel is op in a model run, where a deadlock report needs it, and
// "" in real mode, which never shows it (formatting costs more than a
// hand-off).
func (c *Chan[T]) opIfModel(what string) string {
	if !sched.Active() {
		return ""
	}
	return c.op(what)
}

// trySendLocked completes a send of v if a receiver waits or the buffer
// has room. mu must be held and c must not be closed.
func (c *Chan[T]) trySendLocked(v T) bool {
	if e := popLive(&c.recvq); e != nil {
		e.val = v
		e.w.ok = true
		e.w.fire(e.idx)
		return true
	}
	if c.count < c.capacity {
		c.push(v)
		return true
	}
	return false
}

// tryRecvLocked completes a receive into *into if a value is buffered, a
// sender waits, or c is closed; ready is false when it would block. mu
// must be held.
func (c *Chan[T]) tryRecvLocked(into *T) (ok, ready bool) {
	if c.count > 0 {
		*into = c.pop()
		// A buffered send waiting for room takes the freed slot, so the
		// order of values stays the order of sends.
		if e := popLive(&c.sendq); e != nil {
			c.push(e.val)
			e.w.fire(e.idx)
		}
		return true, true
	}
	if e := popLive(&c.sendq); e != nil {
		*into = e.val
		e.w.fire(e.idx)
		return true, true
	}
	if c.closed {
		var zero T
		*into = zero
		return false, true
	}
	return false, false
}

func (c *Chan[T]) push(v T) {
	c.ring[(c.head+c.count)%c.capacity] = v
	c.count++
}

func (c *Chan[T]) pop() T {
	var zero T
	v := c.ring[c.head]
	c.ring[c.head] = zero
	c.head = (c.head + 1) % c.capacity
	c.count--
	return v
}

// popLive removes and returns the oldest entry whose waiter has not fired
// (dropping fired ones), or nil. It shifts the queue down rather than
// reslicing it, so the queue keeps its storage and a steady stream of
// parks does not allocate.
func popLive[T any](q *[]*entry[T]) *entry[T] {
	for len(*q) > 0 {
		e := (*q)[0]
		n := copy(*q, (*q)[1:])
		(*q)[n] = nil
		*q = (*q)[:n]
		if e.w.live() {
			return e
		}
	}
	return nil
}

// removeEntry drops e from q if it is there (a select's case that fired
// elsewhere, or that popLive has not dropped yet).
func removeEntry[T any](q *[]*entry[T], e *entry[T]) {
	for i, x := range *q {
		if x == e {
			n := copy((*q)[i:], (*q)[i+1:]) + i
			(*q)[n] = nil
			*q = (*q)[:n]
			return
		}
	}
}
