package kernels

import "github.com/interleave-lab/interleave/sync"

// Kubernetes30872 is kubernetes/kubernetes#30872 (pull request 30872), a
// lock-order inversion in the federation's informer: DeltaFIFO.Pop calls
// the OnAdd handler with the fifo's lock held, and the handler
// (addCluster) takes the federated informer's lock; ClustersSynced holds
// the informer's lock and asks the fifo whether it has synced, which takes
// the fifo's lock.
func Kubernetes30872() error { return kubernetes30872(false) }

// Kubernetes30872Fixed releases the informer's lock before asking the fifo.
func Kubernetes30872Fixed() error { return kubernetes30872(true) }

func kubernetes30872(fixed bool) error {
	var wg sync.WaitGroup
	var fifoMu, informerMu sync.Mutex // informerMu protects clusters
	clusters := 0
	start(&wg, "fifo-pop", func() {
		fifoMu.Lock()
		informerMu.Lock() // OnAdd -> addCluster
		clusters++
		informerMu.Unlock()
		fifoMu.Unlock()
	})
	start(&wg, "clusters-synced", func() {
		informerMu.Lock()
		n := clusters
		if fixed {
			informerMu.Unlock()
		}
		fifoMu.Lock() // DeltaFIFO.HasSynced
		_ = n
		fifoMu.Unlock()
		if !fixed {
			informerMu.Unlock()
		}
	})
	wg.Wait()
	return nil
}
