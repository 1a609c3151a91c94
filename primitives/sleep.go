package primitives

import (
	"fmt"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Sleep pauses the calling thread for at least d. In a model run it takes
// no wall time: the thread sleeps on the virtual clock while others run,
// and Sleep(0) is a plain scheduling point. In real mode a daemon thread
// sleeping through a Shutdown unwinds.
//
// Sleep ports Python's time.sleep; a negative d does not panic (Python
// raises ValueError), it returns at once like Sleep(0).
func Sleep(d time.Duration) {
	sched.Sleep(d)
}

// Shutdown is process exit for threads: it releases the threads joining
// the main thread (while it runs, joining the main thread returns at
// once), waits for every non-daemon thread, then ends every
// daemon thread (each unwinds at its next blocking point, failpoint or
// sleep, running its deferred calls) and waits for it. Afterwards threads
// may be started again.
//
// In real mode it concerns the threads started outside model runs, and it
// is a run-time error to call it from one of them (it would wait for
// itself): it panics with an error wrapping ErrThreadState. In a model run
// it joins the run's other non-daemon threads; the run's daemon threads
// unwind when the run ends.
//
// Concurrent real-mode calls run one after the other.
//
// Shutdown ports what Python's interpreter does at exit
// (threading._shutdown), minus the exit.
func Shutdown() {
	cur := currentThread(false)
	main := MainThread()
	if sched.InModel() {
		main.setExiting(true)
		defer main.setExiting(false)
		for {
			var next *Thread
			for _, t := range Enumerate() {
				if t.kind == kindThread && t != cur && !t.Daemon() {
					next = t
					break
				}
			}
			if next == nil {
				return
			}
			next.Join()
		}
	}
	if cur != nil && cur.kind == kindThread {
		panic(fmt.Errorf("%w: Shutdown called from thread %s, which it would wait for", ErrThreadState, cur.Name()))
	}
	shutdownMu.Lock() // sched.Shutdown must not overlap itself
	defer shutdownMu.Unlock()
	main.setExiting(true)
	defer main.setExiting(false)
	sched.Shutdown()
}

// shutdownMu serializes real-mode Shutdowns.
var shutdownMu sync.Mutex
