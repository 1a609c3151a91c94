package kernels

import "github.com/interleave-lab/interleave/sync"

// Cockroach1055 is cockroachdb/cockroach#1055 (pull request 1055), a
// deadlock between a mutex and a WaitGroup: Stopper.Stop takes the
// stopper's mutex and, holding it, waits on the WaitGroup of running
// tasks; a running task calls StartTask (for a subtask) before it is done,
// and StartTask needs the mutex. Stop never finishes since the task never
// calls Done.
func Cockroach1055() error { return cockroach1055(false) }

// Cockroach1055Fixed waits for the tasks after releasing the mutex.
func Cockroach1055Fixed() error { return cockroach1055(true) }

func cockroach1055(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects draining
	var tasks sync.WaitGroup
	draining := false
	startTask := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return !draining
	}
	tasks.Add(1)
	start(&wg, "task", func() {
		defer tasks.Done()
		startTask()
	})
	start(&wg, "stop", func() { // Stopper.Stop
		mu.Lock()
		draining = true
		if fixed {
			mu.Unlock()
		}
		tasks.Wait()
		if !fixed {
			mu.Unlock()
		}
	})
	wg.Wait()
	return nil
}
