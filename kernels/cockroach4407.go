package kernels

import (
	"errors"

	"github.com/interleave-lab/interleave/sync"
)

// Cockroach4407 is cockroachdb/cockroach#4407 (pull request 4407), an
// order violation on a WaitGroup: Stopper.RunWorker called Add inside the
// goroutine it started, so Stop's Wait could run before the Add and return
// while the worker had yet to start; the worker then ran after Stop had
// returned. (Go documents that an Add with a positive delta at counter
// zero must happen before Wait.)
func Cockroach4407() error { return cockroach4407(false) }

// Cockroach4407Fixed calls Add before starting the goroutine.
func Cockroach4407Fixed() error { return cockroach4407(true) }

func cockroach4407(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects stopped, ranAfterStop
	var workers sync.WaitGroup
	stopped, ranAfterStop := false, false
	runWorker := func(f func()) {
		if fixed {
			workers.Add(1)
		}
		start(&wg, "worker", func() {
			if !fixed {
				workers.Add(1)
			}
			defer workers.Done()
			f()
		})
	}
	runWorker(func() {
		mu.Lock()
		defer mu.Unlock()
		ranAfterStop = ranAfterStop || stopped
	})
	// Stopper.Stop, called once RunWorker has returned.
	workers.Wait()
	mu.Lock()
	stopped = true
	mu.Unlock()
	wg.Wait()
	if ranAfterStop {
		return errors.New("a worker ran after Stop returned")
	}
	return nil
}
