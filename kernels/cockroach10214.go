package kernels

import "github.com/interleave-lab/interleave/sync"

// Cockroach10214 is cockroachdb/cockroach#10214 (pull request 10214), a
// lock-order inversion: Replica.tick holds raftMu and, to coalesce a
// heartbeat, takes the store's coalescedMu; Store.sendQueuedHeartbeats
// holds coalescedMu and takes each replica's raftMu. The fix refactors
// sendQueuedHeartbeats to release coalescedMu before taking raftMu.
func Cockroach10214() error { return cockroach10214(false) }

// Cockroach10214Fixed releases coalescedMu before taking raftMu.
func Cockroach10214Fixed() error { return cockroach10214(true) }

func cockroach10214(fixed bool) error {
	var wg sync.WaitGroup
	var raftMu, coalescedMu sync.Mutex // coalescedMu protects queued
	queued := 0
	start(&wg, "tick", func() { // Replica.tick -> maybeCoalesceHeartbeat
		raftMu.Lock()
		coalescedMu.Lock()
		queued++
		coalescedMu.Unlock()
		raftMu.Unlock()
	})
	start(&wg, "heartbeats", func() { // Store.sendQueuedHeartbeats
		coalescedMu.Lock()
		n := queued
		queued = 0
		if fixed {
			coalescedMu.Unlock()
		}
		raftMu.Lock() // the replica learns what was sent
		_ = n
		raftMu.Unlock()
		if !fixed {
			coalescedMu.Unlock()
		}
	})
	wg.Wait()
	return nil
}
