package primitives_test

import (
	"sync"
	"testing"

	"github.com/interleave-lab/interleave/primitives"
)

// Benchmarks of the lock family in real mode against plain references:
// sync.Mutex for Lock and RLock, a buffered channel for Semaphore (as in
// golang.org/x/sync/semaphore's semaphore_bench_test.go). Run with
//
//	go test -run xxx -bench 'Lock|Semaphore' -benchmem ./primitives/
//
// The target: an uncontended Lock within 3x of sync.Mutex.

// chanSem is the buffered-channel semaphore the Semaphore is compared with.
type chanSem chan struct{}

func (s chanSem) Acquire() { s <- struct{}{} }
func (s chanSem) Release() { <-s }

type hAcquirer interface {
	Acquire()
	Release()
}

type mutexAcquirer struct{ sync.Mutex }

func (m *mutexAcquirer) Acquire() { m.Lock() }
func (m *mutexAcquirer) Release() { m.Unlock() }

func benchUncontended(b *testing.B, l hAcquirer) {
	b.ReportAllocs()
	for b.Loop() {
		l.Acquire()
		l.Release()
	}
}

func benchContended(b *testing.B, l hAcquirer) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Acquire()
			l.Release()
		}
	})
}

func BenchmarkLock(b *testing.B) {
	b.Run("uncontended/Lock", func(b *testing.B) {
		var l primitives.Lock
		b.ReportAllocs()
		for b.Loop() { // direct calls: no interface in the way
			l.Acquire()
			l.Release()
		}
	})
	b.Run("uncontended/sync.Mutex", func(b *testing.B) { benchUncontended(b, new(mutexAcquirer)) })
	b.Run("contended/Lock", func(b *testing.B) { benchContended(b, new(primitives.Lock)) })
	b.Run("contended/sync.Mutex", func(b *testing.B) { benchContended(b, new(mutexAcquirer)) })
}

func BenchmarkRLock(b *testing.B) {
	b.Run("uncontended/RLock", func(b *testing.B) {
		var l primitives.RLock
		b.ReportAllocs()
		for b.Loop() {
			l.Acquire()
			l.Release()
		}
	})
	b.Run("reentrant/RLock", func(b *testing.B) { // a second level on a held RLock
		var l primitives.RLock
		l.Acquire()
		defer l.Release()
		benchUncontended(b, &l)
	})
	b.Run("uncontended/sync.Mutex", func(b *testing.B) { benchUncontended(b, new(mutexAcquirer)) })
	b.Run("contended/RLock", func(b *testing.B) { benchContended(b, new(primitives.RLock)) })
	b.Run("contended/sync.Mutex", func(b *testing.B) { benchContended(b, new(mutexAcquirer)) })
}

func BenchmarkSemaphore(b *testing.B) {
	b.Run("uncontended/Semaphore", func(b *testing.B) { benchUncontended(b, primitives.NewSemaphore(1)) })
	b.Run("uncontended/BoundedSemaphore", func(b *testing.B) { benchUncontended(b, primitives.NewBoundedSemaphore(1)) })
	b.Run("uncontended/chan", func(b *testing.B) { benchUncontended(b, make(chanSem, 1)) })
	b.Run("uncontended/sync.Mutex", func(b *testing.B) { benchUncontended(b, new(mutexAcquirer)) })
	for _, n := range []int{1, 4} {
		name := map[int]string{1: "contended-1", 4: "contended-4"}[n]
		b.Run(name+"/Semaphore", func(b *testing.B) { benchContended(b, primitives.NewSemaphore(n)) })
		b.Run(name+"/chan", func(b *testing.B) { benchContended(b, make(chanSem, n)) })
	}
}
