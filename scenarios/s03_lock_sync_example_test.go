package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// ExampleLockSync prints the tutorial's output for loops [4, 2], times as
// seconds since the start. Main polls every 5 ms (CPython's switch
// interval) instead of spinning, so it notices loop 0's release one poll
// after 4 s: at 4 s main and loop 0 wake together, and main, started
// first, polls first and still sees the lock held.
func ExampleLockSync() {
	_, err := interleave.Run(func() { _, _ = scenarios.LockSync(os.Stdout, scenarios.DefaultLockSyncConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// starting at: 0s
	// start loop 0 at: 0s
	// start loop 1 at: 0s
	// loop 1 done at: 2s
	// loop 0 done at: 4s
	// all DONE at: 4.005s
}
