package failpoints

import (
	"sync"
	"time"
)

// Model threads run on pooled goroutines: a fresh goroutine starts with a
// small stack and grows it (copying) the first time a thread draws from
// rapid, which was a fifth of the explorer's time. A worker goes back to
// the pool when its thread ends and exits after idleTimeout unused, so no
// goroutine outlives a test by more than that (goleak retries for longer).
const (
	idleTimeout = 20 * time.Millisecond
	maxIdle     = 64
)

// pool holds idle workers. Invariant: a worker is in idle exactly while it
// waits in loop's select with no work, and a worker removed from idle by
// goPooled receives exactly one function on its work channel.
var pool struct {
	mu   sync.Mutex
	idle []*worker // guarded by mu
}

type worker struct{ work chan func() }

// goPooled runs fn on an idle worker, or on a new one.
func goPooled(fn func()) {
	pool.mu.Lock()
	if n := len(pool.idle); n > 0 {
		w := pool.idle[n-1]
		pool.idle = pool.idle[:n-1]
		pool.mu.Unlock()
		w.work <- fn
		return
	}
	pool.mu.Unlock()
	w := &worker{work: make(chan func(), 1)}
	w.work <- fn
	go w.loop()
}

func (w *worker) loop() {
	timer := time.NewTimer(idleTimeout)
	defer timer.Stop()
	for fn := range w.work {
		fn()
		pool.mu.Lock()
		if len(pool.idle) >= maxIdle {
			pool.mu.Unlock()
			return
		}
		pool.idle = append(pool.idle, w)
		pool.mu.Unlock()
		timer.Reset(idleTimeout)
		select {
		case next := <-w.work:
			w.work <- next // handled by the range on the next iteration
		case <-timer.C:
			if !w.leaveIdle() {
				continue // goPooled took w just now: its work is on the way
			}
			return
		}
	}
}

// leaveIdle removes w from the idle list, and reports false if it was no
// longer there (goPooled has taken it).
func (w *worker) leaveIdle() bool {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for i, o := range pool.idle {
		if o == w {
			pool.idle = append(pool.idle[:i], pool.idle[i+1:]...)
			return true
		}
	}
	return false
}
