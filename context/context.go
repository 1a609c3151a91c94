// Package context is the standard library's context package on the
// explorer's virtual clock: WithTimeout and WithDeadline expire on the
// run's virtual clock inside a model run (interleave.Explore, Run,
// Exhaustive) and on the real clock outside, and cancellation runs in the
// goroutine that cancels, as a sequence of scheduling points.
//
// The types, Background, TODO, WithValue, Cause and the errors are the
// standard library's (aliases), and the contexts this package returns are
// ordinary context.Context values that standard-library code accepts.
//
// # Selecting on cancellation
//
// ctx.Done() is a standard-library channel: a receive from it is invisible
// to the explorer (it cannot tell that a goroutine is blocked on it, and
// cannot make it a select case). Use Done(ctx), a *chans.Chan closed on
// cancellation:
//
//	select {                      switch chans.Select(
//	case <-ctx.Done():                context.Done(ctx).CaseRecv(nil, nil),
//	case v := <-work:                 work.CaseRecv(&v, nil)) {
//	}                             ...
//
// Done(ctx) of a context not derived from this package's (one the standard
// library cancels) is closed by a plain goroutine: fine in real mode, and
// a failure inside a model run, which does not manage that goroutine.
package context

import (
	gocontext "context"
)

// The standard library's types, by alias.
type (
	Context         = gocontext.Context
	CancelFunc      = gocontext.CancelFunc
	CancelCauseFunc = gocontext.CancelCauseFunc
)

// The standard library's errors: Canceled is returned by Context.Err when
// the context is canceled, DeadlineExceeded when its deadline passes.
var (
	Canceled         = gocontext.Canceled
	DeadlineExceeded = gocontext.DeadlineExceeded
)

// Background returns a non-nil, empty Context; it is never canceled, has
// no values, and has no deadline (the standard library's).
func Background() Context { return gocontext.Background() }

// TODO returns a non-nil, empty Context, for when it is unclear which
// Context to use (the standard library's).
func TODO() Context { return gocontext.TODO() }

// WithValue returns a derived context that carries key and val (the
// standard library's).
func WithValue(parent Context, key, val any) Context { return gocontext.WithValue(parent, key, val) }

// Cause returns a non-nil error explaining why c was canceled: the cause
// given to a CancelCauseFunc or a *Cause constructor, else c.Err(); nil if
// c has not been canceled yet (the standard library's; it understands this
// package's contexts).
func Cause(c Context) error { return gocontext.Cause(c) }
