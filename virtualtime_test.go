package interleave_test

import (
	"io"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// TestVirtualTimeS01Sized runs the tutorial's motivation at full size:
// 10,000 records, 0.1 s to read and 1 s to process each. Sequentially that
// is 11,000 virtual seconds, exactly; with 10 workers the pipeline's bound.
// (Its wall time, about 0.2 s, is measured by the scenario's Example run
// with -v, not asserted here.)
func TestVirtualTimeS01Sized(t *testing.T) {
	cfg := scenarios.DefaultPipelineConfig()
	var seq, par scenarios.PipelineResult
	tr, err := interleave.Run(func() {
		var err error
		if seq, err = scenarios.PipelineSequential(io.Discard, cfg); err != nil {
			panic(err)
		}
		if par, err = scenarios.Pipeline(io.Discard, cfg); err != nil {
			panic(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if seq.Makespan != 11000*time.Second {
		t.Errorf("sequential makespan = %v; want 11000s", seq.Makespan)
	}
	want, err := scenarios.PipelineMakespan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if par.Makespan != want {
		t.Errorf("10-worker makespan = %v; want %v", par.Makespan, want)
	}
	if tr.Duration != seq.Makespan+par.Makespan {
		t.Errorf("run's virtual duration = %v; want %v", tr.Duration, seq.Makespan+par.Makespan)
	}
}
