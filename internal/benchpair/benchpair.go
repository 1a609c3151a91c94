// Package benchpair measures a swap-in against the standard library in
// one benchmark run: the budget of issue 12 is at most 2x in real mode.
// Only tests import it.
//
// The machine the project runs on is shared, so wall-clock ratios taken
// seconds apart drift with the load. Run pairs the two measurements: its
// "interleave" sub-benchmark first runs the standard library's workload
// with the same b.N (timer stopped), then the swap-in's, and reports two
// ratios of the adjacent runs: "x-std" (wall clock) and "x-std-cpu" (the
// process's CPU time, which time spent descheduled by other processes
// does not inflate; 0 where the platform does not report it).
package benchpair

import (
	"testing"
	"time"
)

// Run runs std and then swap as sub-benchmarks of b ("std" and
// "interleave", so benchstat reports both), and reports on "interleave"
// the ratios of swap's time to std's measured right before it. Each
// function runs its workload b.N times.
func Run(b *testing.B, std, swap func(*testing.B)) {
	b.Run("std", std)
	b.Run("interleave", func(b *testing.B) {
		b.StopTimer()
		wall0, cpu0 := time.Now(), cpuTime()
		std(b)
		stdWall, stdCPU := time.Since(wall0), cpuTime()-cpu0
		b.StartTimer()
		cpu1 := cpuTime()
		swap(b)
		swapCPU := cpuTime() - cpu1
		b.ReportMetric(float64(b.Elapsed())/float64(stdWall), "x-std")
		if stdCPU > 0 {
			b.ReportMetric(float64(swapCPU)/float64(stdCPU), "x-std-cpu")
		}
	})
}
