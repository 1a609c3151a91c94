//lint:file-ignore SA2001 empty critical sections are the point: they exercise Lock and Unlock alone

package sync_test

import (
	gosync "sync"
	"testing"

	"github.com/interleave-lab/interleave/sync"
)

// Real-mode cost against the standard library: each pair runs the same
// loop on the swap-in and on Go's type (budget: at most 2x).

func benchLocker(b *testing.B, l sync.Locker) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Lock()
			l.Unlock()
		}
	})
}

func BenchmarkMutex(b *testing.B)    { benchLocker(b, &sync.Mutex{}) }
func BenchmarkStdMutex(b *testing.B) { benchLocker(b, &gosync.Mutex{}) }

func BenchmarkMutexUncontended(b *testing.B) {
	var m sync.Mutex
	for b.Loop() {
		m.Lock()
		m.Unlock()
	}
}

func BenchmarkStdMutexUncontended(b *testing.B) {
	var m gosync.Mutex
	for b.Loop() {
		m.Lock()
		m.Unlock()
	}
}

type rwLocker interface {
	sync.Locker
	RLock()
	RUnlock()
}

func benchRW(b *testing.B, rw rwLocker) {
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if i%10 == 0 {
				rw.Lock()
				rw.Unlock()
				continue
			}
			rw.RLock()
			rw.RUnlock()
		}
	})
}

func BenchmarkRWMutex(b *testing.B)    { benchRW(b, &sync.RWMutex{}) }
func BenchmarkStdRWMutex(b *testing.B) { benchRW(b, &gosync.RWMutex{}) }

type waitGroup interface {
	Add(int)
	Done()
	Wait()
}

func benchWG(b *testing.B, wg waitGroup) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			wg.Add(1)
			wg.Done()
		}
	})
	wg.Wait()
}

func BenchmarkWaitGroup(b *testing.B)    { benchWG(b, &sync.WaitGroup{}) }
func BenchmarkStdWaitGroup(b *testing.B) { benchWG(b, &gosync.WaitGroup{}) }
