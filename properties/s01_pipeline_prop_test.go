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
		res := exploreScenario(rt, cov, func() (scenarios.PipelineResult, error) { return scenarios.Pipeline(io.Discard, cfg) })
		checkPipeline(rt, cfg, res.Check(cfg))

		zero := runZero(rt, func() (scenarios.PipelineResult, error) { return scenarios.Pipeline(nil, cfg) })
		checkPipeline(rt, cfg, zero.Check(cfg))
		checkPipeline(rt, cfg, zero.CheckAllZero(cfg))
		seq := runZero(rt, func() (scenarios.PipelineResult, error) { return scenarios.PipelineSequential(nil, cfg) })
		checkPipeline(rt, cfg, seq.CheckSequential(cfg))
		if want := (cfg.ReadTime + cfg.ProcessTime) * time.Duration(cfg.Records); seq.Makespan != want {
			rt.Fatalf("PipelineSequential(%+v).Makespan = %v; want n*(read+process) = %v", cfg, seq.Makespan, want)
		}
	})
}

// checkPipeline is S01's property: the scenario's own check (err is
// PipelineResult.Check's or CheckSequential's answer).
func checkPipeline(rt *rapid.T, cfg scenarios.PipelineConfig, err error) {
	rt.Helper()
	if err != nil {
		rt.Fatalf("Pipeline(%+v): %v", cfg, err)
	}
}
