//lint:file-ignore SA2001 empty critical sections are the point: they exercise Lock and Unlock alone

package sync_test

import (
	gosync "sync"
	"testing"

	"github.com/interleave-lab/interleave/internal/benchpair"
	"github.com/interleave-lab/interleave/sync"
)

// Real-mode cost against the standard library (budget: at most 2x). Every
// benchmark runs one workload on Go's type (sub-benchmark "std") and on the
// swap-in ("interleave"), and reports on the swap-in its time divided by
// the stdlib's, measured right before it ("x-std" wall clock,
// "x-std-cpu" CPU time; see internal/benchpair). The measured figures
// are in the package doc (doc.go).

// pair is benchpair.Run: std and swap side by side, with the ratios.
func pair(b *testing.B, std, swap func(*testing.B)) { benchpair.Run(b, std, swap) }

// lockers returns a benchmark of the same Locker workload on Go's and the
// swap-in's type.
func lockers[S, I any, PS interface {
	*S
	sync.Locker
}, PI interface {
	*I
	sync.Locker
}](work func(*testing.B, sync.Locker)) func(*testing.B) {
	return func(b *testing.B) {
		pair(b, func(b *testing.B) { work(b, PS(new(S))) }, func(b *testing.B) { work(b, PI(new(I))) })
	}
}

// uncontended locks and unlocks from one goroutine: the fast path.
func uncontended(b *testing.B, l sync.Locker) {
	for range b.N {
		l.Lock()
		l.Unlock()
	}
}

// parallel locks and unlocks from GOMAXPROCS goroutines with an empty
// critical section: the fast path under contention, with some parking.
func parallel(b *testing.B, l sync.Locker) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Lock()
			l.Unlock()
		}
	})
}

// contended runs 4 goroutines per core through a critical section that
// does some work, so most Locks find the mutex held and park.
func contended(b *testing.B, l sync.Locker) {
	b.SetParallelism(4)
	var shared [16]int
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Lock()
			for i := range shared {
				shared[i]++
			}
			l.Unlock()
		}
	})
}

func BenchmarkMutexUncontended(b *testing.B) {
	lockers[gosync.Mutex, sync.Mutex](uncontended)(b)
}

func BenchmarkMutexParallel(b *testing.B) {
	lockers[gosync.Mutex, sync.Mutex](parallel)(b)
}

func BenchmarkMutexContended(b *testing.B) {
	lockers[gosync.Mutex, sync.Mutex](contended)(b)
}

type rwLocker interface {
	sync.Locker
	RLock()
	RUnlock()
}

func rwlockers(work func(*testing.B, rwLocker)) func(*testing.B) {
	return func(b *testing.B) {
		pair(b, func(b *testing.B) { work(b, new(gosync.RWMutex)) }, func(b *testing.B) { work(b, new(sync.RWMutex)) })
	}
}

func BenchmarkRWMutexReadUncontended(b *testing.B) {
	rwlockers(func(b *testing.B, rw rwLocker) {
		for range b.N {
			rw.RLock()
			rw.RUnlock()
		}
	})(b)
}

func BenchmarkRWMutexWriteUncontended(b *testing.B) {
	rwlockers(func(b *testing.B, rw rwLocker) { uncontended(b, rw) })(b)
}

// BenchmarkRWMutexParallel is mostly readers with one write in ten, from
// GOMAXPROCS goroutines.
func BenchmarkRWMutexParallel(b *testing.B) {
	rwlockers(func(b *testing.B, rw rwLocker) {
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
	})(b)
}

// BenchmarkRWMutexContended is one write in four with some work under the
// lock, from 4 goroutines per core: writers wait for readers and readers
// for writers, so both semaphores park.
func BenchmarkRWMutexContended(b *testing.B) {
	rwlockers(func(b *testing.B, rw rwLocker) {
		b.SetParallelism(4)
		var shared [16]int
		b.RunParallel(func(pb *testing.PB) {
			i, sum := 0, 0
			for pb.Next() {
				i++
				if i%4 == 0 {
					rw.Lock()
					for j := range shared {
						shared[j]++
					}
					rw.Unlock()
					continue
				}
				rw.RLock()
				for _, v := range shared {
					sum += v
				}
				rw.RUnlock()
			}
			_ = sum
		})
	})(b)
}

type waitGroup interface {
	Add(int)
	Done()
	Wait()
}

func waitGroups(work func(*testing.B, waitGroup)) func(*testing.B) {
	return func(b *testing.B) {
		pair(b, func(b *testing.B) { work(b, new(gosync.WaitGroup)) }, func(b *testing.B) { work(b, new(sync.WaitGroup)) })
	}
}

func BenchmarkWaitGroupUncontended(b *testing.B) {
	waitGroups(func(b *testing.B, wg waitGroup) {
		for range b.N {
			wg.Add(1)
			wg.Done()
		}
		wg.Wait()
	})(b)
}

func BenchmarkWaitGroupParallel(b *testing.B) {
	waitGroups(func(b *testing.B, wg waitGroup) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				wg.Add(1)
				wg.Done()
			}
		})
		wg.Wait()
	})(b)
}

// BenchmarkWaitGroupWait is a fork-join: each op starts a goroutine that
// calls Done and Waits for it, so Wait usually parks.
func BenchmarkWaitGroupWait(b *testing.B) {
	waitGroups(func(b *testing.B, wg waitGroup) {
		for range b.N {
			wg.Add(1)
			go wg.Done()
			wg.Wait()
		}
	})(b)
}
