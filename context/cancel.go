package context

import (
	gocontext "context"
	"time"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
	itime "github.com/interleave-lab/interleave/time"
	gosync "sync"
)

// ctxKey is the Value key under which a cancelCtx returns itself, so that a
// child finds its nearest cancellable ancestor through WithValue layers.
var ctxKey int

// A cancelCtx is a cancellable context: a standard-library cancel context
// (so Done, Cause and standard-library children work as usual) plus a
// chans channel closed on cancellation and the list of this package's
// children, cancelled by the goroutine that cancels the parent.
type cancelCtx struct {
	gocontext.Context // the standard library's WithCancelCause(parent)
	cancelStd         gocontext.CancelCauseFunc
	done              *chans.Chan[struct{}]

	deadline    time.Time
	hasDeadline bool

	mu         gosync.Mutex  // protects the fields below; never held across a scheduling point
	err        error         // nil until canceled
	children   []*cancelCtx  // in creation order, so cancellation replays
	afterFuncs []*afterEntry // registered by AfterFunc, in order
	timer      *itime.Timer  // the deadline's timer, nil for none
	parent     *cancelCtx
}

type afterEntry struct{ f func() }

func newCancelCtx(parent Context) *cancelCtx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	std, cancel := gocontext.WithCancelCause(parent)
	c := &cancelCtx{Context: std, cancelStd: cancel, done: chans.Make[struct{}](0)}
	if p, ok := parent.Value(&ctxKey).(*cancelCtx); ok {
		p.mu.Lock()
		if p.err != nil {
			err := p.err
			p.mu.Unlock()
			c.cancel(err, gocontext.Cause(p))
			return c
		}
		c.parent = p
		p.children = append(p.children, c)
		p.mu.Unlock()
	} else if parent.Done() != nil {
		gocontext.AfterFunc(parent, func() { c.cancel(parent.Err(), gocontext.Cause(parent)) })
	}
	return c
}

// Value returns c itself for ctxKey, else the parent's value.
func (c *cancelCtx) Value(key any) any {
	if key == &ctxKey {
		return c
	}
	return c.Context.Value(key)
}

// Deadline returns the deadline this package set, else the parent's.
func (c *cancelCtx) Deadline() (time.Time, bool) {
	if c.hasDeadline {
		return c.deadline, true
	}
	return c.Context.Deadline()
}

// Err returns Canceled or DeadlineExceeded once c is canceled, else nil.
func (c *cancelCtx) Err() error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return c.Context.Err()
}

// cancel cancels c and its descendants with err (Canceled or
// DeadlineExceeded) and cause (nil: err), in the calling goroutine.
func (c *cancelCtx) cancel(err, cause error) {
	if cause == nil {
		cause = err
	}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	children, afters, timer, parent := c.children, c.afterFuncs, c.timer, c.parent
	c.children, c.afterFuncs, c.timer, c.parent = nil, nil, nil, nil
	c.mu.Unlock()
	c.cancelStd(cause)
	if timer != nil {
		timer.Stop()
	}
	c.done.Close()
	for _, ch := range children {
		ch.cancel(err, cause)
	}
	for _, a := range afters {
		goroutine.Go(a.f)
	}
	if parent != nil {
		parent.removeChild(c)
	}
}

func (c *cancelCtx) removeChild(child *cancelCtx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, ch := range c.children {
		if ch == child {
			c.children = append(c.children[:i], c.children[i+1:]...)
			return
		}
	}
}

// WithCancel returns a derived context whose Done channel (and Done(ctx))
// is closed when the returned cancel function is called or when the
// parent's is, whichever happens first. Canceling releases the resources
// associated with it, so code should call cancel as soon as the operations
// running in this Context complete.
func WithCancel(parent Context) (ctx Context, cancel CancelFunc) {
	c := newCancelCtx(parent)
	return c, func() { c.cancel(Canceled, nil) }
}

// WithCancelCause behaves like WithCancel but returns a CancelCauseFunc:
// calling it with a non-nil error records that error as the cause,
// retrieved with Cause(ctx).
func WithCancelCause(parent Context) (ctx Context, cancel CancelCauseFunc) {
	c := newCancelCtx(parent)
	return c, func(cause error) { c.cancel(Canceled, cause) }
}

// WithDeadline returns a derived context that is canceled no later than d:
// on the virtual clock in a model run. If the parent's deadline is already
// earlier than d, it is semantically equivalent to WithCancel(parent).
func WithDeadline(parent Context, d time.Time) (Context, CancelFunc) {
	return WithDeadlineCause(parent, d, nil)
}

// WithDeadlineCause behaves like WithDeadline but also sets the cause of
// the returned Context when the deadline is exceeded. The returned
// CancelFunc does not set the cause.
func WithDeadlineCause(parent Context, d time.Time, cause error) (Context, CancelFunc) {
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		return WithCancel(parent)
	}
	c := newCancelCtx(parent)
	c.deadline, c.hasDeadline = d, true
	dur := itime.Until(d)
	if dur <= 0 {
		c.cancel(DeadlineExceeded, cause)
		return c, func() { c.cancel(Canceled, nil) }
	}
	c.mu.Lock()
	if c.err == nil {
		c.timer = itime.AfterFunc(dur, func() { c.cancel(DeadlineExceeded, cause) })
	}
	c.mu.Unlock()
	return c, func() { c.cancel(Canceled, nil) }
}

// WithTimeout returns WithDeadline(parent, time.Now().Add(timeout)), on
// the virtual clock in a model run.
func WithTimeout(parent Context, timeout time.Duration) (Context, CancelFunc) {
	return WithDeadline(parent, itime.Now().Add(timeout))
}

// WithTimeoutCause behaves like WithTimeout but also sets the cause of the
// returned Context when the timeout expires.
func WithTimeoutCause(parent Context, timeout time.Duration, cause error) (Context, CancelFunc) {
	return WithDeadlineCause(parent, itime.Now().Add(timeout), cause)
}

// AfterFunc arranges to call f in its own goroutine after ctx is canceled.
// If ctx is already canceled, AfterFunc calls f immediately in its own
// goroutine. Calling the returned stop function stops the association of
// ctx with f; it returns true if the call stopped f from being run.
func AfterFunc(ctx Context, f func()) (stop func() bool) {
	c, ok := ctx.Value(&ctxKey).(*cancelCtx)
	if !ok {
		return gocontext.AfterFunc(ctx, f)
	}
	e := &afterEntry{f: f}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		goroutine.Go(f)
		return func() bool { return false }
	}
	c.afterFuncs = append(c.afterFuncs, e)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, a := range c.afterFuncs {
			if a == e {
				c.afterFuncs = append(c.afterFuncs[:i], c.afterFuncs[i+1:]...)
				return true
			}
		}
		return false
	}
}

// withoutCancel hides the cancellable ancestors from this package's
// children, as the standard library's WithoutCancel hides its own.
type withoutCancel struct{ gocontext.Context }

func (w withoutCancel) Value(key any) any {
	if key == &ctxKey {
		return nil
	}
	return w.Context.Value(key)
}

// WithoutCancel returns a derived context that is not canceled when parent
// is canceled, carries parent's values, and has no deadline.
func WithoutCancel(parent Context) Context {
	return withoutCancel{gocontext.WithoutCancel(parent)}
}

// Done returns a channel that is closed when ctx is canceled: the
// explorer-visible twin of ctx.Done(), to receive from or select on. It is
// nil (a receive blocks forever) for a context that can never be canceled.
func Done(ctx Context) *chans.Chan[struct{}] {
	if c, ok := ctx.Value(&ctxKey).(*cancelCtx); ok && sameDone(ctx, c) {
		return c.done
	}
	if ctx.Done() == nil {
		return nil
	}
	ch := chans.Make[struct{}](0)
	gocontext.AfterFunc(ctx, ch.Close)
	return ch
}

// sameDone reports whether ctx is cancelled exactly when c is (ctx is c or
// a WithValue layer over it).
func sameDone(ctx Context, c *cancelCtx) bool { return ctx.Done() == c.Context.Done() }
