package sync

import (
	"sync/atomic"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Once is an object that will perform exactly one action. The zero value is
// ready to use.
//
// A Once must not be copied after first use.
//
// In the terminology of the Go memory model, the return from f
// "synchronizes before" the return from any call of once.Do(f).
//
// In a model run Do is a scheduling point, and a Do that waits for another
// goroutine's f parks on the Once's Mutex ("Mutex.Lock").
type Once struct {
	done atomic.Bool // set after f returned (or panicked): the fast path
	m    Mutex       // held while f runs
}

// Do calls the function f if and only if Do is being called for the first
// time for this instance of Once. In other words, given
//
//	var once Once
//
// if once.Do(f) is called multiple times, only the first call will invoke
// f, even if f has a different value in each invocation. A new instance of
// Once is required for each function to execute.
//
// Because no call to Do returns until the one call to f returns, if f
// causes Do to be called, it will deadlock (and the explorer reports it).
//
// If f panics, Do considers it to have returned; future calls of Do return
// without calling f.
func (o *Once) Do(f func()) {
	if sched.Active() {
		sched.Point("Once.Do", o)
	}
	if o.done.Load() {
		return
	}
	o.doSlow(f)
}

func (o *Once) doSlow(f func()) {
	o.m.Lock()
	defer o.m.Unlock()
	if !o.done.Load() {
		defer o.done.Store(true)
		f()
	}
}

// Observe reports what a trace shows of o: whether its function ran.
func (o *Once) Observe() sched.Snapshot {
	s := sched.Snapshot{Kind: "Once", State: "not done"}
	if o.done.Load() {
		s.State = "done"
	}
	return s
}
