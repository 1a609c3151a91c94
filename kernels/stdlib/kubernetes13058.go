package stdlib

import (
	"fmt"
	"sync"
)

// kubernetes13058 is kubernetes/kubernetes#13058 (see kernels.Kubernetes13058).
func kubernetes13058(fixed bool, stop <-chan struct{}) (err error) {
	g := newGroup(stop)
	var mu sync.Mutex // protects store and queue
	store := map[string]bool{"pod": true}
	known := map[string]bool{"pod": true} // the controller's view, updated only by processLoop
	var queue []string
	g.Go(func() { // the test deletes the pod: the store first, then the watch event
		mu.Lock()
		delete(store, "pod")
		mu.Unlock()
		mu.Lock()
		queue = append(queue, "pod")
		mu.Unlock()
	})
	g.Go(func() { // a relist: known objects missing from the store are deleted
		mu.Lock()
		for k := range known {
			if !store[k] {
				queue = append(queue, k) // DeletedFinalStateUnknown
			}
		}
		mu.Unlock()
	})
	if err := g.wait(nil); err != nil {
		return err
	}
	// The controller's processLoop: OnDelete calls Done once per event.
	var deleted sync.WaitGroup
	deleted.Add(1)
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	for _, key := range queue {
		if fixed && !known[key] {
			continue // the fix: a second delete of the same object is dropped
		}
		delete(known, key)
		deleted.Done()
	}
	return nil
}
