package scenarios_test

import (
	"fmt"
	"io"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// The FAQ's claims on the virtual clock: four tasks of 1s of CPU take 4s
// under the GIL however many threads share them; four tasks of 1s of I/O
// (and 10ms of CPU) take about 4s / N on N threads. Without the GIL, the
// CPU-bound tasks shrink too.
func ExampleGIL() {
	gil := func(cfg scenarios.GILConfig) scenarios.GILResult {
		var res scenarios.GILResult
		if _, err := interleave.Run(func() { res, _ = scenarios.GIL(io.Discard, cfg) }); err != nil {
			fmt.Println(err)
		}
		return res
	}
	fmt.Printf("%-8s %-10s %-10s %s\n", "threads", "cpu-bound", "io-bound", "cpu-bound, no GIL")
	for _, n := range []int{1, 2, 4} {
		cfg := scenarios.DefaultGILConfig()
		cfg.Threads = n
		cpu := gil(cfg)
		cfg.FreeThreaded = true
		free := gil(cfg)
		cfg.FreeThreaded, cfg.Workload = false, scenarios.IOBound
		io := gil(cfg)
		fmt.Printf("%-8d %-10v %-10v %v\n", n, cpu.Makespan, io.Makespan, free.Makespan)
	}
	fmt.Println()

	// One run's own printout: two CPU-bound threads under the GIL.
	cfg := scenarios.DefaultGILConfig()
	cfg.Threads = 2
	if _, err := interleave.Run(func() { _, _ = scenarios.GIL(os.Stdout, cfg) }); err != nil {
		fmt.Println(err)
	}
	// Output:
	// threads  cpu-bound  io-bound   cpu-bound, no GIL
	// 1        4s         4.04s      4s
	// 2        4s         2.03s      2s
	// 4        4s         1.04s      1s
	//
	// start at: 0s: 4 cpu-bound tasks on 2 threads, a GIL
	// Thread-1 done at: 2s
	// Thread-2 done at: 4s
	// makespan: 4s
}
