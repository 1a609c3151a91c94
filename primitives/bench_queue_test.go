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
func BenchmarkQueue_ProducerConsumer(b *testing.B) { benchQueueProducerConsumer(b, benchCap) }
func BenchmarkChan_ProducerConsumer(b *testing.B)  { benchChanProducerConsumer(b, benchCap) }

// Producer and consumer with a buffer of one item: nearly every operation
// blocks and is woken.
func BenchmarkQueue_ProducerConsumerMaxsize1(b *testing.B) { benchQueueProducerConsumer(b, 1) }
func BenchmarkChan_ProducerConsumerCap1(b *testing.B)      { benchChanProducerConsumer(b, 1) }

// benchQueueProducerConsumer moves b.N items from one goroutine to another
// through a Queue of the given maxsize.
func benchQueueProducerConsumer(b *testing.B, maxsize int) {
	q := primitives.NewQueue[int](maxsize)
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

// benchChanProducerConsumer is the reference: the same through a buffered
// channel of the given capacity.
func benchChanProducerConsumer(b *testing.B, capacity int) {
	ch := make(chan int, capacity)
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
