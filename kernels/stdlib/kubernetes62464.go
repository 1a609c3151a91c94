package stdlib

import (
	"sync"
	"sync/atomic"
)

// kubernetes62464 is kubernetes/kubernetes#62464 (see kernels.Kubernetes62464).
func kubernetes62464(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var s sync.RWMutex
	cpuSets := map[string]int{}
	defaultSet := 0
	var readHeld, writeHeld atomic.Bool
	getDefault := func() (int, bool) {
		s.RLock()
		if g.stopped() {
			return 0, false
		}
		v := defaultSet
		s.RUnlock()
		return v, true
	}
	g.Go(func() { // reconcileState -> GetCPUSetOrDefault
		s.RLock()
		readHeld.Store(true)
		v, ok := cpuSets["c"]
		if !ok {
			if fixed {
				v = defaultSet
			} else if v, ok = getDefault(); !ok {
				return
			}
		}
		_ = v
		readHeld.Store(false)
		s.RUnlock()
	})
	g.Go(func() { // RemoveContainer -> SetDefaultCPUSet
		s.Lock()
		if g.stopped() {
			writeHeld.Store(true)
			return
		}
		defaultSet++
		s.Unlock()
	})
	return g.wait(func() {
		if readHeld.Load() { // the reader stuck in its second RLock
			readHeld.Store(false)
			s.RUnlock()
		}
		if writeHeld.Load() { // the writer that got the lock after that
			writeHeld.Store(false)
			s.Unlock()
		}
	})
}
