package kernels

import "github.com/interleave-lab/interleave/sync"

// Cockroach584 is cockroachdb/cockroach#584 (pull request 584), a missing
// Unlock before a break: Gossip.manage locks g.mu at the top of each loop
// iteration (so it cannot defer the Unlock) and breaks out of the loop when
// the gossip has been closed, still holding the lock. Whoever locks g.mu
// next after a Stop that came mid-loop blocks forever.
func Cockroach584() error { return cockroach584(false) }

// Cockroach584Fixed unlocks before breaking.
func Cockroach584Fixed() error { return cockroach584(true) }

func cockroach584(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects closed
	closed := false
	start(&wg, "manage", func() {
		for range 2 {
			mu.Lock()
			if closed {
				if fixed {
					mu.Unlock()
				}
				break
			}
			mu.Unlock()
		}
	})
	start(&wg, "stop", func() {
		mu.Lock()
		closed = true
		mu.Unlock()
	})
	start(&wg, "reader", func() { // a later reader of the gossip state
		mu.Lock()
		_ = closed
		mu.Unlock()
	})
	wg.Wait()
	return nil
}
