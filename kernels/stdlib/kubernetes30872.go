package stdlib

import "sync"

// kubernetes30872 is kubernetes/kubernetes#30872 (see kernels.Kubernetes30872).
func kubernetes30872(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var fifoMu, informerMu sync.Mutex
	clusters := 0
	g.Go(func() { // DeltaFIFO.Pop calls the OnAdd handler with the fifo locked
		fifoMu.Lock()
		if g.stopped() {
			return
		}
		informerMu.Lock() // addCluster
		if g.stopped() {
			return
		}
		clusters++
		informerMu.Unlock()
		fifoMu.Unlock()
	})
	g.Go(func() { // ClustersSynced asks the fifo whether it has synced
		informerMu.Lock()
		if g.stopped() {
			return
		}
		n := clusters
		if fixed {
			informerMu.Unlock()
		}
		fifoMu.Lock() // HasSynced
		if g.stopped() {
			return
		}
		_ = n
		fifoMu.Unlock()
		if !fixed {
			informerMu.Unlock()
		}
	})
	return g.wait(func() { unlock(&fifoMu); unlock(&informerMu) })
}
