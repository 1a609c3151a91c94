package scenarios_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

func TestPipelineBadParams(t *testing.T) {
	ok := scenarios.DefaultPipelineConfig()
	for _, tc := range []struct {
		name string
		edit func(*scenarios.PipelineConfig)
	}{
		{"Records<0", func(c *scenarios.PipelineConfig) { c.Records = -1 }},
		{"Records>max", func(c *scenarios.PipelineConfig) { c.Records = scenarios.MaxPipelineRecords + 1 }},
		{"Workers=0", func(c *scenarios.PipelineConfig) { c.Workers = 0 }},
		{"Workers>max", func(c *scenarios.PipelineConfig) { c.Workers = scenarios.MaxPipelineWorkers + 1 }},
		{"ReadTime<0", func(c *scenarios.PipelineConfig) { c.ReadTime = -time.Second }},
		{"ProcessTime<0", func(c *scenarios.PipelineConfig) { c.ProcessTime = -time.Second }},
		{"QueueSize<0", func(c *scenarios.PipelineConfig) { c.QueueSize = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			var out bytes.Buffer
			if _, err := scenarios.Pipeline(&out, cfg); !errors.Is(err, scenarios.ErrBadParam) {
				t.Errorf("Pipeline(%+v) error = %v; want ErrBadParam", cfg, err)
			}
			if _, err := scenarios.PipelineMakespan(cfg); !errors.Is(err, scenarios.ErrBadParam) {
				t.Errorf("PipelineMakespan(%+v) error = %v; want ErrBadParam", cfg, err)
			}
			if out.Len() != 0 {
				t.Errorf("Pipeline printed %q for a bad parameter; want nothing", out.String())
			}
		})
	}
	// Workers does not matter to the sequential version; the rest does.
	seq := ok
	seq.Workers = 0
	var err error
	if _, rerr := interleave.Run(func() { _, err = scenarios.PipelineSequential(io.Discard, seq) }); rerr != nil || err != nil {
		t.Errorf("PipelineSequential(Workers: 0): run error %v, error %v; want nil (Workers is not used)", rerr, err)
	}
	seq.Records = -1
	if _, err := scenarios.PipelineSequential(io.Discard, seq); !errors.Is(err, scenarios.ErrBadParam) {
		t.Errorf("PipelineSequential(Records: -1) error = %v; want ErrBadParam", err)
	}
}

// runPipeline runs Pipeline under the all-zero schedule.
func runPipeline(t *testing.T, cfg scenarios.PipelineConfig) scenarios.PipelineResult {
	t.Helper()
	var res scenarios.PipelineResult
	var err error
	if _, rerr := interleave.Run(func() { res, err = scenarios.Pipeline(io.Discard, cfg) }); rerr != nil {
		t.Fatalf("Pipeline(%+v) run failed: %v", cfg, rerr)
	}
	if err != nil {
		t.Fatalf("Pipeline(%+v) error = %v", cfg, err)
	}
	return res
}

// checkPipeline asserts S01's invariant (PipelineResult.Check) and, as
// runPipeline runs the all-zero schedule, that the makespan is exactly the
// analytic one (CheckAllZero).
func checkPipeline(t *testing.T, cfg scenarios.PipelineConfig, res scenarios.PipelineResult) {
	t.Helper()
	if err := res.Check(cfg); err != nil {
		t.Fatalf("Pipeline(%+v): %v", cfg, err)
	}
	if err := res.CheckAllZero(cfg); err != nil {
		t.Errorf("Pipeline(%+v): %v", cfg, err)
	}
}

func TestPipelineDefault(t *testing.T) {
	cfg := scenarios.DefaultPipelineConfig()
	res := runPipeline(t, cfg)
	checkPipeline(t, cfg, res)
	if want := 1001 * time.Second; res.Makespan != want {
		t.Errorf("Makespan = %v; want %v (the last record is read at 1,000 s)", res.Makespan, want)
	}
	// With 10 workers and p = 10 r each worker processes every tenth record.
	for k, n := range res.PerWorker {
		if n != cfg.Records/cfg.Workers {
			t.Errorf("PerWorker[%d] = %d; want %d", k, n, cfg.Records/cfg.Workers)
		}
	}
}

func TestPipelineMakespanClosedForm(t *testing.T) {
	// The closed form of PipelineMakespan's doc, for the tutorial's times.
	r, p := 100*time.Millisecond, time.Second
	for _, n := range []int{1, 2, 9, 10, 11, 99, 100, 101, 1000} {
		for _, w := range []int{1, 2, 3, 7, 10, 11, 100, 1000} {
			cfg := scenarios.PipelineConfig{Records: n, Workers: w, ReadTime: r, ProcessTime: p}
			got, err := scenarios.PipelineMakespan(cfg)
			if err != nil {
				t.Fatal(err)
			}
			k := (n+w-1)/w - 1
			want := p + max(time.Duration(n)*r, time.Duration(n-k*w)*r+time.Duration(k)*p)
			if got != want {
				t.Errorf("PipelineMakespan(n=%d, W=%d) = %v; want %v", n, w, got, want)
			}
		}
	}
}

func TestPipelineShapes(t *testing.T) {
	r, p := 100*time.Millisecond, time.Second
	for _, cfg := range []scenarios.PipelineConfig{
		{Records: 0, Workers: 3, ReadTime: r, ProcessTime: p},
		{Records: 1, Workers: 1, ReadTime: r, ProcessTime: p},
		{Records: 7, Workers: 3, ReadTime: r, ProcessTime: p},
		{Records: 5, Workers: 20, ReadTime: r, ProcessTime: p},
		{Records: 50, Workers: 4, ReadTime: 0, ProcessTime: p},
		{Records: 50, Workers: 4, ReadTime: r, ProcessTime: 0},
		{Records: 50, Workers: 4}, // everything instant
		// Bounded queues: the reader waits for room.
		{Records: 40, Workers: 2, ReadTime: r, ProcessTime: p, QueueSize: 1},
		{Records: 40, Workers: 10, ReadTime: r, ProcessTime: p, QueueSize: 1},
		{Records: 40, Workers: 3, ReadTime: time.Second, ProcessTime: r, QueueSize: 2},
		{Records: 40, Workers: 5, ReadTime: r, ProcessTime: 3 * time.Second, QueueSize: 3},
	} {
		checkPipeline(t, cfg, runPipeline(t, cfg))
	}
}

func TestPipelineSequential(t *testing.T) {
	cfg := scenarios.DefaultPipelineConfig()
	var res scenarios.PipelineResult
	var err error
	var out bytes.Buffer
	if _, rerr := interleave.Run(func() { res, err = scenarios.PipelineSequential(&out, cfg) }); rerr != nil || err != nil {
		t.Fatalf("PipelineSequential: run error %v, error %v", rerr, err)
	}
	if err := res.CheckSequential(cfg); err != nil {
		t.Errorf("PipelineSequential(%+v): %v", cfg, err)
	}
	if want := 11000 * time.Second; res.Makespan != want {
		t.Errorf("Makespan = %v; want %v", res.Makespan, want)
	}
	if got, want := out.String(), "10000 records, sequential: 11000s\n"; got != want {
		t.Errorf("printout = %q; want %q", got, want)
	}
}

// TestPipelineExplored runs a small pipeline under PCT schedules: whatever
// the interleaving, it keeps S01's invariant (each record is processed
// once, and delays only add to the analytic makespan).
func TestPipelineExplored(t *testing.T) {
	cfg := scenarios.PipelineConfig{Records: 12, Workers: 3, ReadTime: 100 * time.Millisecond, ProcessTime: time.Second, QueueSize: 2}
	for seed := range uint64(20) {
		var res scenarios.PipelineResult
		var perr error
		if _, rerr := interleave.Run(func() { res, perr = scenarios.Pipeline(io.Discard, cfg) },
			interleave.PCT(2, 200), interleave.Seed(seed)); rerr != nil || perr != nil {
			t.Fatalf("seed %d: run error %v, error %v", seed, rerr, perr)
		}
		if err := res.Check(cfg); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
	}
}

// TestPipelineCheckCatchesEachBreak: Check and CheckSequential fail on each
// part of S01's invariant, one broken at a time from a good result.
func TestPipelineCheckCatchesEachBreak(t *testing.T) {
	cfg := scenarios.PipelineConfig{Records: 2, Workers: 2, ReadTime: time.Second, ProcessTime: time.Second}
	good := func() scenarios.PipelineResult {
		return scenarios.PipelineResult{Records: 2, Workers: 2, Processed: []int{1, 1}, PerWorker: []int{1, 1}, Makespan: 3 * time.Second}
	}
	goodSeq := func() scenarios.PipelineResult {
		return scenarios.PipelineResult{Records: 2, Workers: 1, Processed: []int{1, 1}, PerWorker: []int{2}, Makespan: 4 * time.Second}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	if err := goodSeq().CheckSequential(cfg); err != nil {
		t.Fatalf("CheckSequential(good) = %v; want nil", err)
	}
	if err := good().CheckAllZero(cfg); err != nil {
		t.Fatalf("CheckAllZero(good) = %v; want nil", err)
	}
	late := good()
	late.Makespan += time.Millisecond // a schedule's delay may add it
	if err := late.Check(cfg); err != nil {
		t.Errorf("Check(late) = %v; want nil", err)
	}
	if err := late.CheckAllZero(cfg); err == nil {
		t.Errorf("CheckAllZero(late) = nil; want an error")
	}
	breaks := map[string]func(*scenarios.PipelineResult){
		"records":         func(r *scenarios.PipelineResult) { r.Records = 3 },
		"workers":         func(r *scenarios.PipelineResult) { r.Workers++ },
		"record missing":  func(r *scenarios.PipelineResult) { r.Processed = r.Processed[:1] },
		"worker missing":  func(r *scenarios.PipelineResult) { r.PerWorker = r.PerWorker[1:] },
		"never processed": func(r *scenarios.PipelineResult) { r.Processed[0] = 0 },
		"processed twice": func(r *scenarios.PipelineResult) { r.Processed[1] = 2 },
		"shares too many": func(r *scenarios.PipelineResult) { r.PerWorker[0]++ },
		"below the bound": func(r *scenarios.PipelineResult) { r.Makespan -= time.Millisecond },
		"zero makespan":   func(r *scenarios.PipelineResult) { r.Makespan = 0 },
	}
	for name, breakIt := range breaks {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
		r = goodSeq()
		breakIt(&r)
		if err := r.CheckSequential(cfg); err == nil {
			t.Errorf("%s: CheckSequential = nil; want an error", name)
		}
	}
	bad := cfg
	bad.Workers = 0
	if err := good().Check(bad); !errors.Is(err, scenarios.ErrBadParam) {
		t.Errorf("Check(Workers: 0) = %v; want ErrBadParam", err)
	}
}
