package broken

import (
	"strconv"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// RacyBarrier is a cyclic barrier that reads a party's index and counts
// the party in two critical sections: two parties arriving together can
// read the same index (the count itself stays right, so generations still
// complete). It has no timeout, and Reset and Abort do nothing: only Wait
// is meant to be exercised.
type RacyBarrier struct {
	parties int
	action  func()

	mu    sync.Mutex
	count int // parties arrived in this generation
	gen   int // generation number
	q     sched.WaitQueue
}

// NewRacyBarrier returns a RacyBarrier for parties threads; action (if not
// nil) runs in the last party to arrive, before the others are released.
func NewRacyBarrier(parties int, action func(), _ time.Duration) *RacyBarrier {
	return &RacyBarrier{parties: parties, action: action}
}

// Wait waits for every party, and returns the index read on arrival (the
// bug: not re-read when counting in).
func (b *RacyBarrier) Wait() (int, error) {
	failpoints.Hit(failpoints.BarrierWait, b)
	b.mu.Lock()
	idx := b.count
	b.mu.Unlock()
	failpoints.Hit(failpoints.BarrierWait, b)
	b.mu.Lock()
	b.count++
	gen := b.gen
	if b.count == b.parties {
		if b.action != nil {
			b.action()
		}
		b.count = 0
		b.gen++
		b.q.WakeAll()
		b.mu.Unlock()
		return idx, nil
	}
	for gen == b.gen {
		b.q.Wait(&b.mu, "Barrier.Wait", time.Time{})
	}
	b.mu.Unlock()
	return idx, nil
}

// Reset does nothing.
func (b *RacyBarrier) Reset() {}

// Abort does nothing.
func (b *RacyBarrier) Abort() {}

// Broken returns false.
func (b *RacyBarrier) Broken() bool { return false }

// Parties returns the number of parties.
func (b *RacyBarrier) Parties() int { return b.parties }

// NWaiting returns the number of parties waiting.
func (b *RacyBarrier) NWaiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.q.Len()
}

// Observe returns the barrier's state for a trace line.
func (b *RacyBarrier) Observe() failpoints.Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	return failpoints.Snapshot{Kind: "Barrier", State: "waiting=" + strconv.Itoa(b.count), Waiters: b.q.Len()}
}
