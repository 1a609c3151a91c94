package primitives_test

import (
	"runtime"
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
// Without -race the rounds are raceScale (50) times as many: measured on
// 2 shared cores, a Condition that releases its lock before enqueueing
// then failed 5 of 5 runs (1 of 3 at the base count), and a Lock whose
// fast-path Release loads and stores the word instead of one CAS 7 of 8.

var stressRounds = 5000 * raceScale

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

// TestStressTimedWaiterNeverSwallowsAWake parks a timed waiter T first and
// a blocking waiter B behind it on a Semaphore of value 0, then releases
// one unit just as T's timeout expires. The wake goes to T (the oldest):
// if T times out at that instant it must still count as woken (and take
// the unit, then give it back) or leave it for B; a T that drops the wake
// leaves B parked beside a free unit forever. Each round needs B to end.
func TestStressTimedWaiterNeverSwallowsAWake(t *testing.T) {
	const rounds = 400
	// waitFor spins until n threads wait on s, or T has already ended
	// (timed out before B parked: this round tests nothing, but must end).
	waitFor := func(s *primitives.Semaphore, n int, tDone *atomic.Bool) {
		for s.Observe().Waiters < n && !tDone.Load() {
			runtime.Gosched()
		}
	}
	bounded.Do(t, "Semaphore.AcquireTimeout timing out as Release wakes it", func() {
		for i := range rounds {
			s := primitives.NewSemaphore(0)
			timeout := time.Duration(50+i%100) * time.Microsecond
			start := time.Now()
			var tDone atomic.Bool
			var wg sync.WaitGroup
			wg.Go(func() {
				defer tDone.Store(true)
				if s.AcquireTimeout(timeout) {
					s.Release() // B must still get a unit
				}
			})
			waitFor(s, 1, &tDone)
			wg.Go(s.Acquire)
			waitFor(s, 2, &tDone)
			for time.Since(start) < timeout {
				runtime.Gosched()
			}
			s.Release()
			wg.Wait()
		}
	})
}

// TestReleaseInTheRegistrationWindowIsSeen puts a fast-path Release
// exactly where the stress test can only hope to land one: after a waiter
// read the lock word as held and before it registers. The registration's
// CAS must then fail and the waiter take the now free lock, never park
// beside it.
func TestReleaseInTheRegistrationWindowIsSeen(t *testing.T) {
	var l primitives.Lock
	l.Acquire()
	var once sync.Once
	primitives.SetHookBeforeRegister(func() { once.Do(l.Release) })
	defer primitives.SetHookBeforeRegister(nil)
	bounded.Do(t, "Lock.Acquire with a Release between its read and its registration", func() {
		l.Acquire()
		l.Release()
	})
}

// TestStressDaemonDyingWithAWake: a daemon thread parks first on a Lock
// or Semaphore, a plain goroutine parks behind it; the main goroutine
// releases once and at once calls Shutdown, which unwinds the daemon. The
// daemon either took the unit before it was unwound (a daemon dies holding
// what it holds, as in Python: the test then releases once more), or dies
// holding only the wake-up, which must go on to the goroutine. Either way
// the goroutine ends: a swallowed wake-up leaves it parked beside a free
// unit.
func TestStressDaemonDyingWithAWake(t *testing.T) {
	const rounds = 200
	type prim struct {
		acquire, release func()
		waiters          func() int
		free             func() bool // the unit is not held
		registered       func() int  // Lock only: waiters counted in its lock word
	}
	for _, p := range []struct {
		name string
		mk   func() prim
	}{
		{"Lock", func() prim {
			var l primitives.Lock
			l.Acquire()
			return prim{l.Acquire, l.Release, func() int { return l.Observe().Waiters }, func() bool { return !l.Locked() },
				func() int { return primitives.LockWaiters(&l) }}
		}},
		{"Semaphore", func() prim {
			s := primitives.NewSemaphore(0)
			return prim{s.Acquire, s.Release, func() int { return s.Observe().Waiters }, func() bool { return s.Value() > 0 }, nil}
		}},
	} {
		t.Run(p.name, func(t *testing.T) {
			bounded.Do(t, p.name+": a dying daemon's wake-up passed on", func() {
				for range rounds {
					x := p.mk()
					primitives.NewThread(x.acquire, primitives.WithDaemon(true)).Start()
					for x.waiters() < 1 {
						runtime.Gosched()
					}
					done := make(chan struct{})
					go func() { x.acquire(); close(done) }()
					for x.waiters() < 2 {
						runtime.Gosched()
					}
					x.release()
					primitives.Shutdown()
					select {
					case <-done:
						continue
					default:
					}
					if !x.free() && x.waiters() == 1 {
						x.release() // the daemon died holding the unit
					}
					<-done
					if x.registered != nil && x.registered() != 0 {
						t.Errorf("%d waiters still registered in the lock word after the round", x.registered())
						return
					}
				}
			})
		})
	}
}

// TestDaemonUnwoundFromLockIsUncounted: a daemon parked on a held Lock is
// unwound by Shutdown without a wake-up; it must take its registration out
// of the lock word, or every later Release would take the slow path for a
// waiter that is gone.
func TestDaemonUnwoundFromLockIsUncounted(t *testing.T) {
	var l primitives.Lock
	l.Acquire()
	bounded.Do(t, "Shutdown unwinding a daemon parked on a Lock", func() {
		primitives.NewThread(l.Acquire, primitives.WithDaemon(true)).Start()
		for l.Observe().Waiters < 1 {
			runtime.Gosched()
		}
		primitives.Shutdown()
	})
	if n := primitives.LockWaiters(&l); n != 0 {
		t.Fatalf("the lock word counts %d waiters after the daemon was unwound; want 0", n)
	}
	l.Release()
}

// TestSetInTheEventSlowPathWindowIsSeen puts a Set exactly between Wait's
// unlocked read of the flag (clear) and its taking the mutex: Wait must
// see the flag under the mutex and return, never park after a Set that
// woke nobody.
func TestSetInTheEventSlowPathWindowIsSeen(t *testing.T) {
	var ev primitives.Event
	var once sync.Once
	primitives.SetHookEventSlowPath(func() { once.Do(ev.Set) })
	defer primitives.SetHookEventSlowPath(nil)
	bounded.Do(t, "Event.Wait with a Set between its read and its lock", ev.Wait)
}
