package broken

import (
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/interleave-lab/interleave/primitives"
)

// PollingQueue is a primitives.Queue whose timed put and get poll Full
// (Empty) until their deadline instead of parking: they never see a
// Shutdown that leaves the queue full (empty), so such a put (get) times
// out with ErrFull (ErrEmpty) instead of failing at once with ErrShutDown.
type PollingQueue[T any] struct {
	*primitives.Queue[T]
}

// NewPollingQueue returns a FIFO PollingQueue.
func NewPollingQueue[T any](maxsize int) *PollingQueue[T] {
	return &PollingQueue[T]{Queue: primitives.NewQueue[T](maxsize)}
}

// pollEvery is the virtual interval of a poll.
const pollEvery = 10 * time.Millisecond

// PutTimeout tries to put v every pollEvery until d has passed.
func (q *PollingQueue[T]) PutTimeout(v T, d time.Duration) error {
	end := sched.Now().Add(d)
	for q.Full() {
		if !sched.Now().Before(end) {
			return primitives.ErrFull
		}
		primitives.Sleep(pollEvery)
	}
	return q.TryPut(v)
}

// GetTimeout tries to get an item every pollEvery until d has passed.
func (q *PollingQueue[T]) GetTimeout(d time.Duration) (T, error) {
	end := sched.Now().Add(d)
	for q.Empty() {
		if !sched.Now().Before(end) {
			var zero T
			return zero, primitives.ErrEmpty
		}
		primitives.Sleep(pollEvery)
	}
	return q.TryGet()
}
