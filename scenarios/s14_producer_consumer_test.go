package scenarios_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/scenarios"
)

type pcFunc = func(io.Writer, scenarios.ProducerConsumerConfig) (scenarios.ProducerConsumerResult, error)

func TestProducerConsumerBadParams(t *testing.T) {
	for _, tc := range []struct {
		param string
		mod   func(c *scenarios.ProducerConsumerConfig)
	}{
		{"MinItems", func(c *scenarios.ProducerConsumerConfig) { c.MinItems = -1 }},
		{"MaxItems", func(c *scenarios.ProducerConsumerConfig) { c.MaxItems = c.MinItems - 1 }},
		{"QueueSize", func(c *scenarios.ProducerConsumerConfig) { c.QueueSize = -1 }},
		{"Readers", func(c *scenarios.ProducerConsumerConfig) { c.Readers = 0 }},
		{"WriteSleep", func(c *scenarios.ProducerConsumerConfig) { c.WriteSleep = -1 }},
		{"MinReadSleep", func(c *scenarios.ProducerConsumerConfig) { c.MinReadSleep = -1 }},
		{"MaxReadSleep", func(c *scenarios.ProducerConsumerConfig) { c.MaxReadSleep = c.MinReadSleep - 1 }},
	} {
		cfg := scenarios.DefaultProducerConsumerConfig()
		tc.mod(&cfg)
		for name, f := range map[string]pcFunc{"ProducerConsumer": scenarios.ProducerConsumer, "CheckThenAct": scenarios.CheckThenAct} {
			_, err := f(nil, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
				t.Errorf("%s(%+v) error = %v; want ErrBadParam naming %s", name, cfg, err, tc.param)
			}
		}
	}
}

func runPC(t *testing.T, f pcFunc, cfg scenarios.ProducerConsumerConfig) scenarios.ProducerConsumerResult {
	t.Helper()
	var res scenarios.ProducerConsumerResult
	var err error
	if _, runErr := interleave.Run(func() { res, err = f(nil, cfg) }); runErr != nil || err != nil {
		t.Fatalf("run: %v, %v", runErr, err)
	}
	return res
}

func TestProducerConsumerDefault(t *testing.T) {
	cfg := scenarios.DefaultProducerConsumerConfig()
	res := runPC(t, scenarios.ProducerConsumer, cfg)
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
	if res.Items != 10 || res.MinQsize != 0 || res.MaxQsize != 7 || res.Elapsed != 35*time.Second {
		t.Errorf("result = %+v; want 10 items, qsize in [0, 7], done at 35s", res)
	}
}

// A small queue (the writer blocks when it is full) and three readers.
func TestProducerConsumerSmallQueueManyReaders(t *testing.T) {
	cfg := scenarios.ProducerConsumerConfig{Seed: 7, MinItems: 12, MaxItems: 12, QueueSize: 2, Readers: 3, MinReadSleep: 1, MaxReadSleep: 3}
	res := runPC(t, scenarios.ProducerConsumer, cfg)
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
	if res.MaxQsize != 2 {
		t.Errorf("MaxQsize = %d; want 2 (the writer outpaces the readers and blocks on a full queue)", res.MaxQsize)
	}
	for i, got := range res.Got {
		if len(got) != 4 {
			t.Errorf("reader %d got %d objects; want its share, 4", i, len(got))
		}
	}
	// No object at all: the threads start and finish.
	cfg = scenarios.ProducerConsumerConfig{Readers: 2}
	if res := runPC(t, scenarios.ProducerConsumer, cfg); res.Items != 0 || res.Check(cfg) != nil {
		t.Errorf("no objects: result = %+v", res)
	}
}

// checkPCPanics fails the model run when an S14 invariant breaks.
func checkPCPanics(f pcFunc, cfg scenarios.ProducerConsumerConfig) func() {
	return func() {
		res, err := f(nil, cfg)
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			panic(err)
		}
	}
}

// With two readers, the blocking version survives every schedule with one
// preemption; check-then-act loses objects with one, and not under the
// all-zero schedule.
func TestCheckThenActFound(t *testing.T) {
	cfg := scenarios.ProducerConsumerConfig{MinItems: 2, MaxItems: 2, QueueSize: 1, Readers: 2, WriteSleep: 1, MinReadSleep: 1, MaxReadSleep: 1}
	if cov, err := interleave.Exhaustive(checkPCPanics(scenarios.ProducerConsumer, cfg), 1); err != nil {
		t.Fatalf("ProducerConsumer: after %v: %v", cov, err)
	}
	if res := runPC(t, scenarios.CheckThenAct, cfg); res.Check(cfg) != nil {
		t.Errorf("CheckThenAct under the all-zero schedule: %v; want the bug hidden", res.Check(cfg))
	}
	_, err := interleave.Exhaustive(checkPCPanics(scenarios.CheckThenAct, cfg), 1)
	if err == nil || !strings.Contains(err.Error(), "get_nowait raised Empty after empty() returned False") {
		t.Fatalf("CheckThenAct: exhaustive error = %v; want get_nowait raising Empty", err)
	}
}

// Real mode, no sleeps: three readers, a queue of 2.
func TestProducerConsumerRealMode(t *testing.T) {
	cfg := scenarios.ProducerConsumerConfig{Seed: 3, MinItems: 50, MaxItems: 60, QueueSize: 2, Readers: 3}
	res, err := bounded.Call(t, "scenarios.ProducerConsumer in real mode", func() (scenarios.ProducerConsumerResult, error) { return scenarios.ProducerConsumer(io.Discard, cfg) })
	if err == nil {
		err = res.Check(cfg)
	}
	if err != nil {
		t.Error(err)
	}
}

// TestProducerConsumerCheckCatchesEachBreak: Check fails on each invariant
// it names, one broken at a time from a good result.
func TestProducerConsumerCheckCatchesEachBreak(t *testing.T) {
	cfg := scenarios.ProducerConsumerConfig{MinItems: 2, MaxItems: 4, QueueSize: 2, Readers: 2}
	good := func() scenarios.ProducerConsumerResult {
		return scenarios.ProducerConsumerResult{
			Items: 3, Put: []int{0, 1, 2}, Got: [][]int{{0, 2}, {1}}, MinQsize: 0, MaxQsize: 2,
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, c := range map[string]struct {
		cfg     scenarios.ProducerConsumerConfig
		breakIt func(*scenarios.ProducerConsumerResult)
	}{
		"act failed":     {cfg, func(r *scenarios.ProducerConsumerResult) { r.Failures = []string{"reader-1: Empty"} }},
		"left in queue":  {cfg, func(r *scenarios.ProducerConsumerResult) { r.Left = 1 }},
		"items range":    {cfg, func(r *scenarios.ProducerConsumerResult) { r.Items, r.Put, r.Got = 1, []int{0}, [][]int{{0}} }},
		"FIFO":           {cfg, func(r *scenarios.ProducerConsumerResult) { r.Got[0] = []int{2, 0} }},
		"lost":           {cfg, func(r *scenarios.ProducerConsumerResult) { r.Got[1] = nil }},
		"duplicated":     {cfg, func(r *scenarios.ProducerConsumerResult) { r.Got[1] = []int{1, 2} }},
		"qsize over":     {cfg, func(r *scenarios.ProducerConsumerResult) { r.MaxQsize = 3 }},
		"qsize negative": {cfg, func(r *scenarios.ProducerConsumerResult) { r.MinQsize = -1 }},
	} {
		r := good()
		c.breakIt(&r)
		if err := r.Check(c.cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}
