package kernels

import (
	"fmt"

	"github.com/interleave-lab/interleave/sync"
)

// Kubernetes81091 is kubernetes/kubernetes#81091 (pull request 81091), a
// lost update: the scheduler's filter plugins run in parallel over the
// nodes (ParallelizeUntil), and the fake filter plugin counts its calls
// with numFilterCalled++ unprotected. The race detector reports the data
// race; here the read and the write are two critical sections (each
// access locked, the increment not), which is the atomicity violation the
// race stands for, and which the explorer can interleave.
func Kubernetes81091() error { return kubernetes81091(false) }

// Kubernetes81091Fixed increments under one lock.
func Kubernetes81091Fixed() error { return kubernetes81091(true) }

func kubernetes81091(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects numFilterCalled
	numFilterCalled := 0
	get := func() int { mu.Lock(); defer mu.Unlock(); return numFilterCalled }
	set := func(n int) { mu.Lock(); defer mu.Unlock(); numFilterCalled = n }
	filter := func() { // FakeFilterPlugin.Filter
		if fixed {
			mu.Lock()
			defer mu.Unlock()
			numFilterCalled++
			return
		}
		set(get() + 1)
	}
	const nodes = 2
	for i := range nodes {
		start(&wg, fmt.Sprintf("filter-%d", i+1), filter)
	}
	wg.Wait()
	if n := get(); n != nodes {
		return fmt.Errorf("numFilterCalled = %d; want %d", n, nodes)
	}
	return nil
}
