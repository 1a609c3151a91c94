package primitives_test

import (
	"testing"

	"github.com/interleave-lab/interleave/primitives"
)

// Queue against a buffered channel, the plain reference a Go programmer
// would reach for (as x/sync's semaphore benchmarks compare with semChan).
// Real mode: the goal is a put/get pair within 3x of a channel's.
//
//	go test -run '^$' -bench 'Queue|Chan' -benchmem ./primitives/

const benchCap = 128

// Uncontended: one goroutine puts an item and gets it back.
func BenchmarkQueue_PutGet(b *testing.B) {
	q := primitives.NewQueue[int](benchCap)
	for b.Loop() {
		_ = q.Put(1)
		_, _ = q.Get()
	}
}

func BenchmarkQueue_PutGetUnbounded(b *testing.B) {
	q := primitives.NewQueue[int](0)
	for b.Loop() {
		_ = q.Put(1)
		_, _ = q.Get()
	}
}

func BenchmarkChan_SendRecv(b *testing.B) {
	ch := make(chan int, benchCap)
	for b.Loop() {
		ch <- 1
		<-ch
	}
}

// Producer and consumer: one goroutine puts b.N items, another gets them,
// through a bounded buffer of benchCap items.
func BenchmarkQueue_ProducerConsumer(b *testing.B) {
	q := primitives.NewQueue[int](benchCap)
	done := make(chan struct{})
	b.ResetTimer()
	go func() {
		defer close(done)
		for i := range b.N {
			_ = q.Put(i)
		}
	}()
	for range b.N {
		_, _ = q.Get()
	}
	<-done
}

func BenchmarkChan_ProducerConsumer(b *testing.B) {
	ch := make(chan int, benchCap)
	done := make(chan struct{})
	b.ResetTimer()
	go func() {
		defer close(done)
		for i := range b.N {
			ch <- i
		}
	}()
	for range b.N {
		<-ch
	}
	<-done
}

// Producer and consumer with a buffer of one item: nearly every operation
// blocks and is woken.
func BenchmarkQueue_ProducerConsumerMaxsize1(b *testing.B) {
	q := primitives.NewQueue[int](1)
	done := make(chan struct{})
	b.ResetTimer()
	go func() {
		defer close(done)
		for i := range b.N {
			_ = q.Put(i)
		}
	}()
	for range b.N {
		_, _ = q.Get()
	}
	<-done
}

func BenchmarkChan_ProducerConsumerCap1(b *testing.B) {
	ch := make(chan int, 1)
	done := make(chan struct{})
	b.ResetTimer()
	go func() {
		defer close(done)
		for i := range b.N {
			ch <- i
		}
	}()
	for range b.N {
		<-ch
	}
	<-done
}
