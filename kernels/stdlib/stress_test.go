package stdlib_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave/kernels/stdlib"
)

// timeout after which a stress run counts as deadlocked. A healthy run
// takes microseconds; 50ms leaves room for a loaded 2-core machine.
const timeout = 50 * time.Millisecond

// TestFixedPass runs every fixed twin with real goroutines: none may fail
// or time out.
func TestFixedPass(t *testing.T) {
	for _, k := range stdlib.All {
		t.Run(k.Name, func(t *testing.T) {
			for i := range 50 {
				if err := stdlib.RunOnce(k, true, time.Second); err != nil {
					t.Fatalf("run %d of the fixed %s: %v; want nil", i, k.Name, err)
				}
			}
		})
	}
}

// BenchmarkStress is go test -count=N stress (run it without -race: the
// buggy non-blocking kernels hold the data races the race detector would
// report, and -race fails the benchmark on the first) on the standard-library
// kernels: each iteration runs a buggy kernel until it fails (at most
// maxRuns times) and reports the mean runs-to-failure, and how many
// iterations never failed.
func BenchmarkStress(b *testing.B) {
	const maxRuns = 10000
	for _, k := range stdlib.All {
		b.Run(k.Name, func(b *testing.B) {
			total, missed := 0, 0
			for range b.N {
				runs := 0
				for runs < maxRuns {
					runs++
					if stdlib.RunOnce(k, false, timeout) != nil {
						break
					}
				}
				if runs == maxRuns {
					missed++
				}
				total += runs
			}
			b.ReportMetric(float64(total)/float64(b.N), "runs/failure")
			b.ReportMetric(float64(missed), "missed")
		})
	}
}
