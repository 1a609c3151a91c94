package broken

import (
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// Queue is a primitives.Queue whose Put drops its item when another Put is
// in progress at the same time: it loses items under contention only, so
// a sequential test never sees the bug.
type Queue[T any] struct {
	*primitives.Queue[T]
	putting int // puts in progress; read and written without a lock (the bug)
}

// NewQueue returns a FIFO Queue that drops an item under contention.
func NewQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{Queue: primitives.NewQueue[T](maxsize)}
}

// Put puts v, unless another Put is running: then it drops v and reports
// success.
func (q *Queue[T]) Put(v T) error {
	q.putting++
	defer func() { q.putting-- }()
	failpoints.Hit(failpoints.QueuePut, q.Queue)
	if q.putting > 1 {
		return nil // "someone else is putting; ours can wait" — and is lost
	}
	return q.Queue.Put(v)
}
