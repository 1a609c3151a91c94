package sched_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/internal/sched"
)

// Real-mode stress of the WaitQueue's pooled Waiters: waits whose short
// deadlines race wake-ups, so that a wake often lands on a Waiter whose
// deadline has just passed and its token must be taken before the Waiter
// is reused. A late token that ended a later wait would make the waits
// that report a wake outnumber the wakes; a lost one fails within seconds
// (bounded.Do). Measured under -race on 2 shared cores: each bounded call
// takes well under a second.

func TestStressWaitDeadlineRacesWake(t *testing.T) {
	for _, unlocked := range []bool{false, true} {
		name := "Wait"
		if unlocked {
			name = "WaitUnlocked"
		}
		bounded.Do(t, name+" with 20µs deadlines against WakeOne", func() {
			const waiters = 4
			per := 1500 * raceScale
			var (
				mu      sync.Mutex
				q       sched.WaitQueue
				wakes   int          // WakeOne calls that woke a waiter; guarded by mu
				woken   atomic.Int64 // waits that returned true
				stopped atomic.Bool
				wg      sync.WaitGroup
			)
			for range waiters {
				wg.Go(func() {
					for range per {
						mu.Lock()
						deadline := time.Now().Add(20 * time.Microsecond)
						if unlocked {
							if q.WaitUnlocked(&mu, "stress", deadline) {
								woken.Add(1)
							}
							continue
						}
						if q.Wait(&mu, "stress", deadline) {
							woken.Add(1)
						}
						mu.Unlock()
					}
				})
			}
			waker := make(chan struct{})
			go func() {
				defer close(waker)
				for !stopped.Load() {
					mu.Lock()
					if q.WakeOne() {
						wakes++
					}
					mu.Unlock()
					runtime.Gosched()
				}
			}()
			wg.Wait()
			stopped.Store(true)
			<-waker
			if got := woken.Load(); got != int64(wakes) || q.Len() != 0 {
				t.Errorf("%s: %d waits report a wake, WakeOne woke %d, %d still queued; want equal counts and none queued", name, got, wakes, q.Len())
			}
			if wakes == 0 || woken.Load() == int64(waiters*per) {
				t.Logf("%s: %d of %d waits woken: the race between deadline and wake was not exercised on both sides", name, wakes, waiters*per)
			}
		})
	}
}

// TestStressWaitHandOff is a ping-pong of two goroutines on two queues
// with no deadline: the plain-receive park and its pooled Waiter, woken
// by WakeOne one way and by WakeLater and Wake after unlocking the other.
func TestStressWaitHandOff(t *testing.T) {
	bounded.Do(t, "Wait hand-off ping-pong", func() {
		rounds := 10000 * raceScale
		var (
			mu         sync.Mutex
			pingq      sched.WaitQueue
			pongq      sched.WaitQueue
			ball, seen int // guarded by mu
		)
		done := make(chan struct{})
		go func() {
			defer close(done)
			mu.Lock()
			for i := 1; i <= rounds; i++ {
				for ball != i {
					pingq.Wait(&mu, "ping", time.Time{})
				}
				seen = i
				t := pongq.WakeLater()
				mu.Unlock()
				if t != nil {
					t.Wake()
				}
				mu.Lock()
			}
			mu.Unlock()
		}()
		mu.Lock()
		for i := 1; i <= rounds; i++ {
			ball = i
			pingq.WakeOne()
			for seen != i {
				pongq.Wait(&mu, "pong", time.Time{})
			}
		}
		mu.Unlock()
		<-done
	})
}
