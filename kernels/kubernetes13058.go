package kernels

import "github.com/interleave-lab/interleave/sync"

// Kubernetes13058 is kubernetes/kubernetes#13058 (pull request 13058), an
// atomicity violation ending in "sync: negative WaitGroup counter": the
// test deletes a pod (from the store, then as a watch event) while the
// informer relists, and the relist turns every known object missing from
// the store into a DeletedFinalStateUnknown event. When the relist runs
// between the two halves of the delete, the controller's OnDelete handler
// sees the pod deleted twice and calls Done twice.
func Kubernetes13058() error { return kubernetes13058(false) }

// Kubernetes13058Fixed drops the second delete of an object the controller
// no longer knows.
func Kubernetes13058Fixed() error { return kubernetes13058(true) }

func kubernetes13058(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects store, queue
	store := map[string]bool{"pod": true}
	known := map[string]bool{"pod": true} // the controller's view, changed only by the handler
	var queue []string
	start(&wg, "delete", func() {
		mu.Lock()
		delete(store, "pod")
		mu.Unlock()
		mu.Lock()
		queue = append(queue, "pod")
		mu.Unlock()
	})
	start(&wg, "relist", func() {
		mu.Lock()
		defer mu.Unlock()
		for k := range known {
			if !store[k] {
				queue = append(queue, k) // DeletedFinalStateUnknown
			}
		}
	})
	wg.Wait()
	// The controller's processLoop: OnDelete calls Done once per event.
	var deleted sync.WaitGroup
	deleted.Add(1)
	for _, key := range queue {
		if fixed && !known[key] {
			continue
		}
		delete(known, key)
		deleted.Done()
	}
	return nil
}
