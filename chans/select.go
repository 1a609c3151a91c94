package chans

import (
	"fmt"
	"strings"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A Case is one case of a Select: a send (Chan.CaseSend), a receive
// (Chan.CaseRecv) or the default case (Default). A receive case costs no
// allocation (its channel and target are pointers), so a Select on the
// ready path allocates no more than a send's value needs to be boxed.
type Case struct {
	ch   caseOp // the channel; nil for the default case
	send bool
	val  any   // send: the value
	into any   // recv: the *T the value goes to, or nil
	ok   *bool // recv: where ok goes, or nil
}

// caseOp is what Select needs of a case's channel, whatever its element
// type (implemented by *Chan[T]). Every method but isNil is called with
// mu held.
type caseOp interface {
	isNil() bool
	readyFor(send bool) bool
	// commit completes a ready case; for a send on a closed channel it
	// returns ErrSendOnClosed instead.
	commit(cs Case) error
	// enqueue queues w's case idx and returns its entry for finish.
	enqueue(cs Case, w *waiter, idx int) any
	// finish ends the case of entry e once w has fired: it removes e from
	// its queue if it is still there, stores the value of a receive that
	// fired, and frees e.
	finish(cs Case, e any, fired bool)
	describe(send bool) string
	observable() sched.Observable
}

// CaseSend returns the select case "case c <- v". A send case on a closed
// channel is ready, and Select panics if it chooses it, as Go's does; on
// a nil channel the case is never ready.
func (c *Chan[T]) CaseSend(v T) Case { return Case{ch: c, send: true, val: v} }

// CaseRecv returns the select case "case *into, *ok = <-c"; into and ok
// may be nil to drop the value or the flag. On a nil channel the case is
// never ready.
func (c *Chan[T]) CaseRecv(into *T, ok *bool) Case {
	cs := Case{ch: c, ok: ok}
	if into != nil {
		cs.into = into
	}
	return cs
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
		if cs.ch == nil {
			if dflt >= 0 {
				panic("chans: Select: multiple defaults")
			}
			dflt = i
		}
	}
	if sched.Active() {
		var obj sched.Observable
		for _, cs := range cases {
			if cs.ch != nil && !cs.ch.isNil() {
				obj = cs.ch.observable()
				break
			}
		}
		sched.Point("select", obj)
	}
	mu.Lock()
	var readyBuf [8]int
	ready := readyBuf[:0]
	for i, cs := range cases {
		if cs.ch != nil && !cs.ch.isNil() && cs.ch.readyFor(cs.send) {
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
		err := cases[i].ch.commit(cases[i])
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
	var entBuf [4]any
	ents := entBuf[:0]
	for i, cs := range cases {
		var e any // ents[i] is case i's entry, nil for the default case and a nil channel
		if cs.ch != nil && !cs.ch.isNil() {
			e = cs.ch.enqueue(cs, w, i)
			if model {
				descs = append(descs, cs.ch.describe(cs.send))
			}
		}
		ents = append(ents, e)
	}
	op := "" // real mode never shows it
	if model {
		op = "select (no cases)"
		if len(descs) > 0 {
			op = "select (" + strings.Join(descs, ", ") + ")"
		}
	}
	w.park(op) // releases mu
	mu.Lock()
	i := w.fired
	for j, cs := range cases {
		if ents[j] != nil {
			cs.ch.finish(cs, ents[j], j == i)
		}
	}
	if cs := cases[i]; !cs.send && cs.ok != nil {
		*cs.ok = w.ok
	}
	closed := w.closed
	w.release()
	unlock()
	if closed {
		panic(fmt.Errorf("%w", ErrSendOnClosed))
	}
	return i
}

func (c *Chan[T]) isNil() bool { return c == nil }

func (c *Chan[T]) readyFor(send bool) bool {
	if send {
		return c.closed || c.count < c.capacity || hasLive(c.recvq)
	}
	return c.count > 0 || c.closed || hasLive(c.sendq)
}

func (c *Chan[T]) commit(cs Case) error {
	if cs.send {
		if c.closed {
			return fmt.Errorf("%w", ErrSendOnClosed)
		}
		c.trySendLocked(cs.val.(T))
		return nil
	}
	var tmp T
	into := &tmp
	if cs.into != nil {
		into = cs.into.(*T)
	}
	ok, _ := c.tryRecvLocked(into)
	if cs.ok != nil {
		*cs.ok = ok
	}
	return nil
}

func (c *Chan[T]) enqueue(cs Case, w *waiter, idx int) any {
	e := c.newEntry(w, idx)
	if cs.send {
		e.val = cs.val.(T)
		c.sendq = append(c.sendq, e)
	} else {
		c.recvq = append(c.recvq, e)
	}
	return e
}

func (c *Chan[T]) finish(cs Case, e any, fired bool) {
	ent := e.(*entry[T])
	if cs.send {
		removeEntry(&c.sendq, ent)
	} else {
		removeEntry(&c.recvq, ent)
		if into, _ := cs.into.(*T); fired && into != nil {
			*into = ent.val
		}
	}
	c.freeEntry(ent)
}

func (c *Chan[T]) describe(send bool) string {
	if send {
		return c.op("send")
	}
	return c.op("recv")
}

// hasLive reports whether q holds an entry whose waiter has not fired.
func hasLive[T any](q []*entry[T]) bool {
	for _, e := range q {
		if e.w.live() {
			return true
		}
	}
	return false
}
