package chans

import (
	"fmt"
	"strings"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A Case is one case of a Select: a send (Chan.CaseSend), a receive
// (Chan.CaseRecv) or the default case (Default).
type Case struct {
	op   caseOp // nil for the default case
	send bool
}

// caseOp is what Select needs of a case's channel, whatever its element
// type. Every method but isNil is called with mu held.
type caseOp interface {
	isNil() bool
	ready(send bool) bool
	// commit completes a ready case; for a send on a closed channel it
	// returns ErrSendOnClosed instead.
	commit(send bool) error
	enqueue(send bool, w *waiter, idx int)
	dequeue(send bool, w *waiter)
	finish(send bool, w *waiter) // store a fired receive's ok
	describe(send bool) string
	observable() sched.Observable
}

type chanCase[T any] struct {
	c    *Chan[T]
	v    T     // send: the value
	into *T    // recv: where the value goes, may be nil
	ok   *bool // recv: where ok goes, may be nil
	tmp  T     // recv target when into is nil
}

// CaseSend returns the select case "case c <- v". A send case on a closed
// channel is ready, and Select panics if it chooses it, as Go's does; on
// a nil channel the case is never ready.
func (c *Chan[T]) CaseSend(v T) Case { return Case{op: &chanCase[T]{c: c, v: v}, send: true} }

// CaseRecv returns the select case "case *into, *ok = <-c"; into and ok
// may be nil to drop the value or the flag. On a nil channel the case is
// never ready.
func (c *Chan[T]) CaseRecv(into *T, ok *bool) Case {
	return Case{op: &chanCase[T]{c: c, into: into, ok: ok}}
}

// Default returns the default case: Select returns its index at once when
// no other case is ready.
func Default() Case { return Case{} }

// Select is Go's select statement: it waits until one of the cases can
// proceed, performs it, and returns its index. With several ready cases it
// picks one uniformly at random in real mode, and by a scheduling choice in
// a model run (replayed and shrunk towards the first ready case). With a
// Default case it never blocks. Select() with no case blocks forever, as
// select {} does. It panics if cases hold more than one Default, or if it
// chooses a send on a closed channel (an error wrapping ErrSendOnClosed).
func Select(cases ...Case) int {
	dflt := -1
	for i, cs := range cases {
		if cs.op == nil {
			if dflt >= 0 {
				panic("chans: Select: multiple defaults")
			}
			dflt = i
		}
	}
	if sched.Active() {
		var obj sched.Observable
		for _, cs := range cases {
			if cs.op != nil && !cs.op.isNil() {
				obj = cs.op.observable()
				break
			}
		}
		sched.Point("select", obj)
	}
	mu.Lock()
	var readyBuf [8]int
	ready := readyBuf[:0]
	for i, cs := range cases {
		if cs.op != nil && !cs.op.isNil() && cs.op.ready(cs.send) {
			ready = append(ready, i)
		}
	}
	if len(ready) > 0 {
		i := ready[0]
		if len(ready) > 1 {
			// Choose only asks the strategy (it never switches threads),
			// so it may run with mu held.
			i = ready[sched.Choose(len(ready))]
		}
		err := cases[i].op.commit(cases[i].send)
		unlock()
		if err != nil {
			panic(err)
		}
		return i
	}
	if dflt >= 0 {
		unlock()
		return dflt
	}
	w := newWaiter()
	var descs []string
	model := sched.Active()
	for i, cs := range cases {
		if cs.op != nil && !cs.op.isNil() {
			cs.op.enqueue(cs.send, w, i)
			if model {
				descs = append(descs, cs.op.describe(cs.send))
			}
		}
	}
	op := "" // real mode never shows it
	if model {
		op = "select (no cases)"
		if len(descs) > 0 {
			op = "select (" + strings.Join(descs, ", ") + ")"
		}
	}
	w.park(op)
	for _, cs := range cases {
		if cs.op != nil && !cs.op.isNil() {
			cs.op.dequeue(cs.send, w)
		}
	}
	i := w.fired
	cases[i].op.finish(cases[i].send, w)
	closed := w.closed
	unlock()
	if closed {
		panic(fmt.Errorf("%w", ErrSendOnClosed))
	}
	return i
}

func (k *chanCase[T]) isNil() bool                  { return k.c == nil }
func (k *chanCase[T]) observable() sched.Observable { return k.c }

func (k *chanCase[T]) ready(send bool) bool {
	c := k.c
	if send {
		return c.closed || c.count < c.capacity || hasLive(c.recvq)
	}
	return c.count > 0 || c.closed || hasLive(c.sendq)
}

func (k *chanCase[T]) target() *T {
	if k.into != nil {
		return k.into
	}
	return &k.tmp
}

func (k *chanCase[T]) commit(send bool) error {
	if send {
		if k.c.closed {
			return fmt.Errorf("%w", ErrSendOnClosed)
		}
		k.c.trySendLocked(k.v)
		return nil
	}
	ok, _ := k.c.tryRecvLocked(k.target())
	if k.ok != nil {
		*k.ok = ok
	}
	return nil
}

func (k *chanCase[T]) enqueue(send bool, w *waiter, idx int) {
	if send {
		k.c.sendq = append(k.c.sendq, &entry[T]{w: w, idx: idx, val: k.v})
	} else {
		k.c.recvq = append(k.c.recvq, &entry[T]{w: w, idx: idx, into: k.target()})
	}
}

func (k *chanCase[T]) dequeue(send bool, w *waiter) {
	if send {
		removeWaiter(&k.c.sendq, w)
	} else {
		removeWaiter(&k.c.recvq, w)
	}
}

func (k *chanCase[T]) finish(send bool, w *waiter) {
	if !send && k.ok != nil {
		*k.ok = w.ok
	}
}

func (k *chanCase[T]) describe(send bool) string {
	if send {
		return k.c.op("send")
	}
	return k.c.op("recv")
}

// hasLive reports whether q holds an entry whose waiter has not fired.
func hasLive[T any](q []*entry[T]) bool {
	for _, e := range q {
		if e.w.fired < 0 {
			return true
		}
	}
	return false
}
