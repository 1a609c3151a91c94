package broken

import (
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// Barrier is a primitives.Barrier whose action runs twice per generation:
// once, correctly, by the last party to arrive, and once more by the party
// that gets index 0, after it has left the barrier.
type Barrier struct {
	*primitives.Barrier
	action func()
}

// NewBarrier returns a Barrier for parties threads whose action runs twice
// per generation.
func NewBarrier(parties int, action func(), timeout time.Duration) *Barrier {
	return &Barrier{Barrier: primitives.NewBarrier(parties, action, timeout), action: action}
}

// Wait waits as primitives.Barrier.Wait, then runs the action again in the
// party with index 0 (the bug).
func (b *Barrier) Wait() (int, error) {
	i, err := b.Barrier.Wait()
	if err == nil && i == 0 && b.action != nil {
		b.action()
	}
	return i, err
}
