package sched

import (
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"
)

// hooks counts the reasons Hit and the blocking layer must leave their fast
// path: active model runs, enabled failpoints, and a pending real-mode
// shutdown. Invariant: hooks == activeRuns + enabledFailpoints +
// (1 if a real-mode shutdown is unwinding daemons), so hooks == 0 proves the
// caller is in real mode with nothing to evaluate.
var hooks atomic.Int64

// managed maps the goroutine id of every live model thread to its thread.
// Invariant: an entry exists exactly while that goroutine runs a model
// thread's body (from its first baton to its exit).
var managed sync.Map // int64 -> *thread

// managedCache holds most entries of managed instead of it: a thread whose
// goroutine id maps to a free slot (gid mod len) is stored there, the
// others in managed. It saves self(), called at every scheduling point,
// a sync.Map lookup, and a run its stores (pool workers keep their ids, so
// their threads find their slot free run after run). Invariant: a thread
// is in at most one of managedCache and managed, in its own slot, exactly
// while managed would hold it.
var managedCache [256]atomic.Pointer[thread]

// manage records th as the thread its goroutine (th.gid) runs.
func manage(th *thread) {
	if !managedCache[uint64(th.gid)%uint64(len(managedCache))].CompareAndSwap(nil, th) {
		managed.Store(th.gid, th)
	}
}

// unmanage ends what manage recorded.
func unmanage(th *thread) {
	if !managedCache[uint64(th.gid)%uint64(len(managedCache))].CompareAndSwap(th, nil) {
		managed.Delete(th.gid)
	}
}

// managedThread returns the thread goroutine gid runs, or nil.
func managedThread(gid int64) *thread {
	// th.gid is written before manage publishes th and never changes.
	if th := managedCache[uint64(gid)%uint64(len(managedCache))].Load(); th != nil && th.gid == gid {
		return th
	}
	if v, ok := managed.Load(gid); ok {
		return v.(*thread)
	}
	return nil
}

// GoID returns the calling goroutine's id. It costs a few nanoseconds
// (github.com/petermattis/goid reads it from the runtime's g struct).
func GoID() int64 { return goid.Get() }

// self returns the model thread the calling goroutine runs, or nil in real
// mode. It is the one place the two modes are told apart.
func self() *thread {
	if hooks.Load() == 0 {
		return nil
	}
	th := managedThread(goid.Get())
	if th == nil {
		noteForeign() // a goroutine started inside a run but not managed by it? (unmanaged.go)
		return nil
	}
	if !th.abandoned() {
		return th
	}
	return nil
}

// InModel reports whether the calling goroutine is a thread of a model run.
func InModel() bool { return self() != nil }

// Active reports whether Hit and the blocking layer must leave their fast
// path: a model run is active, a failpoint is enabled, or a real-mode
// Shutdown is unwinding daemons.
func Active() bool { return hooks.Load() != 0 }

// AddActive adds n to the count behind Active: the failpoints bridge counts
// each failpoint it enabled.
func AddActive(n int64) { hooks.Add(n) }

// Point is a scheduling point named name (a failpoint) with obj's state
// for the calling model thread, and reports true; in real mode it only
// unwinds a daemon thread that a Shutdown is ending, and reports false.
func Point(name string, obj Observable) bool {
	if th := self(); th != nil {
		th.run.point(th, name, obj)
		return true
	}
	checkUnwind()
	return false
}
