//lint:file-ignore SA2001 empty critical sections are the point: they exercise Lock and Unlock alone

package sync_test

import (
	"sync/atomic"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/sync"
)

// hammerRWMutex is Go's rwmutex_test.go hammer: activity counts readers
// (+1) and writers (+10000); the invariants are checked inside.
func hammerRWMutex(t *testing.T, gomaxprocs, numReaders, iterations int) {
	var activity int32
	var rwm sync.RWMutex
	cdone := make(chan bool)
	reader := func() {
		for range iterations {
			rwm.RLock()
			n := atomic.AddInt32(&activity, 1)
			if n < 1 || n >= 10000 {
				rwm.RUnlock()
				panic("rlock: wrong activity")
			}
			atomic.AddInt32(&activity, -1)
			rwm.RUnlock()
		}
		cdone <- true
	}
	writer := func() {
		for range iterations {
			rwm.Lock()
			n := atomic.AddInt32(&activity, 10000)
			if n != 10000 {
				rwm.Unlock()
				panic("wlock: wrong activity")
			}
			atomic.AddInt32(&activity, -10000)
			rwm.Unlock()
		}
		cdone <- true
	}
	go writer()
	i := 0
	for ; i < numReaders/2; i++ {
		go reader()
	}
	go writer()
	for ; i < numReaders; i++ {
		go reader()
	}
	for range 2 + numReaders {
		<-cdone
	}
}

func TestRWMutexReal(t *testing.T) {
	var m sync.RWMutex
	m.Lock()
	if m.TryLock() || m.TryRLock() {
		t.Fatal("TryLock/TryRLock succeeded with the write lock held")
	}
	m.Unlock()
	r1, r2 := m.TryRLock(), m.TryRLock()
	if !r1 || !r2 || m.TryLock() {
		t.Fatal("TryRLock twice then TryLock: got wrong results")
	}
	m.RUnlock()
	m.RUnlock()
	if !m.TryLock() {
		t.Fatal("TryLock failed with the mutex unlocked")
	}
	m.Unlock()
	hammerRWMutex(t, 4, 10, 300)
}

func TestRWMutexHammerModel(t *testing.T) {
	exhaustive(t, 2, func() {
		var rw sync.RWMutex
		readers, writers := 0, 0
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				if i == 0 {
					rw.Lock()
					writers++
					if writers != 1 || readers != 0 {
						panic("writer not alone")
					}
					writers--
					rw.Unlock()
					return
				}
				rw.RLock()
				readers++
				if writers != 0 {
					panic("reader with a writer")
				}
				readers--
				rw.RUnlock()
			})
		}
		wg.Wait()
	})
}

// A blocked writer excludes new readers: a recursive read lock deadlocks
// once a writer waits, as Go documents.
func TestRWMutexWriterExcludesNewReaders(t *testing.T) {
	mustFail(t, 1, func() {
		var rw sync.RWMutex
		goroutine.GoNamed("reader", func() {
			rw.RLock()
			rw.RLock() // recursive read locking
			rw.RUnlock()
			rw.RUnlock()
		})
		goroutine.GoNamed("writer", func() { rw.Lock(); rw.Unlock() })
	}, interleave.ErrDeadlock, "\n  reader blocks on RWMutex#1 (RWMutex.RLock) at sync/rwmutex_test.go:",
		"\n  writer blocks on RWMutex#1 (RWMutex.Lock) at sync/rwmutex_test.go:")
}

func TestRWMutexMisuse(t *testing.T) {
	var rw sync.RWMutex
	mustPanicWith(t, sync.ErrRUnlockOfUnlocked, rw.RUnlock)
	mustPanicWith(t, sync.ErrUnlockOfUnlocked, rw.Unlock)
	rw.RLock()
	mustPanicWith(t, sync.ErrUnlockOfUnlocked, rw.Unlock)
	rw.RUnlock()
}

func TestRLocker(t *testing.T) {
	var rw sync.RWMutex
	l := rw.RLocker()
	l.Lock()
	l.Lock()
	if rw.TryLock() {
		t.Fatal("TryLock succeeded with two RLocker locks held")
	}
	l.Unlock()
	l.Unlock()
	if !rw.TryLock() {
		t.Fatal("TryLock failed after the RLocker unlocked")
	}
	rw.Unlock()
}
