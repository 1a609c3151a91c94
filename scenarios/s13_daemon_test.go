package scenarios_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

func TestDaemonBadParams(t *testing.T) {
	for _, tc := range []struct {
		param string
		mod   func(c *scenarios.DaemonConfig)
	}{
		{"Workers", func(c *scenarios.DaemonConfig) { c.Workers = -1 }},
		{"Daemons", func(c *scenarios.DaemonConfig) { c.Daemons = -1 }},
		{"Work", func(c *scenarios.DaemonConfig) { c.Work = 0 }},
		{"Work", func(c *scenarios.DaemonConfig) { c.Work = -time.Second }},
		{"Work", func(c *scenarios.DaemonConfig) { c.Work = 1 }},
		{"Requests", func(c *scenarios.DaemonConfig) { c.Requests = -1 }},
	} {
		cfg := scenarios.DefaultDaemonConfig()
		tc.mod(&cfg)
		_, err := scenarios.Daemon(nil, cfg)
		if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
			t.Errorf("Daemon(%+v) error = %v; want ErrBadParam naming %s", cfg, err, tc.param)
		}
	}
}

func TestDaemonDefault(t *testing.T) {
	var res scenarios.DaemonResult
	var err error
	cfg := scenarios.DefaultDaemonConfig()
	if _, runErr := interleave.Run(func() { res, err = scenarios.Daemon(nil, cfg) }); runErr != nil || err != nil {
		t.Fatalf("run: %v, %v", runErr, err)
	}
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
	if want := []string{"worker-0", "worker-0-helper"}; !slices.Equal(res.FinishedBeforeExit, want) {
		t.Errorf("FinishedBeforeExit = %v; want %v", res.FinishedBeforeExit, want)
	}
	if want := []string{"server-0", "server-0-heartbeat"}; !slices.Equal(res.AliveAtExit, want) || !slices.Equal(res.Unwound(), want) {
		t.Errorf("AliveAtExit = %v, Unwound = %v; want %v for both", res.AliveAtExit, res.Unwound(), want)
	}
	if res.ExitAt != 3*time.Second || res.Served != 2 {
		t.Errorf("ExitAt = %v, Served = %d; want 3s, 2", res.ExitAt, res.Served)
	}
}

// Several workers and servers, over every schedule with one preemption
// (up to a budget), keep S13's invariant (DaemonResult.Check). Each run's
// result is checked once every run ended, since the daemons unwind only
// when their run ends.
func TestDaemonExplored(t *testing.T) {
	cfg := scenarios.DaemonConfig{Workers: 2, Daemons: 2, Work: time.Second, Requests: 3}
	var results []scenarios.DaemonResult
	cov, err := interleave.Exhaustive(func() {
		res, err := scenarios.Daemon(nil, cfg)
		if err != nil {
			panic(err)
		}
		results = append(results, res)
	}, 1, interleave.MaxSchedules(500))
	if err != nil {
		t.Fatalf("after %v: %v", cov, err)
	}
	t.Logf("explored: %v", cov)
	for i, res := range results {
		if err := res.Check(cfg); err != nil {
			t.Fatalf("schedule %d: %v", i, err)
		}
	}
}

// A daemon that never got to run before exit is neither finished nor
// unwound: its target (and so its clean-up) never started.
func TestDaemonNeverRan(t *testing.T) {
	var res scenarios.DaemonResult
	cfg := scenarios.DaemonConfig{Daemons: 1, Work: time.Second}
	if _, err := interleave.Run(func() { res, _ = scenarios.Daemon(nil, cfg) }); err != nil {
		t.Fatal(err)
	}
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
	if !slices.Equal(res.AliveAtExit, []string{"server-0"}) || len(res.Ends()) != 0 || res.SetDaemonErr != nil {
		t.Errorf("result = %+v, ends %v; want server-0 alive at exit, no end, no SetDaemon", res, res.Ends())
	}
}

// Real mode: process exit is primitives.Shutdown, which waits for the
// workers and unwinds the daemons before Daemon returns. (Work is 2ms of
// real time: the scenario's own sleeps, not the test waiting.)
func TestDaemonRealMode(t *testing.T) {
	cfg := scenarios.DaemonConfig{Workers: 1, Daemons: 1, Work: 2 * time.Millisecond, Requests: 1}
	res, err := bounded.Call(t, "scenarios.Daemon in real mode", func() (scenarios.DaemonResult, error) { return scenarios.Daemon(nil, cfg) })
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(cfg); err != nil {
		t.Error(err)
	}
	unwound := res.Unwound()
	slices.Sort(unwound)
	if want := []string{"server-0", "server-0-heartbeat"}; !slices.Equal(unwound, want) {
		t.Errorf("Unwound = %v; want %v (every daemon, before Daemon returned)", unwound, want)
	}
}

// TestDaemonCheckCatchesEachBreak: Check fails on each part of S13's
// invariant, one broken at a time from a good result (the default run's
// shape, hand-built).
func TestDaemonCheckCatchesEachBreak(t *testing.T) {
	s := time.Second
	cfg := scenarios.DaemonConfig{Workers: 1, Daemons: 1, Work: 2 * s, Requests: 2}
	type parts struct {
		res  scenarios.DaemonResult
		ends []scenarios.DaemonEnd
	}
	good := func() parts {
		return parts{
			res: scenarios.DaemonResult{
				Threads: []scenarios.DaemonThread{
					{Name: "worker-0", Parent: "MainThread"},
					{Name: "server-0", Parent: "MainThread", Daemon: true},
					{Name: "worker-0-helper", Parent: "worker-0", Inherit: true},
					{Name: "server-0-heartbeat", Parent: "server-0", Daemon: true, Inherit: true},
				},
				SetDaemonErr:       fmt.Errorf("late: %w", primitives.ErrThreadState),
				ExitAt:             3 * s,
				FinishedBeforeExit: []string{"worker-0", "worker-0-helper"},
				AliveAtExit:        []string{"server-0", "server-0-heartbeat"},
				Served:             2,
			},
			ends: []scenarios.DaemonEnd{
				{Name: "worker-0", At: 2 * s}, {Name: "worker-0-helper", At: 3 * s},
				{Name: "server-0", Daemon: true, Unwound: true, At: 3 * s},
				{Name: "server-0-heartbeat", Daemon: true, Unwound: true, At: 3 * s},
			},
		}
	}
	check := func(p parts) error { return scenarios.WithEnds(p.res, p.ends...).Check(cfg) }
	if err := check(good()); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, breakIt := range map[string]func(*parts){
		"worker a daemon":       func(p *parts) { p.res.Threads[0].Daemon = true },
		"server not a daemon":   func(p *parts) { p.res.Threads[1].Daemon = false },
		"flag not inherited":    func(p *parts) { p.res.Threads[2].Inherit = false },
		"main's flag inherited": func(p *parts) { p.res.Threads[0].Inherit = true },
		"server by a worker":    func(p *parts) { p.res.Threads[1].Parent = "worker-0" },
		"helper by a server":    func(p *parts) { p.res.Threads[2].Parent = "server-0" },
		"unknown parent":        func(p *parts) { p.res.Threads[3].Parent = "nobody" },
		"helper missing":        func(p *parts) { p.res.Threads = slices.Delete(p.res.Threads, 2, 3) },
		"too many threads": func(p *parts) {
			p.res.Threads = append(p.res.Threads, scenarios.DaemonThread{Name: "server-9", Parent: "MainThread", Daemon: true})
		},
		"exit did not wait":  func(p *parts) { p.res.FinishedBeforeExit = p.res.FinishedBeforeExit[:1] },
		"worker alive":       func(p *parts) { p.res.AliveAtExit = append(p.res.AliveAtExit, "worker-0") },
		"exit too soon":      func(p *parts) { p.res.ExitAt = 2 * s },
		"SetDaemon accepted": func(p *parts) { p.res.SetDaemonErr = nil },
		"served too many":    func(p *parts) { p.res.Served = 3 },
		"ended twice":        func(p *parts) { p.ends = append(p.ends, p.ends[0]) },
		"stranger ended":     func(p *parts) { p.ends = append(p.ends, scenarios.DaemonEnd{Name: "stranger"}) },
		"worker unwound":     func(p *parts) { p.ends[0].Unwound = true },
		"daemon not unwound": func(p *parts) { p.ends[2].Unwound = false },
		"unwound before exit": func(p *parts) {
			p.ends[3].At = s
		},
		"end's flag wrong": func(p *parts) { p.ends[1].Daemon = true },
	} {
		p := good()
		breakIt(&p)
		if err := check(p); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
	// Without workers there is no SetDaemon to refuse.
	noWorkers := scenarios.DaemonConfig{Daemons: 1, Work: 2 * s}
	r := scenarios.DaemonResult{
		Threads:     []scenarios.DaemonThread{{Name: "server-0", Parent: "MainThread", Daemon: true}},
		AliveAtExit: []string{"server-0"},
	}
	if err := r.Check(noWorkers); err != nil {
		t.Errorf("Check(no workers) = %v; want nil", err)
	}
	r.SetDaemonErr = primitives.ErrThreadState
	if err := r.Check(noWorkers); err == nil {
		t.Errorf("Check(no workers, SetDaemon refused) = nil; want an error")
	}
}
