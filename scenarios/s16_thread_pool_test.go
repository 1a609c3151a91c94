package scenarios_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/scenarios"
)

type poolFunc = func(io.Writer, scenarios.ThreadPoolConfig) (scenarios.ThreadPoolResult, error)

func TestThreadPoolBadParams(t *testing.T) {
	for _, tc := range []struct {
		param string
		mod   func(c *scenarios.ThreadPoolConfig)
	}{
		{"Workers", func(c *scenarios.ThreadPoolConfig) { c.Workers = 0 }},
		{"Workers", func(c *scenarios.ThreadPoolConfig) { c.Workers = -1 }},
		{"Items", func(c *scenarios.ThreadPoolConfig) { c.Items = -1 }},
		{"QueueSize", func(c *scenarios.ThreadPoolConfig) { c.QueueSize = -1 }},
		{"Work", func(c *scenarios.ThreadPoolConfig) { c.Work = -time.Second }},
		{"Mode", func(c *scenarios.ThreadPoolConfig) { c.Mode = 7 }},
	} {
		cfg := scenarios.DefaultThreadPoolConfig()
		tc.mod(&cfg)
		for name, f := range map[string]poolFunc{"ThreadPool": scenarios.ThreadPool, "TooFewSentinels": scenarios.TooFewSentinels} {
			_, err := f(nil, cfg)
			if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
				t.Errorf("%s(%+v) error = %v; want ErrBadParam naming %s", name, cfg, err, tc.param)
			}
		}
	}
}

func TestThreadPoolDefault(t *testing.T) {
	for _, mode := range []scenarios.ShutdownMode{scenarios.ShutdownSentinel, scenarios.ShutdownJoin} {
		cfg := scenarios.DefaultThreadPoolConfig()
		cfg.Mode = mode
		var res scenarios.ThreadPoolResult
		var err error
		if _, runErr := interleave.Run(func() { res, err = scenarios.ThreadPool(nil, cfg) }); runErr != nil || err != nil {
			t.Fatalf("%v: run: %v, %v", mode, runErr, err)
		}
		if err := res.Check(cfg); err != nil {
			t.Errorf("%v: %v", mode, err)
		}
		if res.JoinedAt != 3*time.Second {
			t.Errorf("%v: JoinedAt = %v; want 3s", mode, res.JoinedAt)
		}
	}
}

// Both shutdowns, two workers, an unbounded and a bounded queue, over the
// schedules with one preemption (up to a budget).
func TestThreadPoolExplored(t *testing.T) {
	for _, cfg := range []scenarios.ThreadPoolConfig{
		{Workers: 2, Items: 3, Work: time.Second, Mode: scenarios.ShutdownSentinel},
		{Workers: 2, Items: 3, QueueSize: 1, Work: time.Second, Mode: scenarios.ShutdownJoin},
		{Workers: 3, Items: 0, Mode: scenarios.ShutdownJoin},
	} {
		cov, err := interleave.Exhaustive(func() {
			res, err := scenarios.ThreadPool(nil, cfg)
			if err == nil {
				err = res.Check(cfg)
			}
			if err != nil {
				panic(err)
			}
		}, 1, interleave.MaxSchedules(400))
		if err != nil {
			t.Fatalf("%+v: after %v: %v", cfg, cov, err)
		}
	}
}

// One sentinel too few: the worker left without one waits in Queue.Get
// forever, and exit waits for it: the explorer reports a deadlock naming
// it, on the all-zero schedule as on any other.
func TestTooFewSentinelsDeadlock(t *testing.T) {
	cfg := scenarios.DefaultThreadPoolConfig()
	for _, sched := range []string{"", "5:230", "9:256 14:250"} {
		s, err := interleave.ParseSchedule(sched)
		if err != nil {
			t.Fatal(err)
		}
		var res scenarios.ThreadPoolResult
		_, runErr := interleave.Run(func() { res, _ = scenarios.TooFewSentinels(nil, cfg) }, interleave.Replay(s))
		if !errors.Is(runErr, interleave.ErrDeadlock) {
			t.Fatalf("schedule %q: run error = %v; want a deadlock", sched, runErr)
		}
		if len(res.Exited) != cfg.Workers-1 || res.DoneAtJoin != cfg.Items {
			t.Fatalf("schedule %q: result = %+v; want %d workers exited, every item done", sched, res, cfg.Workers-1)
		}
		stuck := slices.DeleteFunc(slices.Clone(res.Workers), func(w string) bool { return slices.Contains(res.Exited, w) })
		report := errors.Unwrap(runErr).Error() // the failure, without the trace
		if want := stuck[0] + " waits on Queue#1 (Queue.Get) at scenarios/s16_thread_pool.go:"; !strings.Contains(report, want) {
			t.Errorf("schedule %q: deadlock report:\n%s\nwant it to say %q", sched, report, want)
		}
		t.Logf("schedule %q: %s", sched, report)
	}
}

// Real mode, no work time. Only the sentinel shutdown: in real mode a
// Queue.Get that is spinning before it parks when Queue.Shutdown runs
// misses Shutdown's wake-up and waits forever (primitives/queue.go's spin
// loop does not re-check shutdown; reported), so ShutdownJoin would hang
// here until that is fixed.
func TestThreadPoolRealMode(t *testing.T) {
	for _, mode := range []scenarios.ShutdownMode{scenarios.ShutdownSentinel} {
		cfg := scenarios.ThreadPoolConfig{Workers: 4, Items: 40, QueueSize: 3, Mode: mode}
		res, err := bounded.Call(t, "scenarios.ThreadPool in real mode", func() (scenarios.ThreadPoolResult, error) { return scenarios.ThreadPool(io.Discard, cfg) })
		if err == nil {
			err = res.Check(cfg)
		}
		if err != nil {
			t.Errorf("%v: %v", mode, err)
		}
	}
}

// TestThreadPoolCheckCatchesEachBreak: Check fails on each invariant it
// names, one broken at a time from a good result.
func TestThreadPoolCheckCatchesEachBreak(t *testing.T) {
	cfg := scenarios.ThreadPoolConfig{Workers: 2, Items: 3}
	good := func() scenarios.ThreadPoolResult {
		return scenarios.ThreadPoolResult{
			Workers: []string{"w0", "w1"}, Counts: []int{1, 1, 1}, ByWorker: [][]int{{0, 2}, {1}},
			Exited: []string{"w1", "w0"}, DoneAtJoin: 3,
		}
	}
	if err := good().Check(cfg); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*scenarios.ThreadPoolResult){
		"consumed twice": func(r *scenarios.ThreadPoolResult) { r.Counts[1] = 2 },
		"FIFO":           func(r *scenarios.ThreadPoolResult) { r.ByWorker[0] = []int{2, 0} },
		"item lost":      func(r *scenarios.ThreadPoolResult) { r.ByWorker[1] = nil },
		"worker exit":    func(r *scenarios.ThreadPoolResult) { r.Exited = []string{"w0", "w0"} },
		"early join":     func(r *scenarios.ThreadPoolResult) { r.DoneAtJoin = 2 },
	} {
		r := good()
		breakIt(&r)
		if err := r.Check(cfg); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
}
