package interleave_test

import (
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"pgregory.net/rapid"
)

// Toy primitives built straight on the blocking layer, so the explorer is
// tested without the primitives package.

const (
	fpRead  = "github.com/interleave-lab/interleave/failpoints/toy-read"
	fpWrite = "github.com/interleave-lab/interleave/failpoints/toy-write"
	fpStep  = "github.com/interleave-lab/interleave/failpoints/toy-step"
)

type toyThread string

func (n toyThread) Name() string { return string(n) }

// toyLock is a plain lock: no owner, nested acquire deadlocks.
type toyLock struct {
	mu     sync.Mutex
	locked bool
	q      sched.WaitQueue
}

func (l *toyLock) Acquire() {
	failpoints.Hit(fpStep, l)
	l.mu.Lock()
	for l.locked {
		l.q.Wait(&l.mu, "toyLock.Acquire", time.Time{})
	}
	l.locked = true
	l.mu.Unlock()
}

func (l *toyLock) Release() {
	l.mu.Lock()
	l.locked = false
	l.q.WakeOne()
	l.mu.Unlock()
	failpoints.Hit(fpStep, l)
}

func (l *toyLock) Observe() failpoints.Snapshot {
	return failpoints.Snapshot{Kind: "toyLock", State: map[bool]string{false: "unlocked", true: "locked"}[l.locked], Waiters: l.q.Len()}
}

// toyGroup lets main wait for n threads.
type toyGroup struct {
	mu sync.Mutex
	n  int
	q  sched.WaitQueue
}

func (g *toyGroup) Go(name string, fn func()) {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
	sched.Spawn(toyThread(name), false, func() {
		defer func() {
			g.mu.Lock()
			g.n--
			if g.n == 0 {
				g.q.WakeAll()
			}
			g.mu.Unlock()
		}()
		fn()
	})
}

func (g *toyGroup) Wait() {
	g.mu.Lock()
	for g.n > 0 {
		g.q.Wait(&g.mu, "toyGroup.Wait", time.Time{})
	}
	g.mu.Unlock()
}

// lostUpdate is the two-thread read, failpoint, write counter.
func lostUpdate(threads int) (body func(), counter *int) {
	counter = new(int)
	return func() {
		*counter = 0
		var g toyGroup
		for i := range threads {
			g.Go("T"+string(rune('1'+i)), func() {
				v := *counter
				failpoints.Hit(fpRead, nil)
				*counter = v + 1
			})
		}
		g.Wait()
	}, counter
}

// huntRounds hunts prop in up to 5 rounds of rapid's budget, so a test
// asserting a find keeps its budget under -short (where rapid runs a
// fifth of -rapid.checks). Round k makes k leading draws that prop never
// sees, so it explores other schedules under the same seed. It returns the
// result and the prop of the round that found (for a replay).
func huntRounds(t *testing.T, prop func(*rapid.T)) (interleave.HuntResult, func(*rapid.T)) {
	t.Helper()
	var res interleave.HuntResult
	p := prop
	for k := range 5 {
		p = func(rt *rapid.T) {
			for range k {
				rapid.Uint64().Draw(rt, "round")
			}
			prop(rt)
		}
		if res = interleave.Hunt(t, p); res.Found {
			break
		}
	}
	return res, p
}
