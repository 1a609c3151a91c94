package chans_test

import (
	"testing"

	"github.com/interleave-lab/interleave/chans"
)

// Real-mode cost against Go's channels: each pair moves b.N values from a
// producer goroutine to the benchmark goroutine (budget: at most 2x).

func benchChan(b *testing.B, capacity int) {
	c := chans.Make[int](capacity)
	go func() {
		for i := range b.N {
			c.Send(i)
		}
	}()
	for range b.N {
		c.Recv()
	}
}

func benchStdChan(b *testing.B, capacity int) {
	c := make(chan int, capacity)
	go func() {
		for i := range b.N {
			c <- i
		}
	}()
	for range b.N {
		<-c
	}
}

func BenchmarkUnbuffered(b *testing.B)    { benchChan(b, 0) }
func BenchmarkStdUnbuffered(b *testing.B) { benchStdChan(b, 0) }
func BenchmarkBuffered(b *testing.B)      { benchChan(b, 128) }
func BenchmarkStdBuffered(b *testing.B)   { benchStdChan(b, 128) }

func BenchmarkSelect(b *testing.B) {
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
}

func BenchmarkStdSelect(b *testing.B) {
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
}
