package sched

import (
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"
)

// ThreadInfo is what the explorer needs to know of a thread object (the
// primitives' Thread): its name, for traces and deadlock reports.
type ThreadInfo interface{ Name() string }

// unwinding is the panic value that unwinds a thread whose run or process
// is ending; the thread's wrapper recovers it, so deferred calls run and
// the goroutine ends without a report. The protocol is in the package doc
// (doc.go, "Unwinding").
type unwinding struct{}

// IsUnwinding reports whether a recovered panic value is the signal that
// unwinds a daemon thread (or every thread of a failed run). A thread
// wrapper that recovers panics must re-panic such a value.
func IsUnwinding(v any) bool { _, ok := v.(unwinding); return ok }

// Spawn is SpawnThread with nothing to call for a thread that never ran.
func Spawn(info ThreadInfo, daemon bool, fn func()) { SpawnThread(info, daemon, fn, nil) }

// SpawnThread starts fn as a new thread. Called from a model thread, the new
// thread belongs to the same run: it waits for the baton, and the call is a
// scheduling point. Called from any other goroutine, it starts a goroutine
// that Shutdown waits for (non-daemon) or unwinds (daemon). fn should
// recover its own panics; Spawn only recovers the unwinding signal. never,
// if not nil, is called in place of fn when a model run ends before the
// new thread first ran, so that the thread object can mark itself finished
// and release its joiners.
func SpawnThread(info ThreadInfo, daemon bool, fn, never func()) {
	if th := self(); th != nil {
		th.run.spawn(th, info, daemon, fn, never)
		return
	}
	realThreads.start(daemon, fn)
}

// Self returns the ThreadInfo of the calling model thread, nil in real mode
// or for a main thread that has none yet (see SetSelf).
func Self() ThreadInfo {
	if th := self(); th != nil {
		return th.info
	}
	return nil
}

// SetSelf sets the ThreadInfo of the calling model thread; the primitives
// use it to give a run's main thread its Thread object. No-op in real mode.
func SetSelf(info ThreadInfo) {
	if th := self(); th != nil {
		th.info = info
	}
}

// Local returns the value stored under key for the calling model run,
// creating it with mk on first use; in real mode it returns nil. The
// primitives keep per-run state in it (the thread registry and counter), so
// a run's thread names and counts do not depend on other runs.
func Local(key any, mk func() any) any {
	th := self()
	if th == nil {
		return nil
	}
	r := th.run
	if r.local == nil {
		r.local = map[any]any{}
	}
	v, ok := r.local[key]
	if !ok {
		v = mk()
		r.local[key] = v
	}
	return v
}

// realThreads tracks the threads started in real mode, so Shutdown can wait
// for the non-daemon ones and unwind the daemon ones.
var realThreads = newRealRegistry()

// realRegistry is read without locks on every real-mode park, sleep and
// stressed failpoint: a lock there would order otherwise unsynchronised
// threads and hide their data races from the race detector.
type realRegistry struct {
	nonDaemon sync.WaitGroup // one count per live non-daemon thread
	daemon    sync.WaitGroup // one count per live daemon thread

	daemons   sync.Map                      // goroutine id -> true, for each live daemon thread
	ndaemons  atomic.Int32                  // entries in daemons; 0 lets a park skip the lookup
	unwind    atomic.Pointer[chan struct{}] // closed while a Shutdown unwinds daemons
	unwinding atomic.Bool                   // a Shutdown is unwinding daemons
	shutdown  sync.Mutex                    // serialises Shutdown calls
}

func newRealRegistry() *realRegistry {
	rr := &realRegistry{}
	ch := make(chan struct{})
	rr.unwind.Store(&ch)
	return rr
}

func (rr *realRegistry) start(daemon bool, fn func()) {
	if daemon {
		rr.daemon.Add(1)
	} else {
		rr.nonDaemon.Add(1)
	}
	go func() {
		id := goid.Get()
		if daemon {
			rr.ndaemons.Add(1)
			rr.daemons.Store(id, true)
		}
		defer func() {
			if daemon {
				rr.daemons.Delete(id)
				rr.ndaemons.Add(-1)
				rr.daemon.Done()
			} else {
				rr.nonDaemon.Done()
			}
		}()
		defer func() {
			if v := recover(); v != nil && !IsUnwinding(v) {
				panic(v)
			}
		}()
		fn()
	}()
}

// daemonUnwind returns a channel that is closed when the calling goroutine
// is a real-mode daemon thread that a Shutdown is unwinding, and nil (never
// ready) otherwise.
func daemonUnwind() <-chan struct{} {
	// A daemon counts itself before it runs its body, so a zero count
	// proves the caller is not one, without the map's lookup.
	if realThreads.ndaemons.Load() == 0 {
		return nil
	}
	if _, ok := realThreads.daemons.Load(goid.Get()); !ok {
		return nil
	}
	return *realThreads.unwind.Load()
}

// checkUnwind panics with the unwinding signal when the caller is a
// real-mode daemon thread and a Shutdown is in progress.
func checkUnwind() {
	if !realThreads.unwinding.Load() {
		return
	}
	if _, ok := realThreads.daemons.Load(goid.Get()); ok {
		panic(unwinding{})
	}
}

// Shutdown is process exit for real-mode threads: it waits for every
// non-daemon thread started outside a model run, then unwinds every daemon
// thread at its next blocking point, failpoint or sleep and waits for it to
// end. Afterwards new threads may be started again.
func Shutdown() {
	rr := realThreads
	rr.shutdown.Lock()
	defer rr.shutdown.Unlock()
	rr.nonDaemon.Wait()
	rr.unwinding.Store(true)
	hooks.Add(1) // daemons in a busy loop of failpoints must notice
	close(*rr.unwind.Load())
	rr.daemon.Wait()
	hooks.Add(-1)
	ch := make(chan struct{})
	rr.unwind.Store(&ch)
	rr.unwinding.Store(false)
}

// Unwinding reports whether the calling thread is being unwound: a thread
// of a model run that failed or ended, or a real-mode daemon thread during
// Shutdown. A primitive uses it to let a dying thread's deferred clean-up
// (a Release of a lock it never got back) pass quietly.
func Unwinding() bool {
	if th := self(); th != nil {
		return th.run.aborting
	}
	if !realThreads.unwinding.Load() {
		return false
	}
	_, ok := realThreads.daemons.Load(goid.Get())
	return ok
}

// AtMainExit registers fn to run in the main thread of the calling model
// run when its body returns (or exits with runtime.Goexit), before the run
// waits for the non-daemon threads: the primitives mark the main Thread
// stopped there, as Python's interpreter does at exit. No-op in real mode.
func AtMainExit(fn func()) {
	if th := self(); th != nil {
		th.run.atMainExit = append(th.run.atMainExit, fn)
	}
}
