package timeline_test

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
	"github.com/interleave-lab/interleave/tracefile"
	"pgregory.net/rapid"
)

// update regenerates the trace fixtures and the golden SVG files (make
// golden).
var update = flag.Bool("update", false, "rewrite testdata/*.json and testdata/*.svg")

// A fixture is a real failing (or, for the big one, busy) run whose trace
// file is committed under testdata/: the pictures are drawn from it.
type fixture struct {
	name  string
	hunt  func(rt *rapid.T) // a failing property, for Hunt
	body  func()            // the model body the property explores, replayed from the file
	opts  []interleave.Option
	fixed bool         // body runs under Run with opts, no Hunt
	check func() error // after a replay of body: the failure the hunt found, again
}

func fixtures() []fixture {
	cond := scenarios.DefaultConditionConfig()
	s11 := func() { _, _ = scenarios.UnguardedWait(nil, cond) }
	race := scenarios.RaceConfig{Threads: 2, Increments: 2}
	var raceRes scenarios.RaceResult
	s17 := func() { raceRes, _ = scenarios.ReadThenWriteCounter(nil, race) }
	return []fixture{
		{name: "s11", body: s11, hunt: func(rt *rapid.T) { interleave.Explore(rt, s11) }},
		{name: "s17", body: s17, hunt: func(rt *rapid.T) {
			interleave.Explore(rt, s17)
			if raceRes.Lost != 0 {
				rt.Fatalf("counter = %d (lost %d); want %d", raceRes.Counter, raceRes.Lost, raceRes.Want)
			}
		}, check: func() error {
			if raceRes.Lost == 0 {
				return fmt.Errorf("counter = %d; want an update lost", raceRes.Counter)
			}
			return nil
		}},
	}
}

// bigFixture is 10 threads and about 2,000 steps: not committed (half a
// megabyte), made afresh where a test needs it.
func bigFixture() fixture {
	return fixture{name: "big", body: busy(10, 98), opts: []interleave.Option{interleave.PCT(3, 1000), interleave.Seed(7)}, fixed: true}
}

// busy is n threads that each take a lock, hit a failpoint and release
// it, k/2 times: with PCT, about n·k steps of every kind of mark.
func busy(n, k int) func() {
	return func() {
		var mu primitives.Lock
		ev := &primitives.Event{}
		var ths []*primitives.Thread
		for i := range n {
			th := primitives.NewThread(func() {
				if i == 0 {
					ev.Set()
				} else {
					ev.Wait()
				}
				for range k / 2 {
					mu.Acquire()
					failpoints.Hit(failpoints.ScenarioStep, nil)
					mu.Release()
				}
			}, primitives.WithName(fmt.Sprintf("worker-%d", i)))
			th.Start()
			ths = append(ths, th)
		}
		for _, th := range ths {
			th.Join()
		}
	}
}

// fixtureTrace makes the fixture's trace afresh.
func fixtureTrace(t *testing.T, fx fixture) *interleave.Trace {
	t.Helper()
	if fx.fixed {
		tr, err := interleave.Run(fx.body, fx.opts...)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return tr
	}
	t.Setenv(interleave.TraceDirEnv, t.TempDir())
	old := primitives.ExceptHook
	primitives.ExceptHook = func(primitives.ExceptHookArgs) {} // S11's unwound waiter panics in its deferred Release
	defer func() { primitives.ExceptHook = old }()
	path := filepath.Join("testdata", fx.name+".json")
	if !*update {
		// Replay the committed schedule: the same trace on any rapid seed
		// (a hunt's shrunk result depends on the seed; make golden hunts
		// under the pinned one).
		tr, err := interleave.Run(fx.body, interleave.ReplayFile(path))
		if fx.check != nil {
			if cerr := fx.check(); cerr != nil {
				t.Fatalf("replaying %s: %v", path, cerr)
			}
		} else if err == nil {
			t.Fatalf("replaying %s: no failure; want the hunted one", path)
		}
		return tr
	}
	res := interleave.Hunt(t, fx.hunt)
	if !res.Found || res.Trace == nil {
		t.Fatalf("Hunt(%s): found %v, trace %v; want a failing trace", fx.name, res.Found, res.Trace != nil)
	}
	return res.Trace
}

func fixtureFile(t *testing.T, fx fixture) (*tracefile.File, *interleave.Trace) {
	tr := fixtureTrace(t, fx)
	path := filepath.Join("testdata", fx.name+".json")
	replay := fmt.Sprintf("interleave.Run(body, interleave.ReplayFile(%q))", "timeline/"+filepath.ToSlash(path))
	f := tracefile.FromTrace(tr, "timeline/"+fx.name, replay)
	if f.Failure == "" && !fx.fixed {
		f.Failure = "broken invariant: the counter lost an update"
	}
	return f, tr
}

// TestGoldenFixtures: each committed trace file is what replaying its
// schedule gives today, failure included. -update hunts the failures
// afresh (deterministic under the pinned seed) and rewrites them.
func TestGoldenFixtures(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			f, _ := fixtureFile(t, fx)
			path := filepath.Join("testdata", fx.name+".json")
			if *update {
				if err := tracefile.Write(path, f); err != nil {
					t.Fatal(err)
				}
			}
			got, err := tracefile.Read(path)
			if err != nil {
				t.Fatalf("%v (make golden writes it)", err)
			}
			if got.Fingerprint != f.Fingerprint || len(got.Steps) != len(f.Steps) {
				t.Fatalf("%s: fingerprint %s, %d steps; the run gives %s, %d steps (make golden updates it)", path, got.Fingerprint, len(got.Steps), f.Fingerprint, len(f.Steps))
			}
			opts := append([]interleave.Option{interleave.ReplayFile(path)}, fx.opts...)
			if fx.fixed {
				opts = fx.opts
			}
			tr, _ := interleave.Run(fx.body, opts...)
			if fp := fmt.Sprintf("%016x", tr.Fingerprint()); fp != got.Fingerprint {
				t.Errorf("replaying %s: fingerprint %s; want %s", path, fp, got.Fingerprint)
			}
			if strings.Contains(fx.name, "s11") && !strings.Contains(got.Failure, "deadlock") {
				t.Errorf("s11 failure = %q; want the deadlock of the lost wake-up", got.Failure)
			}
		})
	}
}
