package properties_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS13Daemon: on every explored schedule process exit waits for
// every non-daemon thread (each worker and the helper it started, which
// inherits its flag) and for no daemon (only daemons are alive at exit, and
// only daemons are unwound once the run ended); helpers and heartbeats
// inherit their creator's flag; setting the flag after start is refused with
// ErrThreadState; exit comes no earlier than the longest helper's work.
func TestPropS13Daemon(t *testing.T) {
	t.Parallel()
	properties.Check(t, "S13Daemon", func(rt *rapid.T, cov *interleave.Coverage) {
		cfg := scenarios.DaemonConfig{
			Workers:  rapid.IntRange(0, 2).Draw(rt, "workers"),
			Daemons:  rapid.IntRange(0, 2).Draw(rt, "daemons"),
			Work:     drawMs(rt, "work", 200, 2000, 200),
			Requests: rapid.IntRange(0, 3).Draw(rt, "requests"),
		}
		res := exploreScenario(rt, cov, func() (scenarios.DaemonResult, error) { return scenarios.Daemon(nil, cfg) })
		daemon := map[string]bool{}
		for _, th := range res.Threads {
			daemon[th.Name] = th.Daemon
			wantDaemon := th.Name[:len("server")] == "server"
			if th.Daemon != wantDaemon {
				rt.Fatalf("thread %s: daemon %v; want %v", th.Name, th.Daemon, wantDaemon)
			}
			if inherited := th.Parent != "MainThread"; th.Inherit != inherited {
				rt.Fatalf("thread %s (created by %s): inherited %v; want %v", th.Name, th.Parent, th.Inherit, inherited)
			}
		}
		if len(res.Threads) > 2*(cfg.Workers+cfg.Daemons) || len(res.Threads) < 2*cfg.Workers+cfg.Daemons {
			rt.Fatalf("Daemon(%+v) created %d threads; want %d workers and helpers, %d servers and up to as many heartbeats",
				cfg, len(res.Threads), 2*cfg.Workers, cfg.Daemons)
		}
		for i := range cfg.Workers {
			for _, name := range []string{fmt.Sprintf("worker-%d", i), fmt.Sprintf("worker-%d-helper", i)} {
				if !slices.Contains(res.FinishedBeforeExit, name) {
					rt.Fatalf("exit did not wait for non-daemon %s: finished before exit %v", name, res.FinishedBeforeExit)
				}
			}
		}
		for _, name := range res.AliveAtExit {
			if !daemon[name] {
				rt.Fatalf("%s alive at exit; want only daemons (alive %v)", name, res.AliveAtExit)
			}
		}
		if cfg.Workers > 0 {
			if longest := time.Duration(cfg.Workers)*cfg.Work + cfg.Work/2; res.ExitAt < longest {
				rt.Fatalf("exit at %v; want no earlier than the last helper's end, %v", res.ExitAt, longest)
			}
		}
		if (cfg.Workers > 0) != errors.Is(res.SetDaemonErr, primitives.ErrThreadState) {
			rt.Fatalf("SetDaemon after start = %v; want ErrThreadState iff there is a worker", res.SetDaemonErr)
		}
		if res.Served > cfg.Requests {
			rt.Fatalf("served %d requests; want at most %d", res.Served, cfg.Requests)
		}
		for _, e := range res.Ends() { // the run has ended: every daemon still alive at exit was unwound
			if e.Unwound != (e.Daemon && slices.Contains(res.AliveAtExit, e.Name)) || e.Daemon != daemon[e.Name] {
				rt.Fatalf("end of %s: unwound %v, daemon %v; want unwound only for a daemon alive at exit (%v)", e.Name, e.Unwound, e.Daemon, res.AliveAtExit)
			}
		}
	})
}
