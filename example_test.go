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
	"github.com/interleave-lab/interleave/internal/sched"

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
	_, _ = interleave.Run(func() {
		start := sched.Now()
		var l primitives.Lock
		l.Acquire()
		primitives.NewThread(func() { primitives.Sleep(3 * time.Second); l.Release() }).Start()
		ok := l.AcquireTimeout(time.Second)
		fmt.Println(ok, sched.Now().Sub(start))
		l.Acquire()
		fmt.Println(sched.Now().Sub(start))
	})
	// Output:
	// false 1s
	// 3s
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
// property is proven, not sampled.
func ExampleExhaustive() {
	counter := 0
	body := counterBody(&counter)
	cov, err := interleave.Exhaustive(func() { counter = 0; body(); _ = counter }, 1)
	fmt.Println(cov.Runs() > 1, err)
	// Output: true <nil>
}

// Explore draws the schedule from rapid: rapid's seed or fail file replays
// the same interleaving, and its shrinker reduces a failure to the fewest
// preemptions. (A property like this fails: it finds the lost update.)
func ExampleExplore() {
	property := func(t *rapid.T) {
		counter := 0
		interleave.Explore(t, counterBody(&counter))
		if counter != 2 {
			t.Fatalf("counter = %d; want 2", counter)
		}
	}
	_ = func(t *testing.T) { rapid.Check(t, property) }
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
