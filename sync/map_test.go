package sync_test

import (
	"testing"

	"github.com/interleave-lab/interleave/sync"
)

func TestMap(t *testing.T) {
	var m sync.Map
	if _, ok := m.Load("a"); ok {
		t.Fatal("Load on an empty Map found a value")
	}
	m.Store("a", 1)
	if v, loaded := m.LoadOrStore("a", 2); !loaded || v != 1 {
		t.Fatalf("LoadOrStore = %v, %v; want 1, true", v, loaded)
	}
	if v, loaded := m.LoadOrStore("b", 2); loaded || v != 2 {
		t.Fatalf("LoadOrStore = %v, %v; want 2, false", v, loaded)
	}
	if prev, loaded := m.Swap("a", 3); !loaded || prev != 1 {
		t.Fatalf("Swap = %v, %v; want 1, true", prev, loaded)
	}
	if !m.CompareAndSwap("a", 3, 4) || m.CompareAndSwap("a", 3, 5) {
		t.Fatal("CompareAndSwap: got wrong results")
	}
	if m.CompareAndDelete("a", 3) || !m.CompareAndDelete("a", 4) {
		t.Fatal("CompareAndDelete: got wrong results")
	}
	if v, loaded := m.LoadAndDelete("b"); !loaded || v != 2 {
		t.Fatalf("LoadAndDelete = %v, %v; want 2, true", v, loaded)
	}
	m.Store("c", 1)
	m.Store("d", 1)
	m.Delete("d")
	n := 0
	m.Range(func(k, v any) bool { n++; return true })
	if n != 1 {
		t.Fatalf("Range visited %d keys; want 1", n)
	}
	m.Clear()
	m.Range(func(k, v any) bool { t.Fatal("Range after Clear visited a key"); return false })
}

// Check-then-act on a Map: Load then Store is not atomic; the explorer
// interleaves the calls, LoadOrStore is the fix.
func TestMapCheckThenActFound(t *testing.T) {
	body := func(atomic bool) func() {
		return func() {
			var m sync.Map
			var wg sync.WaitGroup
			created := 0
			var mu sync.Mutex
			for range 2 {
				wg.Go(func() {
					if atomic {
						if _, loaded := m.LoadOrStore("k", 1); !loaded {
							mu.Lock()
							created++
							mu.Unlock()
						}
						return
					}
					if _, ok := m.Load("k"); !ok {
						m.Store("k", 1)
						mu.Lock()
						created++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if created != 1 {
				panic("created twice")
			}
		}
	}
	mustFail(t, 1, body(false), errThreadPanic(), "created twice")
	exhaustive(t, 2, body(true))
}

func TestPool(t *testing.T) {
	p := sync.Pool{New: func() any { return "new" }}
	if v := p.Get(); v != "new" {
		t.Fatalf("Get on an empty Pool = %v; want New's value", v)
	}
	exhaustive(t, 0, func() {
		var p sync.Pool
		p.Put("a")
		if v := p.Get(); v != "a" {
			panic("model Pool lost its item")
		}
		if v := p.Get(); v != nil {
			panic("model Pool invented an item")
		}
	})
}
