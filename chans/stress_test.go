package chans_test

import (
	"errors"
	"fmt"
	gosync "sync"
	"testing"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/internal/bounded"
)

// Real-mode stress of the hand-off paths (pooled waiters and entries, a
// woken Send or Recv returning without the channels' lock, Close detaching
// its queues): a lost or misdirected wake-up shows as a wrong value, a
// wrong count, or a failure that names the operation within seconds
// (bounded.Do), never as a hung test. Measured
// under -race on 2 shared cores: each bounded call takes well under a
// second.

func TestStressUnbufferedPingPong(t *testing.T) {
	const n = 10000
	bounded.Do(t, "unbuffered ping-pong", func() {
		ping, pong := chans.Make[int](0), chans.Make[int](0)
		go func() {
			for v := range ping.All() {
				pong.Send(v + 1)
			}
			pong.Close()
		}()
		for i := range n {
			ping.Send(i)
			if got := pong.Recv(); got != i+1 {
				t.Errorf("round %d: pong.Recv() = %d; want %d", i, got, i+1)
				break
			}
		}
		ping.Close()
		if _, ok := pong.Recv2(); ok {
			t.Errorf("pong.Recv2() after the echo ended: ok = true; want false")
		}
	})
}

// TestStressManyToMany has 4 senders and 4 receivers on one channel of
// each capacity, so senders park on receivers, receivers on senders, and
// a woken goroutine races the next operation for the freed entry.
func TestStressManyToMany(t *testing.T) {
	const senders, receivers, per = 4, 4, 2000
	for _, capacity := range []int{0, 1, 4} {
		bounded.Do(t, fmt.Sprintf("cap %d: %d senders, %d receivers", capacity, senders, receivers), func() {
			c := chans.Make[int](capacity)
			var sent, recvd gosync.WaitGroup
			sums := make([]int, receivers)
			counts := make([]int, receivers)
			for s := range senders {
				sent.Go(func() {
					for i := range per {
						c.Send(s*per + i + 1)
					}
				})
			}
			for r := range receivers {
				recvd.Go(func() {
					for v := range c.All() {
						sums[r] += v
						counts[r]++
					}
				})
			}
			sent.Wait()
			c.Close()
			recvd.Wait()
			sum, count := 0, 0
			for r := range receivers {
				sum += sums[r]
				count += counts[r]
			}
			const total = senders * per
			if count != total || sum != total*(total+1)/2 {
				t.Errorf("cap %d: received %d values summing to %d; want %d summing to %d", capacity, count, sum, total, total*(total+1)/2)
			}
		})
	}
}

// TestStressSelect has selects on both sides of two unbuffered channels:
// 3 producers each select a send on x or y, 2 consumers each select a
// receive from x or y, so a select fires a parked select and dequeues its
// other case.
func TestStressSelect(t *testing.T) {
	const producers, consumers, per = 3, 2, 1500
	bounded.Do(t, "select send/recv on two unbuffered channels", func() {
		x, y := chans.Make[int](0), chans.Make[int](0)
		var sent, recvd gosync.WaitGroup
		sums := make([]int, consumers)
		for p := range producers {
			sent.Go(func() {
				for i := range per {
					chans.Select(x.CaseSend(p*per+i+1), y.CaseSend(p*per+i+1))
				}
			})
		}
		for r := range consumers {
			recvd.Go(func() {
				x, y := x, y
				for x != nil || y != nil {
					var v int
					var ok bool
					switch chans.Select(x.CaseRecv(&v, &ok), y.CaseRecv(&v, &ok)) {
					case 0:
						if !ok {
							x = nil // a nil channel's case is never ready
						}
					case 1:
						if !ok {
							y = nil
						}
					}
					sums[r] += v
				}
			})
		}
		sent.Wait()
		x.Close()
		y.Close()
		recvd.Wait()
		const total = producers * per
		if got := sums[0] + sums[1]; got != total*(total+1)/2 {
			t.Errorf("consumers' sum = %d; want %d", got, total*(total+1)/2)
		}
	})
}

// TestStressCloseWakesParked closes a channel with parked receivers and a
// parked sender, many times: every receiver gets the zero value and
// false, the sender panics, and no freed entry wakes a later operation.
func TestStressCloseWakesParked(t *testing.T) {
	const rounds = 3000
	bounded.Do(t, "Close of a channel with parked senders and receivers", func() {
		for round := range rounds {
			in, out := chans.Make[int](0), chans.Make[int](0)
			var wg gosync.WaitGroup
			for range 2 {
				wg.Go(func() {
					if v, ok := in.Recv2(); ok || v != 0 {
						t.Errorf("round %d: Recv2 on a closed channel = %d, %v; want 0, false", round, v, ok)
					}
				})
			}
			wg.Go(func() {
				defer func() {
					if err, _ := recover().(error); !errors.Is(err, chans.ErrSendOnClosed) {
						t.Errorf("round %d: Send blocked at Close panicked with %v; want %v", round, err, chans.ErrSendOnClosed)
					}
				}()
				out.Send(round)
			})
			in.Close()
			out.Close()
			wg.Wait()
		}
	})
}
