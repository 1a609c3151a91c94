package broken

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// RLock is a reentrant lock that forgets its depth: a re-entry does not
// count, so the first Release of a nested acquire frees the lock while
// its owner still believes it holds it.
type RLock struct {
	lock  primitives.Lock
	owner atomic.Int64 // goroutine id of the owner, 0 if none
	depth int          // written by the owner only
}

// Acquire takes the lock, or re-enters it without counting (the bug).
func (r *RLock) Acquire() {
	failpoints.Hit(failpoints.RLockAcquire, r)
	me := sched.GoID()
	if r.owner.Load() == me {
		return // forgets to count the re-entry
	}
	r.lock.Acquire()
	r.owner.Store(me)
	r.depth = 1
}

// TryAcquire takes or re-enters the lock if it can without waiting.
func (r *RLock) TryAcquire() bool {
	me := sched.GoID()
	if r.owner.Load() == me {
		return true
	}
	if !r.lock.TryAcquire() {
		return false
	}
	r.owner.Store(me)
	r.depth = 1
	return true
}

// AcquireTimeout takes the lock waiting at most d, or re-enters it
// without counting.
func (r *RLock) AcquireTimeout(d time.Duration) bool {
	me := sched.GoID()
	if r.owner.Load() == me {
		return true
	}
	if !r.lock.AcquireTimeout(d) {
		return false
	}
	r.owner.Store(me)
	r.depth = 1
	return true
}

// Release frees the lock (every level at once, since it counted one).
func (r *RLock) Release() {
	if r.owner.Load() != sched.GoID() {
		panic(primitives.ErrNotOwner)
	}
	failpoints.Hit(failpoints.RLockRelease, r)
	r.depth--
	if r.depth == 0 {
		r.owner.Store(0)
		r.lock.Release()
	}
}

// IsOwned reports whether the calling thread holds the lock.
func (r *RLock) IsOwned() bool { return r.owner.Load() == sched.GoID() }

// Depth returns the caller's recursion depth (0 if it does not own the
// lock).
func (r *RLock) Depth() int {
	if !r.IsOwned() {
		return 0
	}
	return r.depth
}

// Observe returns the lock's state for a trace line: Kind "RLock", its
// owner and (believed) depth.
func (r *RLock) Observe() failpoints.Snapshot {
	s := failpoints.Snapshot{Kind: "RLock", Owner: r.owner.Load()}
	if s.Owner != 0 {
		s.State = "locked depth=" + strconv.Itoa(r.depth)
	}
	return s
}
