package sched

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// A deadlockError is the failure of a run in which no thread can run and
// no timer is pending. It names every live thread, what it holds, what it
// waits on and who holds that, and each cycle of the waits-for graph.
//
// Everything but the threads' locations is read when the deadlock is
// found (run.deadlock), while every thread is still parked: the objects'
// snapshots, their holders, the cycles. The locations need no goroutine
// dump: each parked thread, resumed to unwind (doc.go, "Unwinding"),
// records its own caller PCs in park (captureDeadlock) before it panics,
// its blocking call still on its stack. Every capture happens
// before the run's finished channel is closed, so the error is complete
// when Execute returns; the PCs are symbolized and the text formatted
// once, the first time Error is called.
type deadlockError struct {
	at      time.Duration
	threads []blockedThread // the live threads, in thread order
	cycles  []string        // each cycle of the waits-for graph, as printed

	once sync.Once
	msg  string
}

func (e *deadlockError) Unwrap() error { return ErrDeadlock }

// Error returns the report: a header line, one line per live thread, one
// line per cycle. It is safe to call from any goroutine once Execute has
// returned.
func (e *deadlockError) Error() string {
	e.once.Do(func() {
		var b strings.Builder
		b.Grow(128 * (1 + len(e.threads) + len(e.cycles)))
		b.WriteString(ErrDeadlock.Error())
		b.WriteString(" at ")
		b.WriteString(e.at.String())
		b.WriteString(": no thread can run and no timer is pending")
		for i := range e.threads {
			t := &e.threads[i]
			verb, loc := t.locate()
			b.WriteString("\n  ")
			b.WriteString(t.name)
			if len(t.holds) > 0 {
				b.WriteString(" holds ")
				b.WriteString(andList(t.holds))
				b.WriteString(" and")
			}
			b.WriteString(" ")
			b.WriteString(verb)
			b.WriteString(" ")
			b.WriteString(t.target)
			if loc != "" && t.where {
				b.WriteString(" at ")
				b.WriteString(loc)
			}
			b.WriteString(t.suffix)
		}
		for _, c := range e.cycles {
			b.WriteString("\n  cycle: ")
			b.WriteString(c)
		}
		e.msg = b.String()
	})
	return e.msg
}

// andList joins names as "A", "A and B", "A, B and C".
func andList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// newDeadlock builds the report of a run that can go no further. It runs
// in the thread that found the deadlock, with the baton, while every other
// live thread is parked (no primitive's mutex is held), so it may observe
// every object of the run.
func (r *run) newDeadlock() *deadlockError {
	objs := make([]Observable, len(r.trace.Objects))
	for o, i := range r.objects {
		objs[i] = o
	}
	snaps := make([]Snapshot, len(objs))
	for i, o := range objs {
		snaps[i] = o.Observe()
	}
	e := &deadlockError{at: r.now}
	// next[i] is the thread that thread i waits for (nil: none known),
	// via[i] the object between them ("" for a join): the waits-for graph.
	next := make([]*thread, len(r.threads))
	via := make([]string, len(r.threads))
	for _, th := range r.threads {
		if th.state == done {
			continue
		}
		bt := blockedThread{order: th.order, name: th.name(), target: th.waitOp, where: th.waitOp != opExit}
		for i := range snaps {
			if snaps[i].Owner != 0 && snaps[i].Owner == th.gid {
				bt.holds = append(bt.holds, r.trace.Objects[i].Name)
			}
		}
		if obj := th.waitObj; obj != nil && th.state == blocked && th.waitOp != opExit {
			if i, ok := r.objects[obj]; ok {
				next[th.order], via[th.order] = r.describeWait(&bt, obj, snaps[i], r.trace.Objects[i].Name)
			}
		}
		e.threads = append(e.threads, bt)
	}
	e.cycles = cycles(r.threads, next, via)
	return e
}

// describeWait fills bt's target and suffix for a thread parked on obj
// (snapshot snap, named name) and returns the thread it waits for and the
// object in between, if one is known.
func (r *run) describeWait(bt *blockedThread, obj Observable, snap Snapshot, name string) (*thread, string) {
	op := bt.target
	opKind := op
	if k := strings.IndexAny(op, ". "); k >= 0 {
		opKind = op[:k]
	}
	switch {
	case strings.HasPrefix(op, snap.Kind+" "):
		// The operation describes its object itself: "chan send (cap 0, len 0)".
		return nil, ""
	case snap.Kind == "" || !strings.Contains(snap.Kind, opKind):
		// The operation is not the object's own (a select over several
		// channels): name the operation only.
		return nil, ""
	}
	for _, t := range r.threads {
		if t.info != nil && any(t.info) == any(obj) {
			// A Join waits for the joined thread itself.
			bt.target = t.name() + " (" + op + ")"
			if t.state == done {
				return nil, ""
			}
			return t, ""
		}
	}
	bt.target = name + " (" + op + ")"
	if snap.WaitsFor != "" {
		bt.target += " for " + snap.WaitsFor
	}
	if snap.Owner == 0 {
		if snap.State != "" {
			bt.suffix = ": " + snap.State
		}
		return nil, ""
	}
	for _, t := range r.threads {
		if t.gid != snap.Owner {
			continue
		}
		bt.suffix = ", held by " + t.name()
		if t.state == done {
			bt.suffix += " (ended)"
			return nil, ""
		}
		return t, name
	}
	bt.suffix = fmt.Sprintf(", held by goroutine %d (not a thread of this run)", snap.Owner)
	return nil, ""
}

// cycles returns each cycle of the waits-for graph (every thread waits for
// at most one other) as "T1 → Lock#2 → T2 → Lock#1 → T1", starting at its
// thread of lowest order.
func cycles(threads []*thread, next []*thread, via []string) []string {
	var out []string
	seen := make([]int, len(threads)) // 0: unvisited; else 1 + the walk that visited it
	for _, start := range threads {
		if seen[start.order] != 0 {
			continue
		}
		walk := start.order + 1
		th := start
		for th != nil && seen[th.order] == 0 {
			seen[th.order] = walk
			th = next[th.order]
		}
		if th == nil || seen[th.order] != walk {
			continue // no cycle, or one an earlier walk reported
		}
		// th is on a cycle found by this walk: rotate it to its lowest order.
		low := th
		for o := next[th.order]; o != th; o = next[o.order] {
			if o.order < low.order {
				low = o
			}
		}
		var b strings.Builder
		b.WriteString(low.name())
		for o := low; ; {
			if v := via[o.order]; v != "" {
				b.WriteString(" → ")
				b.WriteString(v)
			}
			o = next[o.order]
			b.WriteString(" → ")
			b.WriteString(o.name())
			if o == low {
				break
			}
		}
		out = append(out, b.String())
	}
	return out
}

// captureDeadlock records where th is parked, for a run that failed with a
// deadlock: th is unwinding out of park, its blocking call still on its
// stack (see deadlockError).
func (r *run) captureDeadlock(th *thread) {
	e, ok := r.failure.(*deadlockError)
	if !ok {
		return
	}
	for i := range e.threads {
		if t := &e.threads[i]; t.order == th.order && t.npcs == 0 {
			t.npcs = runtime.Callers(3, t.pcs[:]) // from park's caller on
			return
		}
	}
}
