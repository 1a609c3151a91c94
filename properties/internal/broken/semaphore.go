package broken

import (
	"strconv"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
)

// Semaphore is a counting semaphore whose Acquire checks the value and
// takes a unit in two critical sections: two threads that both see a
// value of 1 both enter (check-then-act), and the value goes negative.
type Semaphore struct {
	mu    sync.Mutex
	value int
	q     sched.WaitQueue
}

// NewSemaphore returns a Semaphore with the given value.
func NewSemaphore(value int) *Semaphore { return &Semaphore{value: value} }

// Acquire waits for a positive value, lets go of its lock, then takes a
// unit without checking again (the bug).
func (s *Semaphore) Acquire() {
	failpoints.Hit(failpoints.SemAcquire, s)
	s.mu.Lock()
	for s.value <= 0 {
		s.q.Wait(&s.mu, "Semaphore.Acquire", time.Time{})
	}
	s.mu.Unlock()
	failpoints.Hit(failpoints.SemAcquired, s)
	s.mu.Lock()
	s.value--
	s.mu.Unlock()
}

// TryAcquire takes a unit if the value is positive.
func (s *Semaphore) TryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value <= 0 {
		return false
	}
	s.value--
	return true
}

// Release adds a unit and wakes a waiter.
func (s *Semaphore) Release() {
	failpoints.Hit(failpoints.SemRelease, s)
	s.mu.Lock()
	s.value++
	s.q.WakeOne()
	s.mu.Unlock()
}

// Value returns the current value.
func (s *Semaphore) Value() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value
}

// Observe returns the semaphore's state for a trace line.
func (s *Semaphore) Observe() failpoints.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return failpoints.Snapshot{Kind: "Semaphore", State: "value=" + strconv.Itoa(s.value), Waiters: s.q.Len()}
}
