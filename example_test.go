package interleave_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// counterBody is two threads that each read a shared counter, hit a
// failpoint, and write it back plus one: a lost update waiting to happen.
func counterBody(counter *int) func() {
	return func() {
		var threads []*primitives.Thread
		for range 2 {
			th := primitives.NewThread(func() {
				v := *counter
				failpoints.Hit(failpoints.ScenarioReadWrite, nil)
				*counter = v + 1
			})
			th.Start()
			threads = append(threads, th)
		}
		for _, th := range threads {
			th.Join()
		}
	}
}

// Run with no options runs the all-zero schedule: every thread runs until
// it blocks, sleeps or ends, so the result is deterministic.
func ExampleRun() {
	counter := 0
	tr, err := interleave.Run(counterBody(&counter))
	fmt.Println(counter, err, tr.Preemptions())
	// Output: 2 <nil> 0
}

// Sleeps and timeouts run on the virtual clock: this run "takes" three
// seconds and no wall time.
func ExampleRun_virtualTime() {
	tr, _ := interleave.Run(func() {
		var l primitives.Lock
		l.Acquire()
		primitives.NewThread(func() { primitives.Sleep(3 * time.Second); l.Release() }).Start()
		ok := l.AcquireTimeout(time.Second)
		fmt.Println("acquired within 1s:", ok)
		l.Acquire()
	})
	fmt.Println("virtual duration:", tr.Duration)
	// Output:
	// acquired within 1s: false
	// virtual duration: 3s
}

// A deadlock is a report naming every thread and what it waits on, never a
// hang.
func ExampleRun_deadlock() {
	_, err := interleave.Run(func() {
		var l primitives.Lock
		l.Acquire()
		l.Acquire() // a plain Lock is not reentrant
	})
	fmt.Println(errors.Is(err, interleave.ErrDeadlock))
	// Output: true
}

// Replay runs a printed schedule again: here the one that preempts the
// first thread between its read and its write.
func ExampleReplay() {
	counter := 0
	sched, _ := interleave.ParseSchedule("6:224")
	tr, _ := interleave.Run(counterBody(&counter), interleave.Replay(sched))
	fmt.Println(counter, tr.Preemptions())
	// Output: 1 1
}

// Exhaustive enumerates every schedule up to a preemption bound: a small
// property is proven, not sampled. The body checks the property itself
// (here: two increments under a lock make 2) and panics if it breaks, so
// a nil error means no schedule within the bound breaks it; the same
// check without the lock fails, with the trace of the lost update.
func ExampleExhaustive() {
	increments := func(locked bool) func() {
		return func() {
			counter := 0
			var mu primitives.Lock
			var threads []*primitives.Thread
			for range 2 {
				th := primitives.NewThread(func() {
					if locked {
						mu.Acquire()
						defer mu.Release()
					}
					v := counter
					failpoints.Hit(failpoints.ScenarioReadWrite, nil)
					counter = v + 1
				})
				th.Start()
				threads = append(threads, th)
			}
			for _, th := range threads {
				th.Join()
			}
			if counter != 2 {
				panic(fmt.Sprintf("counter = %d; want 2", counter))
			}
		}
	}
	cov, err := interleave.Exhaustive(increments(true), 2)
	fmt.Println("locked:", err, "; more than one schedule:", cov.Runs() > 1)
	_, err = interleave.Exhaustive(increments(false), 1)
	fmt.Println("unlocked:", errors.Is(err, interleave.ErrThreadPanic))
	// Output:
	// locked: <nil> ; more than one schedule: true
	// unlocked: true
}

// Explore draws the schedule from rapid: rapid's seed or fail file replays
// the same interleaving, and its shrinker reduces a failure towards few
// preemptions; Explore then searches every schedule with fewer and prints
// the simplest failing one, or that none fails. The check is given as an
// Invariant so that Explore can judge those schedules. (A property like
// this fails: it finds the lost update, one preemption, proven fewest.)
func ExampleExplore() {
	property := func(t *rapid.T) {
		counter := 0
		body := func() { counter = 0; counterBody(&counter)() } // the search reruns it
		interleave.Explore(t, body, interleave.Invariant(func() error {
			if counter != 2 {
				return fmt.Errorf("counter = %d; want 2", counter)
			}
			return nil
		}))
	}
	_ = func(t *testing.T) { rapid.Check(t, property) }
}

// Invariant checks the state a run leaves: here Exhaustive finds the lost
// update of two unlocked increments.
func ExampleInvariant() {
	counter := 0
	body := func() { counter = 0; counterBody(&counter)() } // each run starts afresh
	_, err := interleave.Exhaustive(body, 1, interleave.Invariant(func() error {
		if counter != 2 {
			return fmt.Errorf("counter = %d; want 2", counter)
		}
		return nil
	}))
	fmt.Println(errors.Is(err, interleave.ErrInvariant))
	// Output: true
}

// Hunt runs a property the way rapid.Check does but records the outcome
// instead of failing the test: a test asserts with it that the explorer
// finds a deliberate bug, and shrinks it to one preemption.
func ExampleHunt() {
	_ = func(t *testing.T) {
		res := interleave.Hunt(t, func(rt *rapid.T) {
			counter := 0
			interleave.Explore(rt, counterBody(&counter))
			if counter != 2 {
				rt.Fatalf("counter = %d; want 2", counter)
			}
		})
		if !res.Found || res.Trace.Preemptions() != 1 {
			t.Fatalf("lost update not found (or not shrunk) in %d schedules:\n%s", res.Schedules, res.Log)
		}
	}
}

// ParseSchedule reads the schedule a trace's header prints, for Replay.
func ExampleParseSchedule() {
	s, err := interleave.ParseSchedule("6:224 9:1")
	fmt.Println(s.String(), err)
	_, err = interleave.ParseSchedule("six")
	fmt.Println(err != nil)
	// Output:
	// 6:224 9:1 <nil>
	// true
}

// Name makes a trace speak the body's language: the lock's steps show
// "inventory" instead of its ordinal, Lock#1.
func ExampleName() {
	tr, _ := interleave.Run(func() {
		var l primitives.Lock
		interleave.Name(&l, "inventory")
		l.Acquire()
		l.Release()
	})
	for _, o := range tr.Objects {
		fmt.Println(o.Kind, o.Name)
	}
	// Output: Lock inventory
}

// A run's trace file replays the run: SaveTrace writes it, ReplayFile
// reads its schedule back.
func ExampleReplayFile() {
	dir, _ := os.MkdirTemp("", "traces")
	defer os.RemoveAll(dir)
	os.Setenv(interleave.TraceDirEnv, dir)
	defer os.Unsetenv(interleave.TraceDirEnv)
	body, counter := lostUpdate(2)
	schedule, _ := interleave.ParseSchedule("3:224") // a lost update, as a Hunt found it
	first, _ := interleave.Run(body, interleave.Replay(schedule), interleave.SaveTrace())
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	again, _ := interleave.Run(body, interleave.ReplayFile(files[0]))
	fmt.Println(*counter, first.Fingerprint() == again.Fingerprint())
	// Output: 1 true
}

// The reduced search (the default) runs one schedule of each class of
// schedules that differ only in the order of independent steps; the two
// threads here touch different locks, so most orders are equivalent.
func ExampleNoReduction() {
	body := func() {
		var a, b primitives.Lock
		var threads []*primitives.Thread
		for _, l := range []*primitives.Lock{&a, &b} {
			th := primitives.NewThread(func() {
				for range 2 {
					l.Acquire()
					l.Release()
				}
			})
			th.Start()
			threads = append(threads, th)
		}
		for _, th := range threads {
			th.Join()
		}
	}
	all, _ := interleave.Exhaustive(body, 2, interleave.NoReduction())
	reduced, _ := interleave.Exhaustive(body, 2)
	fmt.Println("unreduced:", all.Runs(), "reduced:", reduced.Runs())
	// Output: unreduced: 452 reduced: 24
}

// A goroutine started with a plain go statement inside a run is not one of
// its threads: the run fails with ErrUnmanaged naming where it was started,
// unless AllowUnmanaged accepts it (it then runs unexplored).
func ExampleAllowUnmanaged() {
	release := make(chan struct{})
	body := func() {
		go func() { <-release }() // still running when the run ends
	}
	_, err := interleave.Run(body)
	fmt.Println(errors.Is(err, interleave.ErrUnmanaged))
	_, err = interleave.Run(body, interleave.AllowUnmanaged())
	fmt.Println(err)
	close(release)
	// Output:
	// true
	// <nil>
}
