package stdlib

import (
	"errors"
	"sync"
)

// cockroach4407 is cockroachdb/cockroach#4407 (see kernels.Cockroach4407).
func cockroach4407(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex // protects stopped, ranAfterStop
	var workers sync.WaitGroup
	stopped, ranAfterStop := false, false
	runWorker := func(f func()) {
		if fixed {
			workers.Add(1)
		}
		g.Go(func() {
			if !fixed {
				workers.Add(1)
			}
			defer workers.Done()
			f()
		})
	}
	runWorker(func() {
		mu.Lock()
		ranAfterStop = ranAfterStop || stopped
		mu.Unlock()
	})
	// Stopper.Stop, called once RunWorker has returned.
	workers.Wait()
	mu.Lock()
	stopped = true
	mu.Unlock()
	if err := g.wait(nil); err != nil {
		return err
	}
	workers.Wait()
	if ranAfterStop {
		return errors.New("a worker ran after Stop returned")
	}
	return nil
}
