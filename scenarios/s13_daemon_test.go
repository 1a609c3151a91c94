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

// checkDaemonExit checks what holds on every schedule, once the run ended:
// exit waited for every non-daemon thread and for no daemon; only daemons
// are unwound; every thread is accounted for once at most.
func checkDaemonExit(res scenarios.DaemonResult) error {
	daemon := map[string]bool{}
	for _, th := range res.Threads {
		daemon[th.Name] = th.Daemon
		if !th.Inherit {
			continue
		}
		parent := slices.IndexFunc(res.Threads, func(p scenarios.DaemonThread) bool { return p.Name == th.Parent })
		if parent < 0 || res.Threads[parent].Daemon != th.Daemon {
			return fmt.Errorf("%s inherited daemon %v from %s; want its parent's flag", th.Name, th.Daemon, th.Parent)
		}
	}
	for name, d := range daemon {
		if !d && !slices.Contains(res.FinishedBeforeExit, name) {
			return fmt.Errorf("non-daemon %s did not finish before exit (finished %v)", name, res.FinishedBeforeExit)
		}
	}
	for _, name := range res.AliveAtExit {
		if !daemon[name] {
			return fmt.Errorf("non-daemon %s alive at exit", name)
		}
	}
	seen := map[string]bool{}
	for _, e := range res.Ends() {
		if seen[e.Name] {
			return fmt.Errorf("%s ended twice", e.Name)
		}
		seen[e.Name] = true
		if e.Unwound && (!e.Daemon || !slices.Contains(res.AliveAtExit, e.Name) || e.At < res.ExitAt) {
			return fmt.Errorf("%+v unwound; want only daemons alive at exit, unwound at or after exit (%v)", e, res.ExitAt)
		}
	}
	if !errors.Is(res.SetDaemonErr, primitives.ErrThreadState) {
		return fmt.Errorf("SetDaemonErr = %v; want ErrThreadState", res.SetDaemonErr)
	}
	return nil
}

func TestDaemonDefault(t *testing.T) {
	var res scenarios.DaemonResult
	var err error
	if _, runErr := interleave.Run(func() { res, err = scenarios.Daemon(nil, scenarios.DefaultDaemonConfig()) }); runErr != nil || err != nil {
		t.Fatalf("run: %v, %v", runErr, err)
	}
	if err := checkDaemonExit(res); err != nil {
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
// (up to a budget). Each run's result is checked once every run ended,
// since the daemons unwind only when their run ends.
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
		if err := checkDaemonExit(res); err != nil {
			t.Fatalf("schedule %d: %v", i, err)
		}
	}
}

// A daemon that never got to run before exit is neither finished nor
// unwound: its target (and so its clean-up) never started.
func TestDaemonNeverRan(t *testing.T) {
	var res scenarios.DaemonResult
	if _, err := interleave.Run(func() {
		res, _ = scenarios.Daemon(nil, scenarios.DaemonConfig{Daemons: 1, Work: time.Second})
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.AliveAtExit, []string{"server-0"}) || len(res.Ends()) != 0 || res.SetDaemonErr != nil {
		t.Errorf("result = %+v, ends %v; want server-0 alive at exit, no end, no SetDaemon", res, res.Ends())
	}
}

// Real mode: process exit is primitives.Shutdown, which waits for the
// workers and unwinds the daemons before Daemon returns. (Work is 2ms of
// real time: the scenario's own sleeps, not the test waiting.)
func TestDaemonRealMode(t *testing.T) {
	res, err := bounded.Call(t, "scenarios.Daemon in real mode", func() (scenarios.DaemonResult, error) {
		return scenarios.Daemon(nil, scenarios.DaemonConfig{Workers: 1, Daemons: 1, Work: 2 * time.Millisecond, Requests: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDaemonExit(res); err != nil {
		t.Error(err)
	}
	unwound := res.Unwound()
	slices.Sort(unwound)
	if want := []string{"server-0", "server-0-heartbeat"}; !slices.Equal(unwound, want) {
		t.Errorf("Unwound = %v; want %v (every daemon, before Daemon returned)", unwound, want)
	}
}
