package broken

import (
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// ReversedBarrier is a primitives.Barrier that hands out its indices in
// reverse order of arrival: still distinct, still 0 to Parties()-1, but
// the last party to arrive (the one that runs the action) gets 0.
type ReversedBarrier struct {
	*primitives.Barrier
}

// NewReversedBarrier returns a ReversedBarrier for parties threads.
func NewReversedBarrier(parties int, action func(), timeout time.Duration) *ReversedBarrier {
	return &ReversedBarrier{Barrier: primitives.NewBarrier(parties, action, timeout)}
}

// Wait waits as primitives.Barrier.Wait and returns the index mirrored.
func (b *ReversedBarrier) Wait() (int, error) {
	i, err := b.Barrier.Wait()
	if err != nil {
		return i, err
	}
	return b.Parties() - 1 - i, nil
}
