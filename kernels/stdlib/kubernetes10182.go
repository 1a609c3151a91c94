package stdlib

import "sync"

// kubernetes10182 is kubernetes/kubernetes#10182 (see kernels.Kubernetes10182).
func kubernetes10182(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var podStatusesLock sync.Mutex
	podStatusChannel := make(chan bool)
	statuses := map[string]int{}
	setPodStatus := func(pod string) bool {
		podStatusesLock.Lock()
		if g.stopped() {
			return false
		}
		statuses[pod]++
		if fixed {
			podStatusesLock.Unlock()
		}
		select {
		case podStatusChannel <- true:
		case <-stop:
			return false
		}
		if !fixed {
			podStatusesLock.Unlock()
		}
		return true
	}
	g.Go(func() { // statusManager.Start -> syncBatch
		for range 2 {
			select {
			case <-podStatusChannel:
			case <-stop:
				return
			}
			podStatusesLock.Lock() // DeletePodStatus
			if g.stopped() {
				return
			}
			delete(statuses, "a")
			podStatusesLock.Unlock()
		}
	})
	g.Go(func() { setPodStatus("a") })
	g.Go(func() { setPodStatus("b") })
	return g.wait(func() { unlock(&podStatusesLock) })
}
