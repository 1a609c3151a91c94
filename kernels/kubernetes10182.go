package kernels

import (
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// Kubernetes10182 is kubernetes/kubernetes#10182 (pull request 10182), a
// deadlock between a lock and a channel: the kubelet's statusManager
// SetPodStatus sends on the unbuffered podStatusChannel while it holds
// podStatusesLock, and the sync loop that receives from the channel takes
// podStatusesLock (DeletePodStatus) between two receives. A second
// SetPodStatus holding the lock waits for the loop, which waits for the
// lock.
func Kubernetes10182() error { return kubernetes10182(false) }

// Kubernetes10182Fixed sends after releasing the lock.
func Kubernetes10182Fixed() error { return kubernetes10182(true) }

func kubernetes10182(fixed bool) error {
	var wg sync.WaitGroup
	var podStatusesLock sync.Mutex // protects statuses
	podStatusChannel := chans.Make[bool](0)
	statuses := map[string]int{}
	setPodStatus := func(pod string) {
		podStatusesLock.Lock()
		statuses[pod]++
		if fixed {
			podStatusesLock.Unlock()
		}
		podStatusChannel.Send(true)
		if !fixed {
			podStatusesLock.Unlock()
		}
	}
	start(&wg, "sync-batch", func() { // statusManager.Start -> syncBatch
		for range 2 {
			podStatusChannel.Recv()
			podStatusesLock.Lock() // DeletePodStatus
			delete(statuses, "a")
			podStatusesLock.Unlock()
		}
	})
	start(&wg, "set-a", func() { setPodStatus("a") })
	start(&wg, "set-b", func() { setPodStatus("b") })
	wg.Wait()
	return nil
}
