package interleave_test

import (
	"errors"
	"runtime"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"pgregory.net/rapid"
)

// Goroutines that end before any check looks: they never call into the
// explorer, and they are gone before the next hand-off and the run's end,
// so only Go's execution tracer sees them start (internal/sched's
// confirm.go). Measured before the tracer confirmed runs: 0 of 200 runs
// of either probe failed.

// spinProbe's main thread starts a goroutine and spins until it ran: by
// the run's end it has ended (or is about to).
func spinProbe() (body func(), where string) {
	where = lineAfter(3)
	body = func() {
		var n atomic.Int32
		go func() { n.Add(1) }()
		for n.Load() == 0 {
		}
	}
	return body, where
}

// incProbe's thread Thread-1 starts, after its first failpoint, a
// goroutine that increments a counter and has ended before the thread's
// next failpoint.
func incProbe() (body func(), where string) {
	where = lineAfter(8)
	body = func() {
		x := 0
		var g toyGroup
		g.Go("Thread-1", func() {
			failpoints.Hit(fpStep, nil)
			var wg gosync.WaitGroup
			wg.Add(1)
			go func() { x++; wg.Done() }()
			wg.Wait()
			failpoints.Hit(fpStep, nil)
		})
		failpoints.Hit(fpStep, nil)
		g.Wait()
	}
	return body, where
}

// endedProbes are the probes, with the thread and the function that run
// their go statement.
var endedProbes = []struct {
	name           string
	probe          func() (func(), string)
	thread, caller string
}{
	{"spin", spinProbe, "MainThread", "spinProbe.func1"},
	{"inc", incProbe, "Thread-1", "incProbe.func1.1"},
}

// endedReport asserts that err reports the probe's goroutine: ErrUnmanaged,
// the thread, the place of the go statement and the function it is in.
func endedReport(t *testing.T, err error, thread, where, caller string) {
	t.Helper()
	unmanaged(t, err, where, caller)
	if w := "started by " + thread + " at "; !strings.Contains(err.Error(), w) {
		t.Fatalf("report lacks %q:\n%v", w, err)
	}
}

// TestUnmanagedEndedFailsRun: Run runs its body once, so the first Run of
// a probe the checks cannot account for may pass (unless an earlier test
// of this process already taught the explorer the body); the next Run of
// the same body is traced and fails.
func TestUnmanagedEndedFailsRun(t *testing.T) {
	for _, p := range endedProbes {
		t.Run(p.name, func(t *testing.T) {
			body, where := p.probe()
			_, err := interleave.Run(body)
			if err == nil {
				_, err = interleave.Run(body)
			}
			endedReport(t, err, p.thread, where, p.caller)
		})
	}
}

func TestUnmanagedEndedFailsExhaustive(t *testing.T) {
	for _, p := range endedProbes {
		t.Run(p.name, func(t *testing.T) {
			body, where := p.probe()
			cov, err := interleave.Exhaustive(body, 2)
			endedReport(t, err, p.thread, where, p.caller)
			if cov.Runs() != 1 {
				t.Fatalf("Exhaustive ran %d schedules; want it to stop at the first", cov.Runs())
			}
		})
	}
}

// TestUnmanagedEndedFailsExplore: Explore cannot run a body twice in one
// test case (the property may count on one run), so the run after the
// first one the checks could not account for is traced: the property fails
// by its second schedule, and every shrinking run fails the same way.
func TestUnmanagedEndedFailsExplore(t *testing.T) {
	for _, p := range endedProbes {
		t.Run(p.name, func(t *testing.T) {
			body, where := p.probe()
			start := time.Now()
			res := interleave.Hunt(t, func(rt *rapid.T) { interleave.Explore(rt, body) })
			if !res.Found || res.Schedules > 2 {
				t.Fatalf("Hunt found=%v after %d schedules; want a failure by the second", res.Found, res.Schedules)
			}
			endedReport(t, errors.Join(interleave.ErrUnmanaged, errors.New(res.Message)), p.thread, where, p.caller)
			if took := time.Since(start); took > 30*time.Second {
				t.Fatalf("Explore took %v, shrinking included; want under 30 s", took)
			}
		})
	}
}

// TestUnmanagedEndedCaughtEveryRun: once the explorer knows the body, the
// verdict is the same every time a schedule runs: every Run of each probe
// after the first fails.
func TestUnmanagedEndedCaughtEveryRun(t *testing.T) {
	runs := 20
	if raceEnabled {
		runs = 5
	}
	for _, p := range endedProbes {
		body, where := p.probe()
		for i := range runs {
			_, err := interleave.Run(body)
			if err == nil && i == 0 {
				continue // the first may pass: Run never runs a body twice
			}
			if err == nil {
				t.Fatalf("%s: run %d of %d passed", p.name, i, runs)
			}
			endedReport(t, err, p.thread, where, p.caller)
		}
	}
}

// TestUnmanagedEndedAllowed: AllowUnmanaged accepts the probes.
func TestUnmanagedEndedAllowed(t *testing.T) {
	for _, p := range endedProbes {
		body, _ := p.probe()
		if _, err := interleave.Run(body, interleave.AllowUnmanaged()); err != nil {
			t.Fatalf("Run(%s, AllowUnmanaged) = %v; want nil", p.name, err)
		}
		if _, err := interleave.Exhaustive(body, 2, interleave.AllowUnmanaged()); err != nil {
			t.Fatalf("Exhaustive(%s, AllowUnmanaged) = %v; want nil", p.name, err)
		}
		rapid.Check(t, func(rt *rapid.T) { interleave.Explore(rt, body, interleave.AllowUnmanaged()) })
	}
}

// TestUnmanagedCreatorLoopIsNoFalsePositive: while goroutines outside any
// run create goroutines (as a parallel test may), runs whose threads start
// none never fail. A loop creates goroutines all along (the runs' hand-offs
// leave it little CPU: it makes few runs suspicious), and a helper creates
// one whenever a thread asks it to, so that the count of goroutines created
// moves during every run and each is confirmed or backed off; Explore never
// runs a body twice in one test case (the property's counter stays right).
func TestUnmanagedCreatorLoopIsNoFalsePositive(t *testing.T) {
	stop := make(chan struct{})
	var creators gosync.WaitGroup
	var rounds atomic.Int64
	asks := make(chan chan struct{})
	creators.Add(2)
	go func() {
		defer creators.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			var wg gosync.WaitGroup
			wg.Add(4)
			for range 4 {
				go wg.Done()
			}
			wg.Wait()
			rounds.Add(1)
			runtime.Gosched() // leave the runs (and the helper) a processor
		}
	}()
	go func() {
		defer creators.Done()
		for done := range asks {
			go close(done)
		}
	}()
	defer func() { close(stop); close(asks); creators.Wait() }()
	waitFor(t, "the creator loop runs", func() bool { return rounds.Load() > 100 })
	suspicious, traced, _ := interleave.UnmanagedConfirmations()

	counter := 0
	body := func() {
		var g toyGroup
		for _, n := range []string{"A", "B"} {
			g.Go(n, func() {
				failpoints.Hit(fpStep, nil)
				done := make(chan struct{})
				asks <- done // the helper, no goroutine of the run, starts a goroutine now
				<-done
				counter++
				failpoints.Hit(fpStep, nil)
			})
		}
		g.Wait()
	}
	fresh := func() { counter = 0; body() } // Run and Exhaustive may run it again
	runs := 20
	if raceEnabled {
		runs = 5
	}
	for i := range runs {
		if _, err := interleave.Run(fresh, interleave.PCT(2, 10), interleave.Seed(uint64(i))); err != nil {
			t.Fatalf("Run %d: %v", i, err)
		}
	}
	cov, err := interleave.Exhaustive(fresh, 1)
	if err != nil {
		t.Fatalf("Exhaustive: %v", err)
	}
	rapid.Check(t, func(rt *rapid.T) {
		counter = 0
		interleave.Explore(rt, body)
		if counter != 2 {
			rt.Fatalf("counter = %d; want 2 (the body ran more than once?)", counter)
		}
	})
	s, tr, _ := interleave.UnmanagedConfirmations()
	t.Logf("%d runs suspicious, %d traced", s-suspicious, tr-traced)
	// At least one confirmation in 2^6 suspicious runs of a body, however
	// many fruitless ones earlier tests (or -count) left: Explore's 100
	// cases are enough.
	if want := int64(runs + cov.Runs()); s-suspicious < want || tr == traced {
		t.Fatalf("%d runs suspicious, %d traced; want at least %d and 1: the runs did not exercise the confirmation",
			s-suspicious, tr-traced, want)
	}
}
