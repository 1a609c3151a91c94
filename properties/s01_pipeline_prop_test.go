package properties_test

import (
	"io"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS01Pipeline: on every explored schedule the pipeline processes
// every record exactly once, the workers' shares add up to the records, and
// the makespan is never below the analytic bound (a schedule's delays only
// add to it); under the all-zero schedule the makespan equals the bound
// exactly, and the sequential version takes exactly n*(read+process).
func TestPropS01Pipeline(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S01Pipeline", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.PipelineConfig{
			Records:     rapid.IntRange(0, 30).Draw(rt, "records"),
			Workers:     rapid.IntRange(1, 4).Draw(rt, "workers"),
			ReadTime:    drawMs(rt, "read", 0, 300, 100),
			ProcessTime: drawMs(rt, "process", 0, 2000, 250),
			QueueSize:   rapid.IntRange(0, 3).Draw(rt, "queue size"),
		}
		bound, err := scenarios.PipelineMakespan(cfg)
		if err != nil {
			rt.Fatalf("PipelineMakespan(%+v) = %v; want no error", cfg, err)
		}
		res := exploreScenario(rt, cov, func() (scenarios.PipelineResult, error) { return scenarios.Pipeline(io.Discard, cfg) })
		checkProcessedOnce(rt, res, cfg.Records, cfg.Workers)
		if res.Makespan < bound {
			rt.Fatalf("Pipeline(%+v).Makespan = %v; want >= the analytic bound %v", cfg, res.Makespan, bound)
		}

		zero := runZero(rt, func() (scenarios.PipelineResult, error) { return scenarios.Pipeline(nil, cfg) })
		checkProcessedOnce(rt, zero, cfg.Records, cfg.Workers)
		if zero.Makespan != bound {
			rt.Fatalf("Pipeline(%+v).Makespan (all-zero schedule) = %v; want the analytic bound %v", cfg, zero.Makespan, bound)
		}
		seq := runZero(rt, func() (scenarios.PipelineResult, error) { return scenarios.PipelineSequential(nil, cfg) })
		checkProcessedOnce(rt, seq, cfg.Records, 1)
		if want := (cfg.ReadTime + cfg.ProcessTime) * time.Duration(cfg.Records); seq.Makespan != want {
			rt.Fatalf("PipelineSequential(%+v).Makespan = %v; want n*(read+process) = %v", cfg, seq.Makespan, want)
		}
	})
}

func checkProcessedOnce(rt *rapid.T, res scenarios.PipelineResult, n, workers int) {
	rt.Helper()
	if res.Records != n || len(res.Processed) != n || len(res.PerWorker) != workers {
		rt.Fatalf("Pipeline result shape = %d records, %d processed, %d workers; want %d, %d, %d",
			res.Records, len(res.Processed), len(res.PerWorker), n, n, workers)
	}
	for i, c := range res.Processed {
		if c != 1 {
			rt.Fatalf("Processed[%d] = %d; want 1 (every record processed exactly once)", i, c)
		}
	}
	sum := 0
	for _, c := range res.PerWorker {
		sum += c
	}
	if sum != n {
		rt.Fatalf("sum(PerWorker) = %d; want %d records", sum, n)
	}
}
