package stdlib

import (
	"errors"
	"sync"
)

// moby29733 is moby/moby#29733 (see kernels.Moby29733).
func moby29733(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex
	activateWait := sync.NewCond(&mu)
	activated := false
	var activateErr error
	g.Go(func() { // Plugin.waitActive
		mu.Lock()
		for !activated && activateErr == nil {
			activateWait.Wait()
			if g.stopped() {
				return
			}
		}
		mu.Unlock()
	})
	g.Go(func() { // Plugin.activate fails to start the plugin
		mu.Lock()
		activateErr = errors.New("plugin not found")
		if fixed {
			activateWait.Broadcast()
		}
		mu.Unlock()
	})
	return g.wait(func() {
		// TryLock: the woken waiter returns holding mu.
		if mu.TryLock() {
			activateWait.Broadcast()
			mu.Unlock()
		}
	})
}
