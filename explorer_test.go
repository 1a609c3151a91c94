package interleave_test

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/internal/sched"

	"pgregory.net/rapid"
)

func TestRunZeroScheduleIsSequential(t *testing.T) {
	body, counter := lostUpdate(2)
	tr, err := interleave.Run(body)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if *counter != 2 {
		t.Fatalf("counter = %d; want 2 under the all-zero schedule\n%s", *counter, tr)
	}
	if tr.Preemptions() != 0 {
		t.Fatalf("Preemptions() = %d; want 0", tr.Preemptions())
	}
}

func TestExploreFindsLostUpdateAndShrinksToOnePreemption(t *testing.T) {
	res, _ := huntRounds(t, func(rt *rapid.T) {
		body, counter := lostUpdate(2)
		interleave.Explore(rt, body)
		if *counter != 2 {
			rt.Fatalf("counter = %d; want 2", *counter)
		}
	})
	if !res.Found {
		t.Fatalf("lost update not found in %d schedules", res.Schedules)
	}
	if res.Trace == nil {
		t.Fatalf("no shrunk trace captured; log:\n%s", res.Log)
	}
	if got := res.Trace.Preemptions(); got != 1 {
		t.Fatalf("shrunk trace has %d preemptions; want 1\n%s", got, res.Trace)
	}
	t.Logf("found after %d schedules; shrunk interleaving:\n%s", res.Schedules, res.Trace)
}

func TestDeadlockIsReportedNamingBothThreads(t *testing.T) {
	start := time.Now()
	_, err := interleave.Run(func() {
		var a, b toyLock
		var g toyGroup
		g.Go("left", func() { a.Acquire(); sched.Sleep(time.Second); b.Acquire() })
		g.Go("right", func() { b.Acquire(); sched.Sleep(time.Second); a.Acquire() })
		g.Wait()
	})
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("Run err = %v; want ErrDeadlock", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"\n  left waits on toyLock#2 (toyLock.Acquire) at ", "toys_test.go:", ": locked\n",
		"\n  right waits on toyLock#1 (toyLock.Acquire) at ",
		"\n  MainThread waits on toyGroup.Wait at ",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("deadlock report lacks %q:\n%s", want, msg)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("deadlock report took %v; want well under a second", d)
	}
}

func TestNestedAcquireDeadlocks(t *testing.T) {
	_, err := interleave.Run(func() {
		var l toyLock
		var g toyGroup
		for _, n := range []string{"Thread-1", "Thread-2"} {
			g.Go(n, func() { l.Acquire(); l.Acquire() })
		}
		g.Wait()
	})
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("Run err = %v; want ErrDeadlock", err)
	}
	for _, want := range []string{"\n  Thread-1 waits on toyLock#1 (toyLock.Acquire) at ", "\n  Thread-2 waits on toyLock#1 (toyLock.Acquire) at "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report lacks %q:\n%v", want, err)
		}
	}
}

func TestVirtualSleepAndTimeout(t *testing.T) {
	var woke, timedOut time.Duration
	_, err := interleave.Run(func() {
		var l toyLock
		l.Acquire()
		var g toyGroup
		g.Go("sleeper", func() {
			sched.Sleep(3 * time.Second)
			woke = sched.Now().Sub(sched.Epoch)
		})
		g.Go("waiter", func() {
			l.mu.Lock()
			ok := l.q.Wait(&l.mu, "toyLock.AcquireTimeout", sched.Deadline(1500*time.Millisecond))
			l.mu.Unlock()
			if ok {
				panic("woken without a wake")
			}
			timedOut = sched.Now().Sub(sched.Epoch)
		})
		g.Wait()
		l.Release()
	})
	if err != nil {
		t.Fatal(err)
	}
	if woke != 3*time.Second || timedOut != 1500*time.Millisecond {
		t.Fatalf("sleeper woke at %v, waiter timed out at %v; want 3s and 1.5s", woke, timedOut)
	}
}

func TestThreadPanicFailsTheRun(t *testing.T) {
	_, err := interleave.Run(func() {
		var g toyGroup
		g.Go("boom", func() { panic("kaboom") })
		g.Wait()
	})
	if !errors.Is(err, interleave.ErrThreadPanic) || !strings.Contains(err.Error(), "boom: kaboom") {
		t.Fatalf("Run err = %v; want ErrThreadPanic naming boom", err)
	}
}

func TestDaemonThreadsAreUnwoundAtExit(t *testing.T) {
	cleaned := false
	_, err := interleave.Run(func() {
		var l toyLock
		l.Acquire()
		sched.Spawn(toyThread("daemon"), true, func() {
			defer func() { cleaned = true }()
			l.Acquire() // blocks forever: the run must unwind it, not report a deadlock
		})
		sched.Sleep(time.Second)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !cleaned {
		t.Fatal("daemon thread's deferred call did not run")
	}
}

func TestMainWaitsForNonDaemonThreads(t *testing.T) {
	var doneAt time.Duration
	tr, err := interleave.Run(func() {
		sched.Spawn(toyThread("worker"), false, func() {
			sched.Sleep(5 * time.Second)
			doneAt = sched.Now().Sub(sched.Epoch)
		})
	})
	if err != nil || doneAt != 5*time.Second || tr.Duration != 5*time.Second {
		t.Fatalf("err = %v, worker done at %v, run lasted %v; want nil, 5s, 5s", err, doneAt, tr.Duration)
	}
	_, err = interleave.Run(func() {
		sched.Spawn(toyThread("worker"), false, func() { sched.Sleep(time.Second) })
	}, interleave.StrictExit())
	if !errors.Is(err, interleave.ErrDeadlock) || !strings.Contains(err.Error(), "worker") {
		t.Fatalf("StrictExit: err = %v; want a report naming worker", err)
	}
}

// TestStepBudget: a busy loop of scheduling points fails at MaxSteps. The
// loop ends after 100 times the budget, so that a budget that never trips
// fails the test in milliseconds instead of leaving a run spinning on a
// core for the rest of the binary (it doubled the package's time).
func TestStepBudget(t *testing.T) {
	_, err := bounded.Call(t, "a busy loop of scheduling points under MaxSteps(1000)", func() (*interleave.Trace, error) {
		return interleave.Run(func() {
			for range 100 * 1000 {
				failpoints.Hit(fpStep, nil)
				sched.Sleep(0)
			}
		}, interleave.MaxSteps(1000))
	})
	if !errors.Is(err, interleave.ErrStepBudget) {
		t.Fatalf("Run err = %v; want ErrStepBudget", err)
	}
}

func TestBadOptionsPanic(t *testing.T) {
	for name, mk := range map[string]func(){
		"MaxSteps(-1)":    func() { interleave.MaxSteps(-1) },
		"PCT(0, 10)":      func() { interleave.PCT(0, 10) },
		"Exhaustive(-1)":  func() { _, _ = interleave.Exhaustive(func() {}, -1) },
		"TraceLimit(-1)":  func() { interleave.TraceLimit(-1) },
		"MaxSchedules(0)": func() { interleave.MaxSchedules(0) },
		"Replay({-1})":    func() { interleave.Replay(interleave.Schedule{-1}) },
		"Replay({0,257})": func() { interleave.Replay(interleave.Schedule{0, interleave.MaxChoice + 1}) },
		"Run(nil)":        func() { _, _ = interleave.Run(nil) },
		"Run(body, nil)":  func() { _, _ = interleave.Run(func() {}, nil) },
		"Exhaustive(nil)": func() { _, _ = interleave.Exhaustive(nil, 1) },
		"Explore(nil)":    func() { interleave.Explore(nil, func() {}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				v := recover()
				err, _ := v.(error)
				if !errors.Is(err, interleave.ErrBadOption) && !errors.Is(err, interleave.ErrMisuse) {
					t.Fatalf("recovered %v; want an error wrapping ErrBadOption or ErrMisuse", v)
				}
			}()
			mk()
		})
	}
}

// TestReplayOfParsedScheduleRuns checks that the largest choices that
// parse also replay: a tie index of MaxChoice is clamped to the last
// candidate, never an index out of range.
func TestReplayOfParsedScheduleRuns(t *testing.T) {
	s, err := interleave.ParseSchedule("0:256 1:256 2:256 3:256 4:256 5:256")
	if err != nil {
		t.Fatalf("ParseSchedule error = %v", err)
	}
	body, _ := lostUpdate(3)
	if _, err = interleave.Run(body, interleave.Replay(s)); err != nil {
		t.Fatalf("Run(Replay(%v)) error = %v; want nil", s, err)
	}
}

func TestRunInsideRunIsMisuse(t *testing.T) {
	_, err := interleave.Run(func() { _, _ = interleave.Run(func() {}) })
	if !errors.Is(err, interleave.ErrMisuse) || !errors.Is(err, interleave.ErrThreadPanic) {
		t.Fatalf("Run err = %v; want ErrThreadPanic wrapping ErrMisuse", err)
	}
}

func TestExhaustiveTwoThreadsTwoSteps(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []interleave.Option
		want int
	}{
		{"unreduced", []interleave.Option{interleave.NoReduction()}, exhaustive2x2Schedules},
		{"reduced", nil, exhaustive2x2Reduced},
	} {
		orders := map[string]bool{}
		var order []byte
		cov, err := interleave.Exhaustive(func() {
			order = order[:0]
			var g toyGroup
			for _, n := range []byte{'A', 'B'} {
				g.Go(string(n), func() {
					failpoints.Hit(fpStep, nil)
					order = append(order, n)
					failpoints.Hit(fpStep, nil)
					order = append(order, n)
				})
			}
			g.Wait()
			orders[string(order)] = true
		}, 2, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		// Two threads of two steps interleave in C(4,2) = 6 ways; with two
		// preemptions every one of them is reachable, and the steps
		// conflict (failpoints without an object), so the reduced search
		// must reach every one too.
		if len(orders) != 6 {
			t.Fatalf("%s: step orders seen = %v; want all 6 of AABB ABAB ABBA BAAB BABA BBAA", tc.name, orders)
		}
		// The schedule count is exact: DFS over every choice point (a
		// running thread may keep running or yield to each other ready
		// thread) with at most two preemptions. It changes only if the
		// scheduling points of Spawn, Hit or exit change (or, reduced, the
		// reduction).
		if cov.Runs() != tc.want {
			t.Fatalf("%s: Exhaustive ran %d schedules; want %d", tc.name, cov.Runs(), tc.want)
		}
		t.Logf("%s: %v, %d step orders", tc.name, cov, len(orders))
	}
}

const exhaustive2x2Schedules = 44

// exhaustive2x2Reduced is the same search with partial-order reduction.
const exhaustive2x2Reduced = 14

func TestMainGoexitStillExitsCleanly(t *testing.T) {
	_, err := interleave.Run(func() {
		sched.Spawn(toyThread("d"), true, func() {
			for {
				sched.Sleep(time.Second)
			}
		})
		runtime.Goexit()
	}, interleave.MaxSteps(10000))
	if err != nil {
		t.Fatalf("Run: %v; want a clean exit (daemon unwound)", err)
	}
}

// hitLocker is a mutex whose Unlock reaches a scheduling point, as a user
// lock released by Condition.Wait does.
type hitLocker struct{ sync.Mutex }

func (l *hitLocker) Unlock() { l.Mutex.Unlock(); failpoints.Hit(fpStep, nil) }

func TestWakeDuringUnlockIsNotLost(t *testing.T) {
	// Schedule: choices 0 and 1 are main's two spawns, 2 the tie when main
	// blocks (0: the waiter first), 3 the waiter's Hit inside Unlock, where
	// it is preempted (230) and the waker wakes it before it parks.
	var q sched.WaitQueue
	var mu hitLocker
	woken := false
	tr, err := interleave.Run(func() {
		var g toyGroup
		g.Go("waiter", func() {
			mu.Lock()
			woken = q.Wait(&mu, "test.Wait", time.Time{})
			mu.Unlock()
		})
		g.Go("waker", func() {
			mu.Lock()
			q.WakeAll()
			mu.Mutex.Unlock()
		})
		g.Wait()
	}, interleave.Replay(interleave.Schedule{0, 0, 0, 230}))
	if err != nil || !woken {
		t.Fatalf("Run err = %v, woken = %v; want nil, true\n%s", err, woken, tr)
	}
}

// TestFatalfInsideRunKeepsItsMessage: a property that fails from inside a
// model run is reported with its own message after shrinking, not as one
// of rapid's "overrun" signals met while shrinking.
//
// One preemption of the main thread at any of its four points lets "a"
// run its first increment and sleep, so a schedule finds it with
// probability 1-(7/8)^4 = 41%: 20 schedules (-short) miss with probability
// 2e-5. (The earlier body needed two preemptions, 1/64 a schedule, and
// missed 100 schedules on 23-31% of seeds.)
func TestFatalfInsideRunKeepsItsMessage(t *testing.T) {
	res, _ := huntRounds(t, func(rt *rapid.T) {
		x := 0
		interleave.Explore(rt, func() {
			var g toyGroup
			g.Go("a", func() { x++; sched.Sleep(time.Second); x++ })
			for range 4 {
				failpoints.Hit(fpStep, nil)
				if x == 1 {
					rt.Fatalf("x = %d; want 0 or 2", x)
				}
			}
			g.Wait()
		})
	})
	if !res.Found || !strings.Contains(res.Message, "x = 1; want 0 or 2") {
		t.Fatalf("Hunt message = %q; want the property's own failure", firstLine(res.Message))
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
