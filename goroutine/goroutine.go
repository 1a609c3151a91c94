// Package goroutine starts goroutines the explorer manages: Go(f) is the
// go statement, f() run concurrently.
//
// In real mode (outside a model run) Go is a plain go statement. In a model
// run (interleave.Explore, Run, Exhaustive) the goroutine is a managed
// thread of the run: it waits for the baton, its start is a scheduling
// point, and the explorer interleaves it with the others.
//
// # End of a run
//
// A Go program does not wait for its goroutines when main returns; a model
// run does: it ends when the body and every goroutine it started have
// returned. A goroutine still blocked when nothing else can run (a leaked
// goroutine: a send nobody receives, a Wait nobody releases) is therefore
// reported as a deadlock naming it and the operation it is blocked on, which
// is how leaks are found. A goroutine that panics fails the run with the
// trace, as an unrecovered panic kills a Go program.
package goroutine

import (
	"strconv"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Go runs f in a new goroutine: a managed thread named "goroutine-N" (N
// counts the run's goroutines from 1) in a model run, a plain goroutine
// otherwise.
func Go(f func()) { GoNamed("", f) }

// GoNamed is Go with a name for traces and deadlock reports ("worker-2").
// An empty name gets the automatic one.
func GoNamed(name string, f func()) {
	if !sched.InModel() {
		go f()
		return
	}
	if name == "" {
		n := sched.Local(counterKey{}, func() any { return new(int) }).(*int)
		*n++
		name = "goroutine-" + strconv.Itoa(*n)
	}
	sched.Spawn(info(name), false, f)
}

// counterKey keys the per-run goroutine counter in sched.Local.
type counterKey struct{}

// info is the ThreadInfo of a managed goroutine: its name.
type info string

// Name returns the goroutine's name.
func (i info) Name() string { return string(i) }
