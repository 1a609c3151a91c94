package properties_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/properties/internal/broken"
	"pgregory.net/rapid"
)

// rlockAPI is the method set the RLock property uses, so that the real
// primitives.RLock and broken.RLock both plug in.
type rlockAPI interface {
	Acquire()
	TryAcquire() bool
	AcquireTimeout(d time.Duration) bool
	Release()
	IsOwned() bool
	Depth() int
	Observe() failpoints.Snapshot
}

// rlockTimeout is the timeout of the RLock property's AcquireTimeout.
const rlockTimeout = 20 * time.Microsecond

// RLock operations.
const (
	rlAcquire = iota
	rlTryAcquire
	rlAcquireTimeout
	rlRelease
	rlOps
)

// rlockBalance: 2 or 3 threads each run a drawn list of Acquire,
// TryAcquire, AcquireTimeout (false only for a non-owner, and no earlier
// than its timeout) and Release (a Release at depth 0 is a non-owner release)
// against a per-thread model depth. After every step of a thread: Depth()
// is its model depth, IsOwned() is depth > 0, at most one thread has a
// positive depth (holder: a thread taking the lock at depth 0 must find
// no holder), and the snapshot's owner is none exactly when its depth is
// 0. A non-owner Release panics with ErrNotOwner and changes nothing (the
// holder's next check of its own Depth would see the change). Each thread then
// releases what it holds, and at the end nobody owns the lock.
func rlockBalance(rt *rapid.T, cov *interleave.Coverage, mk func() rlockAPI) {
	threads := rapid.IntRange(2, 3).Draw(rt, "threads")
	plans := make([][]int, threads)
	for i := range plans {
		plans[i] = rapid.SliceOfN(rapid.IntRange(0, rlOps-1), 1, 5).Draw(rt, fmt.Sprintf("thread %d ops", i))
	}
	explore(rt, cov, func(v *violations) {
		r := mk()
		depth := make([]int, threads)
		holder := -1
		check := func(i int, step string) {
			if got := r.Depth(); got != depth[i] {
				v.Fatalf("thread %d after %s: RLock.Depth() = %d; want %d", i, step, got, depth[i])
			}
			if got := r.IsOwned(); got != (depth[i] > 0) {
				v.Fatalf("thread %d after %s: RLock.IsOwned() = %v; want %v", i, step, got, depth[i] > 0)
			}
			s := r.Observe()
			locked := strings.HasPrefix(s.State, "locked")
			if (s.Owner == 0) == strings.Contains(s.State, "depth=") || locked != (s.Owner != 0) {
				v.Fatalf("thread %d after %s: RLock.Observe() = owner %d, state %q; want owner none exactly when unlocked, a depth exactly when owned",
					i, step, s.Owner, s.State)
			}
		}
		took := func(i int) {
			if depth[i] == 0 {
				if holder != -1 {
					v.Fatalf("thread %d took the RLock held by thread %d", i, holder)
				}
				holder = i
			}
			depth[i]++
		}
		release := func(i int) {
			if depth[i] == 1 {
				holder = -1
			}
			depth[i]--
			if err := errOf(catchPanic(r.Release)); err != nil {
				v.Fatalf("thread %d: RLock.Release() by the owner (depth %d) panicked with %v; want no panic", i, depth[i]+1, err)
			}
		}
		ths := make([]*primitives.Thread, threads)
		for i, plan := range plans {
			ths[i] = goThread(fmt.Sprintf("t%d", i), func() {
				for _, op := range plan {
					switch {
					case op == rlAcquire:
						r.Acquire()
						took(i)
						check(i, "Acquire")
					case op == rlAcquireTimeout:
						start := sched.Now()
						ok := r.AcquireTimeout(rlockTimeout)
						el := sched.Now().Sub(start)
						switch {
						case ok:
							took(i)
						case depth[i] > 0:
							v.Fatalf("thread %d at depth %d: RLock.AcquireTimeout = false; want true (re-entry)", i, depth[i])
						case el < rlockTimeout:
							v.Fatalf("thread %d: RLock.AcquireTimeout(%v) = false after %v; want no earlier than the timeout", i, rlockTimeout, el)
						}
						check(i, "AcquireTimeout")
					case op == rlTryAcquire:
						ok := r.TryAcquire()
						if depth[i] > 0 && !ok {
							v.Fatalf("thread %d at depth %d: RLock.TryAcquire() = false; want true (re-entry)", i, depth[i])
						}
						if ok {
							took(i)
						}
						check(i, "TryAcquire")
					case depth[i] > 0:
						release(i)
						check(i, "Release")
					default:
						err := errOf(catchPanic(r.Release))
						if !errors.Is(err, primitives.ErrNotOwner) {
							v.Fatalf("thread %d: non-owner RLock.Release() panicked with %v; want ErrNotOwner", i, err)
						}
						check(i, "non-owner Release")
					}
				}
				for depth[i] > 0 {
					release(i)
					check(i, "Release")
				}
			})
		}
		joinAll(ths...)
		if s := r.Observe(); s.Owner != 0 || s.State != "unlocked" {
			v.Fatalf("at the end: RLock.Observe() = owner %d, state %q; want owner 0, state unlocked", s.Owner, s.State)
		}
	})
}

func TestPropRLockBalance(t *testing.T) {
	t.Parallel()
	properties.Check(t, "RLockBalance", func(rt *rapid.T, cov *interleave.Coverage) {
		rlockBalance(rt, cov, func() rlockAPI { return new(primitives.RLock) })
	})
}

// TestCatchesBrokenRLockDepth: an RLock that does not count re-entries
// fails rlockBalance.
func TestCatchesBrokenRLockDepth(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	properties.Demo(t, "CatchesBrokenRLockDepth",
		func(rt *rapid.T) {
			rlockBalance(rt, &interleave.Coverage{}, func() rlockAPI { return new(broken.RLock) })
		},
		func(rt *rapid.T) {
			rlockBalance(rt, &interleave.Coverage{}, func() rlockAPI { return new(primitives.RLock) })
		})
}
