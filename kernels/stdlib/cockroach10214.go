package stdlib

import "sync"

// cockroach10214 is cockroachdb/cockroach#10214 (see kernels.Cockroach10214).
func cockroach10214(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var raftMu, coalescedMu sync.Mutex
	queued := 0
	g.Go(func() { // Replica.tick -> maybeCoalesceHeartbeat
		raftMu.Lock()
		if g.stopped() {
			return
		}
		coalescedMu.Lock()
		if g.stopped() {
			return
		}
		queued++
		coalescedMu.Unlock()
		raftMu.Unlock()
	})
	g.Go(func() { // Store.sendQueuedHeartbeats
		coalescedMu.Lock()
		if g.stopped() {
			return
		}
		n := queued
		queued = 0
		if fixed {
			coalescedMu.Unlock()
		}
		raftMu.Lock() // the replica is told what was sent
		if g.stopped() {
			return
		}
		_ = n
		raftMu.Unlock()
		if !fixed {
			coalescedMu.Unlock()
		}
	})
	return g.wait(func() { unlock(&raftMu); unlock(&coalescedMu) })
}
