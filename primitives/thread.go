package primitives

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// A Thread is a thread of control: a target function run on its own
// goroutine, which other threads can wait for with Join.
//
// Create one with NewThread (the zero value is not a usable Thread) and run
// it with Start; a Thread can be started once. CurrentThread and MainThread
// return the Thread objects of threads not started here (the main thread,
// and the "dummy" threads of plain goroutines). A Thread must not be
// copied.
//
// In the terminology of the Go memory model, a call to Start synchronizes
// before the thread's target begins, and the end of the target (its
// return, its ExitThread, or a panic the thread recovered and reported)
// synchronizes before the return of every Join or JoinTimeout that reports
// the thread ended.
//
// Thread ports Python's threading.Thread. The target takes no arguments (a
// closure carries them); a panic in the target is reported through
// ExceptHook and kept in Err instead of being lost; Go cannot kill a
// goroutine, so a daemon thread ends at its next blocking point when its
// model run or the process (Shutdown) ends.
type Thread struct {
	kind  threadKind
	class string // the Python class String prints: "Thread", "Timer", ...
	// foreign: started by StartNewThread, which Python's threading sees as
	// a dummy thread (joining it is an error). Set before Start, then read-only.
	foreign bool

	mu       sync.Mutex
	target   func() // guarded by mu; nil once the thread ran
	name     string // guarded by mu
	daemon   bool   // guarded by mu; never changes once started
	started  bool   // guarded by mu
	finished bool   // guarded by mu; started && !finished means alive
	exiting  bool   // guarded by mu; main thread only: a Shutdown is running, its joiners return
	ident    uint64 // guarded by mu; 0 until started
	err      error  // guarded by mu; what the target panicked with

	// seq orders Enumerate; guarded by reg.mu.
	seq uint64
	// gid is the goroutine the thread runs on (0 until it runs); guarded by reg.mu.
	gid int64

	// joiners holds the threads parked in Join. Invariant: it is empty
	// whenever finished is true (finish wakes every joiner).
	joiners sched.WaitQueue
}

type threadKind uint8

const (
	kindThread threadKind = iota // started by Start
	kindMain                     // the main thread
	kindDummy                    // a goroutine not started by Thread
)

// A ThreadOption configures a Thread made by NewThread.
type ThreadOption func(*threadConfig)

type threadConfig struct {
	name   string
	daemon *bool
}

// WithName names the thread. An empty name gets the automatic one
// ("Thread-N", or "Thread-N (f)" for a target named f). It ports the name
// argument of Python's threading.Thread.
func WithName(name string) ThreadOption {
	return func(c *threadConfig) { c.name = name }
}

// WithDaemon sets the thread's daemon flag. Without it, a thread inherits
// the flag of the thread that creates it. It ports the daemon argument of
// Python's threading.Thread.
func WithDaemon(daemon bool) ThreadOption {
	return func(c *threadConfig) { c.daemon = &daemon }
}

// NewThread returns a thread, not yet started, that will run target. A nil
// target makes a thread that starts, does nothing and ends.
//
// An unnamed thread is called "Thread-N", where N counts the automatic
// names given so far (per model run in model mode, per process otherwise),
// followed by " (f)" where f is the target's short function name: the
// function or method name without its package and receiver ("loop",
// "Run"); a function literal, which Python would call a lambda, is
// "<lambda>". The daemon flag defaults to the creating thread's: a plain
// goroutine's dummy thread is a daemon, the main thread is not.
//
// NewThread ports Python's threading.Thread(target=..., name=..., daemon=...).
func NewThread(target func(), opts ...ThreadOption) *Thread {
	var c threadConfig
	for _, o := range opts {
		o(&c)
	}
	return newThread(target, c, true)
}

// newThread is NewThread; withTarget says whether the automatic name shows
// the target's name (a Timer's does not, as in Python).
func newThread(target func(), c threadConfig, withTarget bool) *Thread {
	t := &Thread{kind: kindThread, class: "Thread", target: target, name: c.name}
	if t.name == "" {
		t.name = fmt.Sprintf("Thread-%d", currentRegistry().nextCount())
		if withTarget && target != nil {
			t.name += " (" + shortFuncName(target) + ")"
		}
	}
	if c.daemon != nil {
		t.daemon = *c.daemon
	} else {
		t.daemon = creatorDaemon()
	}
	return t
}

// shortFuncName returns Python's __name__ for fn: the last element of its
// Go name, without package, receiver, type arguments or the "-fm" of a
// method value; "<lambda>" for a function literal.
func shortFuncName(fn func()) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return "<lambda>"
	}
	name := f.Name()
	name = name[strings.LastIndexByte(name, '/')+1:]
	name = strings.ReplaceAll(name, "[...]", "")
	name = strings.TrimSuffix(name, "-fm")
	parts := strings.Split(name, ".")
	last := parts[len(parts)-1]
	if len(parts) < 2 || last == "" || isClosureName(last) {
		return "<lambda>"
	}
	return last
}

// isClosureName reports whether a name element is one the compiler gives
// a function literal: "func1", "gowrap2", or a bare number ("F.func1.2").
func isClosureName(s string) bool {
	for _, p := range []string{"func", "gowrap", "deferwrap"} {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" && isDigits(rest) {
			return true
		}
	}
	return isDigits(s)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// creatorDaemon is the daemon flag a new thread inherits from the calling
// thread, without registering a dummy thread for a plain goroutine (whose
// dummy would be a daemon).
func creatorDaemon() bool {
	if cur := currentThread(false); cur != nil {
		return cur.Daemon()
	}
	return true
}

// Start starts the thread's activity: it runs the target on a new
// goroutine (a new thread of the model run when called from one).
//
// It is a run-time error to start a thread more than once, even after it
// finished; Start then panics with an error wrapping ErrThreadState.
//
// Start ports Python's Thread.start. Unlike Python's, it does not wait for
// the new thread to begin running: the thread is alive and listed by
// Enumerate from the moment Start registers it until its target ends,
// which for a short target may be before Start returns (in Python too:
// is_alive() right after start() is false if run() already returned).
func (t *Thread) Start() {
	reg := currentRegistry()
	t.mu.Lock()
	if t.started {
		t.mu.Unlock()
		panic(fmt.Errorf("%w: Thread.Start: threads can only be started once", ErrThreadState))
	}
	t.started = true
	daemon := t.daemon
	t.mu.Unlock()
	ident := reg.add(t)
	t.mu.Lock()
	t.ident = ident
	t.mu.Unlock()
	trace, profile := reg.hooks()
	sched.SpawnThread(t, daemon, func() { t.bootstrap(reg, trace, profile) }, t.neverStarted)
	failpoints.Hit(failpoints.ThreadStart, t)
}

// exitSignal is the panic value ExitThread ends a Thread with.
type exitSignal struct{}

// bootstrap is the body of the thread's goroutine: it registers the
// thread, runs the target with the hooks, reports a panic, and always ends
// with finish (joiners woken, registry entry gone).
func (t *Thread) bootstrap(reg *registry, trace, profile TraceFunc) {
	reg.bind(sched.GoID(), t)
	defer t.finish(reg)
	defer func() {
		v := recover()
		switch {
		case v == nil: // returned, or runtime.Goexit
		case v == (exitSignal{}): // ExitThread: a normal end
		case sched.IsUnwinding(v):
			// The run or the process is ending: no report, no hook; the
			// deferred finish runs while the signal keeps unwinding (the
			// protocol: internal/sched's package doc, "Unwinding").
			panic(v)
		default:
			t.panicked(v, debug.Stack())
			t.callHook(trace, "exception")
		}
		t.callHook(trace, "return")
		t.callHook(profile, "return")
	}()
	t.callHook(profile, "call")
	t.callHook(trace, "call")
	t.mu.Lock()
	target := t.target
	t.mu.Unlock()
	if target != nil {
		target()
	}
}

// callHook calls a trace or profile hook; a panic in the hook is reported
// like a panic in the target (if the target did not panic first).
func (t *Thread) callHook(fn TraceFunc, event string) {
	if fn == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			if sched.IsUnwinding(v) || v == (exitSignal{}) {
				panic(v)
			}
			if t.Err() == nil {
				t.panicked(v, debug.Stack())
			}
		}
	}()
	fn(t, event)
}

// panicked records the target's panic in Err and reports it through
// ExceptHook and to the explorer (which fails the model run unless the run
// expects panics).
func (t *Thread) panicked(v any, stack []byte) {
	t.mu.Lock()
	err := &PanicError{Thread: t.name, Value: v, Stack: stack}
	t.err = err
	t.mu.Unlock()
	invokeExceptHook(ExceptHookArgs{Thread: t, Value: v, Stack: stack, Err: err})
	sched.ThreadPanicked(v, stack)
}

// neverStarted is called by the explorer for a thread whose model run
// ended before the thread first ran: it ends the thread as finish does, so
// it is not left alive with its joiners blocked.
func (t *Thread) neverStarted() { t.finish(currentRegistry()) }

// finish marks the thread ended: it leaves the registry (so Enumerate no
// longer lists it), stops being alive, and wakes every joiner. It runs
// whatever ended the thread, and only once.
func (t *Thread) finish(reg *registry) {
	reg.remove(t)
	t.mu.Lock()
	if !t.finished {
		t.finished = true
		t.target = nil // drop what the target references, as Python does
		t.joiners.WakeAll()
	}
	t.mu.Unlock()
}

// Join waits until the thread ends: its target returned, called
// ExitThread, or panicked.
//
// It is a run-time error to join a thread that was not started, the
// calling thread itself, or a dummy thread (the thread of a goroutine that
// Thread did not start, or of one started by StartNewThread, as Python's
// current_thread() in a _thread.start_new_thread thread is a
// _DummyThread); Join then panics with an error wrapping ErrThreadState. Any number of threads may join one thread.
// Joining the main thread waits until a Shutdown runs or, in a model run,
// until the run's body returns (Python's interpreter exit).
//
// Join ports Python's Thread.join().
func (t *Thread) Join() {
	t.join(-1)
}

// JoinTimeout waits at most d for the thread to end and reports whether it
// has ended; with d <= 0 it does not wait. The thread stays alive if it did
// not end in time. Misuse panics as for Join.
//
// JoinTimeout ports Python's Thread.join(timeout) followed by
// is_alive(): Go returns the answer.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	return t.join(max(d, 0))
}

// join waits for the thread; timeout < 0 means no timeout.
func (t *Thread) join(timeout time.Duration) bool {
	t.mu.Lock()
	started, kind, foreign := t.started, t.kind, t.foreign
	t.mu.Unlock()
	switch {
	case kind == kindDummy || foreign:
		panic(fmt.Errorf("%w: Thread.Join: cannot join a dummy thread", ErrThreadState))
	case !started:
		panic(fmt.Errorf("%w: Thread.Join: cannot join thread before it is started", ErrThreadState))
	case currentThread(false) == t:
		panic(fmt.Errorf("%w: Thread.Join: cannot join current thread", ErrThreadState))
	}
	failpoints.Hit(failpoints.ThreadJoin, t)
	var deadline time.Time
	if timeout >= 0 {
		deadline = sched.Deadline(timeout)
	}
	t.mu.Lock()
	for !t.finished && !t.exiting && timeout != 0 {
		if !t.joiners.Wait(&t.mu, "Thread.Join", deadline) {
			break
		}
	}
	ended := t.finished || t.exiting
	t.mu.Unlock()
	return ended
}

// IsAlive reports whether the thread is alive: true from the moment Start
// registers it until its target has ended (returned, panicked or called
// ExitThread, deferred calls run), false before Start and after that, and
// never true again. A thread whose target ends at once may already be
// dead when Start returns; what IsAlive promises right after Start is
// only that it is true while the target has not ended. Join returning
// (or JoinTimeout reporting true) implies IsAlive is false. The main
// thread and dummy threads are always alive.
//
// IsAlive ports Python's Thread.is_alive, which is likewise true from
// start() until run() ends.
func (t *Thread) IsAlive() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.started && !t.finished
}

// Name returns the thread's name. Names need not be unique.
//
// Name ports reading Python's Thread.name.
func (t *Thread) Name() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.name
}

// SetName renames the thread, at any time.
//
// SetName ports assigning Python's Thread.name.
func (t *Thread) SetName(name string) {
	t.mu.Lock()
	t.name = name
	t.mu.Unlock()
}

// Daemon reports whether the thread is a daemon thread: one that process
// exit (Shutdown, or the end of a model run) does not wait for.
//
// Daemon ports reading Python's Thread.daemon.
func (t *Thread) Daemon() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.daemon
}

// SetDaemon sets the daemon flag. It is a run-time error to call it after
// Start (even once the thread ended); it then panics with an error wrapping
// ErrThreadState.
//
// SetDaemon ports assigning Python's Thread.daemon.
func (t *Thread) SetDaemon(daemon bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.started {
		panic(fmt.Errorf("%w: Thread.SetDaemon: cannot set daemon status of active thread", ErrThreadState))
	}
	t.daemon = daemon
}

// Ident returns the thread's identifier: 0 before Start, then a non-zero
// number distinct from every other thread's (among the threads of one model
// run in model mode, where idents count from 1 so runs are reproducible;
// in the whole process otherwise). It is not a goroutine id.
//
// Ident ports Python's Thread.ident (None before start is 0 here).
func (t *Thread) Ident() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ident
}

// Err returns what the thread's target panicked with, as a *PanicError
// (nil if the target returned or called ExitThread, or has not ended). When
// the target panicked with an error e, errors.Is(t.Err(), e) holds;
// otherwise Err().Error() contains the panic value's text. It is
// meaningful once Join returned.
//
// Python has no equivalent: its threading.excepthook sees the exception
// and the thread forgets it.
func (t *Thread) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// String returns the thread as Python's repr shows it, for example
// "<Thread(Thread-1 (loop), started daemon 3)>".
func (t *Thread) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	status := "initial"
	if t.started {
		status = "started"
	}
	if t.finished {
		status = "stopped"
	}
	if t.daemon {
		status += " daemon"
	}
	if t.ident != 0 {
		status += fmt.Sprintf(" %d", t.ident)
	}
	return fmt.Sprintf("<%s(%s, %s)>", t.class, t.name, status)
}

// Observe returns the thread's state for a trace line: new, alive or
// stopped, and as Waiters the number of threads in Join.
func (t *Thread) Observe() failpoints.Snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	state := "new"
	switch {
	case t.finished:
		state = "stopped"
	case t.started:
		state = "alive"
	}
	return failpoints.Snapshot{Kind: "Thread", State: state, Waiters: t.joiners.Len()}
}

// setExiting is the main thread's share of process exit: while a Shutdown
// runs, Join of the main thread returns at once and its joiners wake, as
// Python marks the main thread stopped before it waits for the non-daemon
// threads. The main thread stays alive: the program goes on afterwards.
func (t *Thread) setExiting(exiting bool) {
	t.mu.Lock()
	t.exiting = exiting
	if exiting {
		t.joiners.WakeAll()
	}
	t.mu.Unlock()
}

// A PanicError is the error Thread.Err returns for a thread whose target
// panicked.
type PanicError struct {
	Thread string // the thread's name when it panicked
	Value  any    // the value the target panicked with
	Stack  []byte // the goroutine's stack at the panic
}

// Error returns "thread NAME panicked: VALUE".
func (e *PanicError) Error() string {
	return fmt.Sprintf("thread %s panicked: %v", e.Thread, e.Value)
}

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through a PanicError.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
