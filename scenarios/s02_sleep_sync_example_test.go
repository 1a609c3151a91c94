package scenarios_test

import (
	"fmt"
	"os"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// ExampleSleepSync prints the tutorial's output, times as seconds since the
// start: loop sleeps 4 s, loop1 5 s, and main's 6 s sleep outlasts both.
func ExampleSleepSync() {
	_, err := interleave.Run(func() { _, _ = scenarios.SleepSync(os.Stdout, scenarios.DefaultSleepSyncConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// starting at: 0s
	// start loop at: 0s
	// start loop 1 at: 0s
	// loop done at: 4s
	// loop 1 done at: 5s
	// all DONE at: 6s
}

// ExampleSleepSync_mainExitsEarly is the bug sleep-synchronisation invites:
// main sleeps 4.5 s, less than loop1's 5 s, and exits while loop1 still
// runs. loop1's work is lost; it never prints its "done" line.
func ExampleSleepSync_mainExitsEarly() {
	cfg := scenarios.DefaultSleepSyncConfig()
	cfg.Main = 4500 * time.Millisecond
	var res scenarios.SleepSyncResult
	_, err := interleave.Run(func() { res, _ = scenarios.SleepSync(os.Stdout, cfg) })
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println("done:", res.Done, "lost:", res.Lost)
	// Output:
	// starting at: 0s
	// start loop at: 0s
	// start loop 1 at: 0s
	// loop done at: 4s
	// all DONE at: 4.5s
	// done: [true false] lost: true
}
