package chans_test

import (
	"testing"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/internal/benchpair"
)

// Real-mode cost against Go's channels (budget: at most 2x). Every
// benchmark runs one workload on Go's channels (sub-benchmark "std") and
// on Chan and Select ("interleave"), and reports on the swap-in its time
// divided by the stdlib's, measured right before it ("x-std" wall clock,
// "x-std-cpu" CPU time; see internal/benchpair). The measured figures
// are in the package doc (doc.go).

// pair is benchpair.Run: std and swap side by side, with the ratios.
func pair(b *testing.B, std, swap func(*testing.B)) { benchpair.Run(b, std, swap) }

// stream moves b.N values from a producer goroutine to the benchmark
// goroutine over a channel of the given capacity.
func stream(capacity int) func(*testing.B) {
	return func(b *testing.B) {
		pair(b, func(b *testing.B) {
			c := make(chan int, capacity)
			go func() {
				for i := range b.N {
					c <- i
				}
			}()
			for range b.N {
				<-c
			}
		}, func(b *testing.B) {
			c := chans.Make[int](capacity)
			go func() {
				for i := range b.N {
					c.Send(i)
				}
			}()
			for range b.N {
				c.Recv()
			}
		})
	}
}

func BenchmarkUnbufferedStream(b *testing.B) { stream(0)(b) }
func BenchmarkBufferedStream(b *testing.B)   { stream(128)(b) }

// BenchmarkUnbufferedPingPong is a round trip per op: the benchmark
// goroutine sends on one unbuffered channel and an echo goroutine answers
// on another, so every operation parks.
func BenchmarkUnbufferedPingPong(b *testing.B) {
	pair(b, func(b *testing.B) {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		for i := range b.N {
			ping <- i
			<-pong
		}
		close(ping)
	}, func(b *testing.B) {
		ping, pong := chans.Make[int](0), chans.Make[int](0)
		go func() {
			for v := range ping.All() {
				pong.Send(v)
			}
		}()
		for i := range b.N {
			ping.Send(i)
			pong.Recv()
		}
		ping.Close()
	})
}

// BenchmarkBufferedUncontended sends and receives from one goroutine: the
// path that never parks.
func BenchmarkBufferedUncontended(b *testing.B) {
	pair(b, func(b *testing.B) {
		c := make(chan int, 1)
		for i := range b.N {
			c <- i
			<-c
		}
	}, func(b *testing.B) {
		c := chans.Make[int](1)
		for i := range b.N {
			c.Send(i)
			c.Recv()
		}
	})
}

// BenchmarkSelectStream receives b.N values with a select over two
// buffered channels that a producer fills alternately.
func BenchmarkSelectStream(b *testing.B) {
	pair(b, func(b *testing.B) {
		x, y := make(chan int, 64), make(chan int, 64)
		go func() {
			for i := range b.N {
				if i%2 == 0 {
					x <- i
				} else {
					y <- i
				}
			}
		}()
		for range b.N {
			select {
			case <-x:
			case <-y:
			}
		}
	}, func(b *testing.B) {
		x, y := chans.Make[int](64), chans.Make[int](64)
		go func() {
			for i := range b.N {
				if i%2 == 0 {
					x.Send(i)
				} else {
					y.Send(i)
				}
			}
		}()
		var v int
		for range b.N {
			chans.Select(x.CaseRecv(&v, nil), y.CaseRecv(&v, nil))
		}
	})
}

// BenchmarkSelectUnbuffered receives b.N values with a select over two
// unbuffered channels: the select usually parks on both and a sender
// fires it.
func BenchmarkSelectUnbuffered(b *testing.B) {
	pair(b, func(b *testing.B) {
		x, y := make(chan int), make(chan int)
		go func() {
			for i := range b.N {
				if i%2 == 0 {
					x <- i
				} else {
					y <- i
				}
			}
		}()
		for range b.N {
			select {
			case <-x:
			case <-y:
			}
		}
	}, func(b *testing.B) {
		x, y := chans.Make[int](0), chans.Make[int](0)
		go func() {
			for i := range b.N {
				if i%2 == 0 {
					x.Send(i)
				} else {
					y.Send(i)
				}
			}
		}()
		var v int
		for range b.N {
			chans.Select(x.CaseRecv(&v, nil), y.CaseRecv(&v, nil))
		}
	})
}

// BenchmarkSelectDefault polls an empty channel and a full one with a
// default case, from one goroutine: a select that never blocks.
func BenchmarkSelectDefault(b *testing.B) {
	pair(b, func(b *testing.B) {
		empty, full := make(chan int), make(chan int, 1)
		full <- 1
		for i := range b.N {
			select {
			case <-empty:
			case full <- i:
			default:
			}
		}
	}, func(b *testing.B) {
		empty, full := chans.Make[int](0), chans.Make[int](1)
		full.Send(1)
		var v int
		for i := range b.N {
			chans.Select(empty.CaseRecv(&v, nil), full.CaseSend(i), chans.Default())
		}
	})
}
