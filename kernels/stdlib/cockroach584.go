package stdlib

import "sync"

// cockroach584 is cockroachdb/cockroach#584 (see kernels.Cockroach584).
func cockroach584(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex
	closed := false
	g.Go(func() { // manage
		for range 2 {
			mu.Lock()
			if g.stopped() {
				return
			}
			if closed {
				if fixed {
					mu.Unlock()
				}
				break
			}
			mu.Unlock()
		}
	})
	g.Go(func() { // Stop
		mu.Lock()
		if g.stopped() {
			return
		}
		closed = true
		mu.Unlock()
	})
	g.Go(func() { // a later reader of the gossip state
		mu.Lock()
		if g.stopped() {
			return
		}
		_ = closed
		mu.Unlock()
	})
	return g.wait(func() { unlock(&mu) })
}
