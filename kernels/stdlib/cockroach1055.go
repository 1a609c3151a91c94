package stdlib

import "sync"

// cockroach1055 is cockroachdb/cockroach#1055 (see kernels.Cockroach1055).
func cockroach1055(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex
	var tasks sync.WaitGroup
	draining := false
	tasks.Add(1) // a running task
	released := make(chan struct{})
	startTask := func() bool {
		mu.Lock()
		if g.stopped() {
			return false
		}
		ok := !draining
		mu.Unlock()
		return ok
	}
	g.Go(func() { // the running task starts a subtask before it finishes
		startTask()
		tasks.Done()
	})
	g.Go(func() { // Stopper.Stop
		mu.Lock()
		if g.stopped() {
			return
		}
		draining = true
		if fixed {
			mu.Unlock()
		}
		done := make(chan struct{})
		go func() { tasks.Wait(); close(done) }()
		select {
		case <-done:
		case <-stop:
			<-released
			<-done
			return
		}
		if !fixed {
			mu.Unlock()
		}
	})
	err := g.wait(func() {
		unlock(&mu)
		select {
		case <-released:
		default:
			close(released)
		}
	})
	return err
}
