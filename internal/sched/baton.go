package sched

import "sync"

// Baton channels are reused across runs: a run of four threads made four,
// a tenth of its allocations. A run gives its threads' batons back once
// every thread ended, unless the watchdog abandoned one (its goroutine may
// still be stuck in user code and must find its own channel, not another
// run's).
//
// Invariant: every channel in batons.free is empty, and no goroutine
// receives from or sends to it until newBaton hands it to a new thread.
var batons struct {
	mu   sync.Mutex
	free []chan struct{} // guarded by mu; at most maxFreeBatons
}

const maxFreeBatons = 256

// newBaton returns an empty baton channel (capacity 1).
func newBaton() chan struct{} {
	batons.mu.Lock()
	if n := len(batons.free); n > 0 {
		c := batons.free[n-1]
		batons.free = batons.free[:n-1]
		batons.mu.Unlock()
		return c
	}
	batons.mu.Unlock()
	return make(chan struct{}, 1)
}

// recycleBatons gives back the batons of a run whose every thread ended:
// each thread's goroutine received its last token before it exited (exit
// hands the baton on, it never waits for it again).
func (r *run) recycleBatons() {
	if r.victim.Load() != nil || r.live != 0 {
		return
	}
	batons.mu.Lock()
	defer batons.mu.Unlock()
	for _, th := range r.threads {
		if th.state != done || len(th.baton) != 0 {
			continue
		}
		if len(batons.free) < maxFreeBatons {
			batons.free = append(batons.free, th.baton)
		}
		th.baton = nil
	}
}
