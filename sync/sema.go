package sync

import (
	gosync "sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A sema is the runtime's semaphore (semacquire/semrelease) on the
// explorer's wait queue: RWMutex's slow paths park on it.
//
// Invariant (under mu): n > 0 only while q is empty; a release with a
// waiter hands its unit to the oldest waiter (n stays 0), so a woken
// acquirer owns a unit and never competes again.
type sema struct {
	mu gosync.Mutex
	n  int
	q  sched.WaitQueue
}

// acquire takes a unit, parking (as op in a deadlock report) until one is
// released.
func (s *sema) acquire(op string) {
	s.mu.Lock()
	if s.n > 0 {
		s.n--
		s.mu.Unlock()
		return
	}
	s.q.Wait(&s.mu, op, time.Time{})
	s.mu.Unlock()
}

// release adds a unit, handing it to the oldest waiter if any.
func (s *sema) release() {
	s.mu.Lock()
	defer s.mu.Unlock() // a wake that panics (misuse) must not leave mu locked
	if !s.q.WakeOne() {
		s.n++
	}
}

func (s *sema) waiters() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.q.Len()
}
