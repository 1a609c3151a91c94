package sched

import (
	"sync"
	"time"
)

// Model threads run on pooled coroutines (coWorkers, coro.go), and the
// runs of a caller locked to its OS thread are driven from pooled
// goroutines (workers): a fresh goroutine starts with a small stack and
// grows it (copying) the first time a thread draws from rapid, which was a
// fifth of the explorer's time. A worker goes back to the pool when its
// function returns, a coroutine worker when its thread ends; a janitor
// retires every idle one of either once the pool has gone unused for
// idleTimeout, so no goroutine outlives a test by more than that (goleak
// retries for longer).
const (
	idleTimeout = 20 * time.Millisecond
	maxIdle     = 64
)

// pool holds idle workers. Invariant: a worker is in idle exactly while it
// waits for work in loop; a worker taken from idle receives exactly one
// function, or its channel is closed by the janitor (never both); janitor
// is true while a janitor goroutine runs, which it does whenever idle or
// coWorkers.idle is not empty.
var pool struct {
	mu      sync.Mutex
	idle    []*worker // guarded by mu
	used    bool      // a worker or coroutine worker was taken since the janitor last looked; guarded by mu
	janitor bool      // guarded by mu
}

type worker struct{ work chan func() }

// goPooled runs fn on an idle worker, or on a new one.
func goPooled(fn func()) {
	pool.mu.Lock()
	pool.used = true
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
	goOwn(w.loop)
}

func (w *worker) loop() {
	for fn := range w.work {
		fn()
		unlabel() // no run's label while idle, in the next run, or on the janitor it starts
		pool.mu.Lock()
		if len(pool.idle) >= maxIdle {
			pool.mu.Unlock()
			return
		}
		pool.idle = append(pool.idle, w)
		startJanitorLocked()
		pool.mu.Unlock()
	}
}

// startJanitorLocked starts the janitor unless one runs: an idle worker of
// either pool (goroutines here, coroutines in coro.go) was just kept.
// pool.mu is held.
func startJanitorLocked() {
	if !pool.janitor {
		pool.janitor = true
		goOwn(janitor)
	}
}

// janitor retires the idle workers after a period of idleTimeout in which
// none was taken.
func janitor() {
	for {
		time.Sleep(idleTimeout)
		pool.mu.Lock()
		if pool.used {
			pool.used = false
			pool.mu.Unlock()
			continue
		}
		for _, w := range pool.idle {
			close(w.work)
		}
		pool.idle = nil
		idle := coWorkers.idle
		coWorkers.idle = nil
		pool.janitor = false
		pool.mu.Unlock()
		for _, w := range idle {
			w.stop() // the coroutine returns from its yield and ends
		}
		return
	}
}
