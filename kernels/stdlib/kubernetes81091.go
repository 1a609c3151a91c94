package stdlib

import (
	"fmt"
	"sync"
)

// kubernetes81091 is kubernetes/kubernetes#81091 (see kernels.Kubernetes81091).
func kubernetes81091(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex // protects numFilterCalled
	numFilterCalled := 0
	get := func() int { mu.Lock(); defer mu.Unlock(); return numFilterCalled }
	set := func(n int) { mu.Lock(); defer mu.Unlock(); numFilterCalled = n }
	filter := func() { // FakeFilterPlugin.Filter
		if fixed {
			mu.Lock()
			numFilterCalled++
			mu.Unlock()
			return
		}
		set(get() + 1)
	}
	const nodes = 2
	for range nodes { // ParallelizeUntil over the nodes
		g.Go(filter)
	}
	if err := g.wait(nil); err != nil {
		return err
	}
	if n := get(); n != nodes {
		return fmt.Errorf("numFilterCalled = %d; want %d", n, nodes)
	}
	return nil
}
