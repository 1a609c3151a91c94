package kernels

import "github.com/interleave-lab/interleave/sync"

// Kubernetes62464 is kubernetes/kubernetes#62464 (pull request 62464), a
// recursive read lock: the CPU manager's GetCPUSetOrDefault holds the
// state's read lock and calls GetDefaultCPUSet, which read-locks again. If
// RemoveContainer's SetDefaultCPUSet asks for the write lock in between,
// the second RLock waits behind the pending writer (Go's RWMutex lets no
// new reader in while a writer waits), and the writer waits for the first
// read lock.
func Kubernetes62464() error { return kubernetes62464(false) }

// Kubernetes62464Fixed reads the default set without locking again.
func Kubernetes62464Fixed() error { return kubernetes62464(true) }

func kubernetes62464(fixed bool) error {
	var wg sync.WaitGroup
	var s sync.RWMutex // protects cpuSets, defaultSet
	cpuSets := map[string]int{}
	defaultSet := 0
	getDefault := func() int {
		s.RLock()
		defer s.RUnlock()
		return defaultSet
	}
	start(&wg, "reconcile", func() { // reconcileState -> GetCPUSetOrDefault
		s.RLock()
		defer s.RUnlock()
		v, ok := cpuSets["c"]
		if !ok {
			if fixed {
				v = defaultSet
			} else {
				v = getDefault()
			}
		}
		_ = v
	})
	start(&wg, "remove-container", func() { // SetDefaultCPUSet
		s.Lock()
		defaultSet++
		s.Unlock()
	})
	wg.Wait()
	return nil
}
