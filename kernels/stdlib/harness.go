package stdlib

import (
	"fmt"
	"sync"
	"time"
)

// group runs a kernel's goroutines, records the first panic of any of them
// as an error, and lets a stopped run be released: after stop is closed,
// release is called repeatedly until every goroutine has returned.
//
// Rule every kernel here keeps so that release is safe: after stop is
// closed, a goroutine that wakes from a blocking call returns at once and
// never unlocks anything, so the only Unlock of a mutex left held by a stuck
// goroutine is release's.
type group struct {
	wg   sync.WaitGroup
	mu   sync.Mutex // protects err
	err  error
	stop <-chan struct{}
}

func newGroup(stop <-chan struct{}) *group { return &group{stop: stop} }

// Go starts f on a new goroutine, turning a panic into the group's error.
func (g *group) Go(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				g.fail(fmt.Errorf("panic: %v", v))
			}
		}()
		f()
	}()
}

func (g *group) fail(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
	}
	g.mu.Unlock()
}

// stopped reports whether the run was stopped; a goroutine checks it after
// each call that could block forever in the buggy kernel.
func (g *group) stopped() bool {
	select {
	case <-g.stop:
		return true
	default:
		return false
	}
}

// wait waits for every goroutine. If stop closes first, it calls release
// (which must be safe to call again) every 100µs until they have all
// returned, and reports ErrTimeout.
func (g *group) wait(release func()) error {
	done := make(chan struct{})
	go func() { g.wg.Wait(); close(done) }()
	select {
	case <-done:
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.err
	case <-g.stop:
	}
	for {
		if release != nil {
			release()
		}
		select {
		case <-done:
			return ErrTimeout
		case <-time.After(100 * time.Microsecond):
		}
	}
}

// unlock frees m if it is held (by a goroutine stuck or gone for good after
// the stop), so that a goroutine blocked in m.Lock can return.
func unlock(m *sync.Mutex) {
	m.TryLock()
	m.Unlock()
}
