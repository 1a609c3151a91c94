package scenarios_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/interleave-lab/interleave/primitives"
)

// The other half of S15's claim, on real cores: a CPU-bound workload split
// over plain goroutines speeds up with the number of cores (Go has no GIL),
// while the same goroutines made to hold one global lock while they compute
// (a real-mode GIL, released every switch interval) do not.
//
//	go test -run '^$' -bench GILCPUBound -benchtime 20x ./scenarios/
//
// The total work is fixed; ns/op is the makespan.

const (
	benchBytecodes     = 1 << 16 // bytecodes of work in all
	benchBytecodeIters = 64      // xorshift steps per bytecode
	benchSwitch        = 100     // bytecodes between GIL releases
)

var benchSink uint64

// bytecodes runs n bytecodes of pure CPU work and returns a value that
// depends on every step, so the compiler keeps the loop.
func bytecodes(n int, x uint64) uint64 {
	for range n * benchBytecodeIters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// cpuBound splits the work over g goroutines; with gil, each holds gil for
// benchSwitch bytecodes at a time, as the interpreter loop of the tutorial.
func cpuBound(g int, gil *primitives.Lock) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range g {
		n := benchBytecodes / g
		wg.Go(func() {
			x := uint64(i + 1)
			for n > 0 {
				slice := min(n, benchSwitch)
				if gil != nil {
					gil.Acquire()
				}
				x = bytecodes(slice, x)
				if gil != nil {
					gil.Release()
				}
				n -= slice
			}
			mu.Lock()
			benchSink += x
			mu.Unlock()
		})
	}
	wg.Wait()
}

func BenchmarkGILCPUBound(b *testing.B) {
	for _, gil := range []bool{false, true} {
		for _, g := range []int{1, 2, 4} {
			name := fmt.Sprintf("goroutines=%d", g)
			if gil {
				name = fmt.Sprintf("gil/goroutines=%d", g)
			}
			b.Run(name, func(b *testing.B) {
				var lock *primitives.Lock
				if gil {
					lock = new(primitives.Lock)
				}
				for b.Loop() {
					cpuBound(g, lock)
				}
			})
		}
	}
}
