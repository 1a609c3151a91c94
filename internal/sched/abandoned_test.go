package sched

import (
	"sync"
	"testing"
	"time"
)

// TestAbandonedWakerLeavesTheMutexFree: a waker the watchdog abandoned
// (faked here by setting the hijack state the watchdog sets) wakes a
// parked thread with the primitive's mutex held. It must touch nothing of
// the run and must not panic there, or the mutex would stay locked for
// every later user of the primitive. Two checks see to it: self() no longer
// names an abandoned thread (so the wake is a foreign one, recorded and
// dropped), and wake's own enter() returns quietly for the race in which
// the watchdog abandons the waker between the two.
func TestAbandonedWakerLeavesTheMutexFree(t *testing.T) {
	var mu sync.Mutex
	var q WaitQueue
	Execute(func() {
		Spawn(nil, false, func() {
			mu.Lock()
			q.Wait(&mu, "W.Wait", time.Time{})
			mu.Unlock()
		})
		Sleep(Tick) // the spawned thread runs and parks
		me := self()
		r := me.run
		r.victim.Store(me)
		r.gate.Add(hijackBit)
		func() {
			defer func() { _ = recover() }()
			mu.Lock()
			q.WakeOne()
			mu.Unlock()
		}()
		r.gate.Add(^(hijackBit - 1))
		r.victim.Store(nil)
	}, NewConfig(), &Fixed{})
	if !mu.TryLock() {
		t.Fatal("the primitive's mutex is still held after an abandoned waker's wake")
	}
	mu.Unlock()
}
