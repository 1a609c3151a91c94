package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// ExamplePipeline prints the motivation's numbers: 10,000 records, 0.1 s to
// read one, 1 s to process one. Alone, one thread takes 11,000 s; with W
// workers the makespan is PipelineMakespan's bound, p + max(n*r,
// (n-K*W)*r + K*p) with K = ceil(n/W)-1: the workers are the bottleneck
// up to W = 10 (10,000.1 s with 1, 5,000.2 s with 2: the first record is
// read after 0.1 s, the second after 0.2 s), the reader from W = 10 on
// (1,001 s: the last record is read at 1,000 s and processed in 1 s).
// Every sleep is virtual, so the whole example takes well under a second.
func ExamplePipeline() {
	run := func(body func()) {
		if _, err := interleave.Run(body); err != nil {
			fmt.Println(err)
		}
	}
	cfg := scenarios.DefaultPipelineConfig()
	run(func() { _, _ = scenarios.PipelineSequential(os.Stdout, cfg) })
	for _, w := range []int{1, 2, 10, 100} {
		cfg.Workers = w
		run(func() { _, _ = scenarios.Pipeline(os.Stdout, cfg) })
	}
	// Output:
	// 10000 records, sequential: 11000s
	// 10000 records, 1 workers: 10000.1s
	// 10000 records, 2 workers: 5000.2s
	// 10000 records, 10 workers: 1001s
	// 10000 records, 100 workers: 1001s
}
