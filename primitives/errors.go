package primitives

import "errors"

// Sentinels for misuse, which panics with an error wrapping one of them
// (Python raises RuntimeError or ValueError), so that
// errors.Is(recovered.(error), primitives.ErrX) works.
var (
	// ErrReleaseUnlocked: Lock.Release of an unlocked lock.
	ErrReleaseUnlocked = errors.New("release unlocked lock")
	// ErrNotOwner: RLock.Release by a thread that does not own it;
	// Condition.Wait or Notify without holding the lock.
	ErrNotOwner = errors.New("cannot release un-acquired lock")
	// ErrOverRelease: BoundedSemaphore released above its initial value.
	ErrOverRelease = errors.New("semaphore released too many times")
	// ErrNegativeValue: Semaphore(-1), Barrier(0), Release(0), a negative
	// timeout where Python raises ValueError.
	ErrNegativeValue = errors.New("value out of range")
	// ErrTaskDone: Queue.TaskDone called more times than items were put.
	ErrTaskDone = errors.New("task_done() called too many times")
	// ErrThreadState: start twice, join before start, join self, set the
	// daemon flag after start, join a dummy thread.
	ErrThreadState = errors.New("invalid thread state")
)

// Expected outcomes, returned (not panicked) by Queue and Barrier.
var (
	// ErrFull is queue.Full: a bounded queue had no room in time.
	ErrFull = errors.New("queue full")
	// ErrEmpty is queue.Empty: a queue had no item in time.
	ErrEmpty = errors.New("queue empty")
	// ErrShutDown is queue.ShutDown: the queue was shut down.
	ErrShutDown = errors.New("queue shut down")
	// ErrBrokenBarrier is threading.BrokenBarrierError.
	ErrBrokenBarrier = errors.New("broken barrier")
)
