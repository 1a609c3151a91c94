package primitives_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
)

// Real-mode stress tests of the fast paths no failpoint splits, so the
// explorer cannot interleave inside them: only many real goroutines racing
// through them can show a lost wake-up, and then as a hang, which
// bounded.Do turns into a failure naming the operation within seconds.
// Each test repeats a handoff whose every round needs one wake-up to
// arrive; the counts keep each test well under a second under -race.

const stressRounds = 5000

// TestStressLockWaiterRegistration races Release's one-CAS fast path
// against a waiter registering on the lock word: a Release that unlocks
// after the waiter's CAS must wake it, one that unlocks before must make
// the waiter's CAS fail. Two goroutines hand a turn back and forth through
// two Locks used as binary semaphores (Python lets any thread release a
// Lock), so every round parks a waiter and nobody else would ever wake a
// lost one; then four goroutines contend on one Lock, and the counter
// checks mutual exclusion.
func TestStressLockWaiterRegistration(t *testing.T) {
	var ping, pong primitives.Lock
	ping.Acquire()
	pong.Acquire()
	bounded.Do(t, "Lock.Acquire/Release handoff (waiter registration)", func() {
		var wg sync.WaitGroup
		wg.Go(func() {
			for range stressRounds {
				ping.Acquire() // the other side's Release wakes us
				pong.Release()
			}
		})
		for range stressRounds {
			ping.Release()
			pong.Acquire()
		}
		wg.Wait()
	})
	var l primitives.Lock
	counter := 0
	bounded.Do(t, "Lock.Acquire/Release contended", func() {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range stressRounds {
					l.Acquire()
					counter++
					l.Release()
				}
			})
		}
		wg.Wait()
	})
	if counter != 4*stressRounds {
		t.Fatalf("counter = %d; want %d (Lock let two holders in)", counter, 4*stressRounds)
	}
}

// TestStressConditionReleaseBeforePark ping-pongs a turn between two
// goroutines through one Condition: every round a waiter enqueues,
// releases the lock and parks while the other notifies, so a notification
// that slips between the release and the park is a hang.
func TestStressConditionReleaseBeforePark(t *testing.T) {
	c := primitives.NewCondition(nil)
	turn := 0
	bounded.Do(t, "Condition.Wait/NotifyAll (release before park)", func() {
		var wg sync.WaitGroup
		for me := range 2 {
			wg.Go(func() {
				for range stressRounds {
					c.Acquire()
					for turn != me {
						c.Wait()
					}
					turn = 1 - me
					c.NotifyAll()
					c.Release()
				}
			})
		}
		wg.Wait()
	})
}

// TestStressEventFastPathRead races Wait's unlocked read of the flag
// against Set: a waiter that reads "clear", then parks after the Set woke
// nobody, would wait forever.
func TestStressEventFastPathRead(t *testing.T) {
	bounded.Do(t, "Event.Wait/Set (fast-path read)", func() {
		for range stressRounds {
			var ev primitives.Event
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(ev.Wait)
			}
			ev.Set()
			wg.Wait()
		}
	})
}

// TestStressTimeoutAsWakeArrives races short timed acquires against
// releases on a Semaphore and a Lock: a waiter that times out just as a
// Release chose it must pass the wake-up on or leave the unit counted, so
// that at the end every unit is still acquirable (a swallowed wake-up
// leaves a later blocking Acquire parked with a unit free).
func TestStressTimeoutAsWakeArrives(t *testing.T) {
	const units = 2
	s := primitives.NewSemaphore(units)
	var l primitives.Lock
	var got atomic.Int64
	bounded.Do(t, "Semaphore/Lock.AcquireTimeout racing Release", func() {
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range stressRounds / 4 {
					d := time.Duration(1+(g+i)%3) * time.Microsecond
					if s.AcquireTimeout(d) {
						got.Add(1)
						s.Release()
					}
					if l.AcquireTimeout(d) {
						l.Release()
					}
				}
			})
		}
		wg.Wait()
		for range units {
			s.Acquire() // every unit is back
		}
		l.Acquire() // and the lock is free
		l.Release()
	})
	if got.Load() == 0 {
		t.Fatal("no timed acquire succeeded: the race under test never ran")
	}
	if v := s.Value(); v != 0 {
		t.Fatalf("Value() = %d after taking all %d units; want 0", v, units)
	}
}
