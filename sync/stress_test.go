package sync_test

import (
	"runtime"
	gosync "sync"
	"testing"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/sync"
)

// Real-mode stress of the parking paths (the Mutex's spin before it parks,
// the WaitGroup's atomic counter, pooled waiters with their channels): a
// lost wake-up shows as a failure that names the operation within seconds
// (bounded.Do), never as a hung test. Measured under -race on 2 shared
// cores: each bounded call takes well under a second.

func TestStressMutex(t *testing.T) {
	const workers, per = 8, 5000
	bounded.Do(t, "Mutex.Lock by 8 goroutines", func() {
		var m sync.Mutex
		var wg gosync.WaitGroup
		count := 0
		for w := range workers {
			wg.Go(func() {
				for i := range per {
					if (w+i)%7 == 0 {
						for !m.TryLock() {
							runtime.Gosched()
						}
					} else {
						m.Lock()
					}
					count++
					m.Unlock()
				}
			})
		}
		wg.Wait()
		if count != workers*per {
			t.Errorf("count = %d; want %d", count, workers*per)
		}
	})
}

// TestStressRWMutex checks exclusion while readers and writers park on
// each other: no reader sees a writer inside, no two writers overlap.
func TestStressRWMutex(t *testing.T) {
	const readers, writers, per = 4, 2, 3000
	bounded.Do(t, "RWMutex.Lock/RLock by 4 readers and 2 writers", func() {
		var rw sync.RWMutex
		var wg gosync.WaitGroup
		writing, writes := 0, 0
		for range writers {
			wg.Go(func() {
				for range per {
					rw.Lock()
					writing++
					if writing != 1 {
						t.Errorf("%d writers inside RWMutex.Lock; want 1", writing)
					}
					writes++
					writing--
					rw.Unlock()
				}
			})
		}
		for range readers {
			wg.Go(func() {
				for range per {
					rw.RLock()
					if writing != 0 {
						t.Errorf("a reader inside RWMutex.RLock sees %d writers; want 0", writing)
					}
					rw.RUnlock()
				}
			})
		}
		wg.Wait()
		if writes != writers*per {
			t.Errorf("writes = %d; want %d", writes, writers*per)
		}
	})
}

// TestStressWaitGroupReuse reuses one WaitGroup for many rounds, each
// with 3 workers and 2 Waits; the next round starts once both Waits have
// returned, so no round is a reuse-before-return misuse.
func TestStressWaitGroupReuse(t *testing.T) {
	const rounds = 3000
	bounded.Do(t, "WaitGroup.Wait over reused rounds", func() {
		var wg sync.WaitGroup
		for round := range rounds {
			var done [3]bool
			wg.Add(len(done))
			var waits gosync.WaitGroup
			for range 2 {
				waits.Go(func() {
					wg.Wait()
					for i, d := range done {
						if !d {
							t.Errorf("round %d: Wait returned before worker %d's Done", round, i)
						}
					}
				})
			}
			for i := range done {
				go func() {
					done[i] = true
					wg.Done()
				}()
			}
			waits.Wait()
		}
	})
}
