package stdlib

import "sync"

// serving3068 is knative/serving#3068 (see kernels.Serving3068).
func serving3068(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.RWMutex // protects shut (the fix)
	shut := false
	work := make(chan func(), 2)
	goFn := func(f func()) { // impl.Go
		if fixed {
			mu.RLock()
			defer mu.RUnlock()
			if shut {
				return
			}
		}
		work <- f
	}
	g.Go(func() { goFn(func() {}) })
	g.Go(func() { // Shutdown
		if fixed {
			mu.Lock()
			defer mu.Unlock()
			shut = true
		}
		close(work)
	})
	return g.wait(nil)
}
