package kernels

import (
	"errors"

	"github.com/interleave-lab/interleave/sync"
)

// Moby29733 is moby/moby#29733 (pull request 29733), a Wait with no
// Signal: Plugin.waitActive waits on the plugin's condition variable until
// the plugin is activated or has failed, and the activation's error path
// records the error without broadcasting, so a waiter that started
// waiting before the failure sleeps forever.
func Moby29733() error { return moby29733(false) }

// Moby29733Fixed broadcasts on the error path too.
func Moby29733Fixed() error { return moby29733(true) }

func moby29733(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects activated, activateErr
	activateWait := sync.NewCond(&mu)
	activated := false
	var activateErr error
	start(&wg, "wait-active", func() {
		mu.Lock()
		defer mu.Unlock()
		for !activated && activateErr == nil {
			activateWait.Wait()
		}
	})
	start(&wg, "activate", func() { // the plugin fails to start
		mu.Lock()
		defer mu.Unlock()
		activateErr = errors.New("plugin not found")
		if fixed {
			activateWait.Broadcast()
		}
	})
	wg.Wait()
	return nil
}
