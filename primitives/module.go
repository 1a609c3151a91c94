package primitives

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"

	"github.com/interleave-lab/interleave/internal/sched"
)

// This file holds the threading module's functions (CurrentThread,
// MainThread, Enumerate, ActiveCount, SetTrace, SetProfile, ExceptHook)
// and the registry of live threads behind them.

// A registry is the set of live threads of one world: the process (real
// mode) or one model run, so a run's names, idents and lists do not
// depend on other runs or tests.
//
// Invariant: live holds exactly the main thread, every started Thread that
// has not finished, and every dummy thread whose goroutine has not been
// seen to end; byGID maps the goroutine of each running Thread and dummy
// (and, in real mode, goroutine 1) to it; dummies counts the dummy threads
// in live.
type registry struct {
	model bool

	mu      sync.Mutex
	main    *Thread              // guarded by mu; never nil
	live    map[*Thread]struct{} // guarded by mu
	byGID   map[int64]*Thread    // guarded by mu
	seq     uint64               // guarded by mu; registration order
	count   int                  // guarded by mu; Python's _counter for "Thread-N" and "Dummy-N"
	idents  uint64               // guarded by mu; the last ident given
	dummies int                  // guarded by mu
	trace   TraceFunc            // guarded by mu
	profile TraceFunc            // guarded by mu
}

// newRegistry returns a registry holding only its main thread, which is
// created first so that it comes first in Enumerate and has ident 1.
func newRegistry(model bool) *registry {
	r := &registry{model: model, live: map[*Thread]struct{}{}, byGID: map[int64]*Thread{}}
	r.mainLocked()
	return r
}

// realRegistry is the process's registry, for every thread outside model
// runs.
var realRegistry = newRegistry(false)

// mainGoroutine is the goroutine id of the program's main goroutine, which
// real mode takes as Python's main thread.
const mainGoroutine = 1

type registryKey struct{}

// currentRegistry returns the calling model run's registry, or the
// process's in real mode.
func currentRegistry() *registry {
	if v := sched.Local(registryKey{}, func() any { return newRegistry(true) }); v != nil {
		return v.(*registry)
	}
	return realRegistry
}

// nextCount returns the next value of the automatic-name counter.
func (r *registry) nextCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	return r.count
}

// add lists a thread being started and returns its ident.
func (r *registry) add(t *Thread) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.idents++
	r.addLocked(t)
	return r.idents
}

func (r *registry) addLocked(t *Thread) {
	r.seq++
	t.seq = r.seq
	r.live[t] = struct{}{}
}

// bind records the goroutine a started thread runs on.
func (r *registry) bind(gid int64, t *Thread) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t.gid = gid
	r.byGID[gid] = t
}

// remove unlists a thread that is ending.
func (r *registry) remove(t *Thread) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.live, t)
	if r.byGID[t.gid] == t {
		delete(r.byGID, t.gid)
	}
}

// hooks returns the trace and profile hooks for a thread starting now.
func (r *registry) hooks() (trace, profile TraceFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.trace, r.profile
}

// mainThread returns the world's main thread, creating it on first use.
func (r *registry) mainThread() *Thread {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mainLocked()
}

func (r *registry) mainLocked() *Thread {
	if r.main == nil {
		r.idents++
		m := &Thread{kind: kindMain, class: "_MainThread", name: "MainThread", started: true, ident: r.idents}
		r.addLocked(m)
		if r.model {
			// Python marks the main thread stopped when the interpreter
			// starts to exit: release its joiners when the body returns.
			sched.AtMainExit(func() { m.setExiting(true) })
		} else {
			m.gid = mainGoroutine
			r.byGID[mainGoroutine] = m
		}
		r.main = m
	}
	return r.main
}

// lookup returns the thread of goroutine gid; with create, a goroutine that
// has none gets a dummy thread (as Python's current_thread makes one).
func (r *registry) lookup(gid int64, create bool) *Thread {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.byGID[gid]; t != nil {
		return t
	}
	if !r.model && gid == mainGoroutine {
		return r.mainLocked()
	}
	if !create {
		return nil
	}
	r.count++
	r.idents++
	d := &Thread{
		kind: kindDummy, class: "_DummyThread", name: "Dummy-" + strconv.Itoa(r.count),
		daemon: true, started: true, ident: r.idents, gid: gid,
	}
	r.addLocked(d)
	r.byGID[gid] = d
	r.dummies++
	return d
}

// enumerate lists the live threads in the order they were registered,
// after dropping the dummy threads whose goroutines have ended.
func (r *registry) enumerate() []*Thread {
	r.mu.Lock()
	r.mainLocked()
	if r.dummies > 0 {
		// A dummy registered after mark may belong to a goroutine born
		// after the snapshot: only older dummies can be judged by it.
		mark := r.seq
		r.mu.Unlock()
		alive := liveGoroutines()
		r.mu.Lock()
		for t := range r.live {
			if t.kind == kindDummy && t.seq <= mark && !alive[t.gid] {
				delete(r.live, t)
				if r.byGID[t.gid] == t {
					delete(r.byGID, t.gid)
				}
				r.dummies--
			}
		}
	}
	type entry struct {
		seq uint64
		t   *Thread
	}
	entries := make([]entry, 0, len(r.live))
	for t := range r.live {
		entries = append(entries, entry{t.seq, t})
	}
	r.mu.Unlock()
	slices.SortFunc(entries, func(a, b entry) int { return int(a.seq) - int(b.seq) })
	list := make([]*Thread, len(entries))
	for i, e := range entries {
		list[i] = e.t
	}
	return list
}

// liveGoroutines returns the ids of every goroutine that exists now, read
// from a full goroutine dump (costly: only Enumerate uses it).
func liveGoroutines() map[int64]bool {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	ids := map[int64]bool{}
	for line := range bytes.Lines(buf) {
		rest, ok := bytes.CutPrefix(line, []byte("goroutine "))
		if !ok {
			continue
		}
		if i := bytes.IndexByte(rest, ' '); i > 0 {
			if id, err := strconv.ParseInt(string(rest[:i]), 10, 64); err == nil {
				ids[id] = true
			}
		}
	}
	return ids
}

// currentThread returns the calling thread's Thread; with create false it
// returns nil instead of registering a dummy for a plain goroutine.
func currentThread(create bool) *Thread {
	if sched.InModel() {
		reg := currentRegistry()
		switch info := sched.Self().(type) {
		case *Thread:
			return info
		case nil:
			m := reg.mainThread()
			sched.SetSelf(m)
			return m
		}
		// A thread spawned through sched.Spawn by other code.
		return reg.lookup(sched.GoID(), create)
	}
	return realRegistry.lookup(sched.GoID(), create)
}

// CurrentThread returns the Thread of the calling thread: the Thread that
// Start started it with, the main thread, or, for a goroutine that Thread
// did not start, a dummy thread. A goroutine's dummy thread is created on
// the first call and is the same object on every later call: it is alive,
// a daemon, named "Dummy-N", and joining it panics with ErrThreadState.
// Inside a model run, the run's body is the main thread ("MainThread", not
// a daemon); in real mode the program's main goroutine is. A dummy stays
// registered until an Enumerate finds its goroutine ended.
//
// CurrentThread ports Python's threading.current_thread.
func CurrentThread() *Thread {
	return currentThread(true)
}

// MainThread returns the main thread: always the same object (per model
// run in model mode), named "MainThread", alive, not a daemon, and listed
// by Enumerate. In real mode it stands for the program's main goroutine.
// Joining it waits until a Shutdown runs.
//
// MainThread ports Python's threading.main_thread.
func MainThread() *Thread {
	return currentRegistry().mainThread()
}

// Enumerate returns every live thread, in the order they were registered:
// the main thread, started threads that have not ended, and the dummy
// threads of goroutines that are still running (a dummy whose goroutine
// ended is dropped). In a model run it lists that run's threads only.
//
// Enumerate ports Python's threading.enumerate. Finding ended dummy
// threads takes a full goroutine dump, so it is slow when dummies exist.
func Enumerate() []*Thread {
	return currentRegistry().enumerate()
}

// ActiveCount returns the number of live threads, len(Enumerate()).
//
// ActiveCount ports Python's threading.active_count.
func ActiveCount() int {
	return len(Enumerate())
}

// A TraceFunc is a hook that SetTrace or SetProfile installs in threads.
// It runs in thread t, with event "call" before t's target runs and
// "return" after it ended (returned, called ExitThread or panicked); a
// trace hook also gets "exception" before "return" when the target
// panicked. A panic in a hook is reported like a panic in the target.
//
// Python's hooks are frame-level sys.settrace functions called for every
// call and line; here a thread reports only its target's call and return.
type TraceFunc func(t *Thread, event string)

// SetTrace installs fn as the trace hook of every thread started after the
// call (nil removes it); threads already started keep theirs. In a model
// run it applies to that run's threads only.
//
// SetTrace ports Python's threading.settrace.
func SetTrace(fn TraceFunc) {
	r := currentRegistry()
	r.mu.Lock()
	r.trace = fn
	r.mu.Unlock()
}

// GetTrace returns the hook SetTrace installed, or nil.
//
// GetTrace ports Python's threading.gettrace.
func GetTrace() TraceFunc {
	trace, _ := currentRegistry().hooks()
	return trace
}

// SetProfile installs fn as the profile hook of every thread started after
// the call (nil removes it), like SetTrace; the profile hook gets "call"
// and "return" only.
//
// SetProfile ports Python's threading.setprofile.
func SetProfile(fn TraceFunc) {
	r := currentRegistry()
	r.mu.Lock()
	r.profile = fn
	r.mu.Unlock()
}

// GetProfile returns the hook SetProfile installed, or nil.
//
// GetProfile ports Python's threading.getprofile.
func GetProfile() TraceFunc {
	_, profile := currentRegistry().hooks()
	return profile
}

// ExceptHookArgs is what ExceptHook receives about a thread whose target
// panicked.
type ExceptHookArgs struct {
	Thread *Thread // the thread that panicked
	Value  any     // the value its target panicked with (Python's exc_value)
	Stack  []byte  // the stack at the panic (Python's exc_traceback)
	Err    error   // what Thread.Err returns: a *PanicError wrapping Value
}

// ExceptHook handles a thread's unrecovered panic. It is called in the
// panicking thread, before the thread ends and before its joiners return.
// The default, DefaultExceptHook, prints the panic to stderr; nil means the
// default. If the hook itself panics, "Exception in ExceptHook:" and that
// panic are printed to stderr. Set it while no thread can panic (before
// starting the threads it should see, and back after joining them).
//
// ExceptHook ports Python's threading.excepthook.
var ExceptHook func(args ExceptHookArgs) = DefaultExceptHook

// DefaultExceptHook prints "Exception in thread NAME:", the panic value and
// the stack to stderr. Inside a model run it prints nothing: the panic is
// already a step of the run's trace and (unless the run expects panics) its
// failure, and a property runs and shrinks a failing schedule many times,
// so printing it would repeat the same dump once per run.
//
// DefaultExceptHook ports Python's threading.__excepthook__.
func DefaultExceptHook(args ExceptHookArgs) {
	if sched.InModel() {
		return
	}
	name := "goroutine " + strconv.FormatInt(sched.GoID(), 10)
	if args.Thread != nil {
		name = args.Thread.Name()
	}
	exceptHookMu.Lock()
	defer exceptHookMu.Unlock()
	fmt.Fprintf(exceptHookOutput, "Exception in thread %s:\npanic: %v\n\n%s\n", name, args.Value, args.Stack)
}

var (
	exceptHookMu     sync.Mutex
	exceptHookOutput io.Writer = os.Stderr // guarded by exceptHookMu
)

// invokeExceptHook calls ExceptHook, reporting a panic in the hook itself.
func invokeExceptHook(args ExceptHookArgs) {
	hook := ExceptHook
	if hook == nil {
		hook = DefaultExceptHook
	}
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if sched.IsUnwinding(v) || v == (exitSignal{}) {
			panic(v)
		}
		exceptHookMu.Lock()
		defer exceptHookMu.Unlock()
		fmt.Fprintf(exceptHookOutput, "Exception in ExceptHook:\npanic: %v\n\n%s\n", v, debug.Stack())
	}()
	hook(args)
}
