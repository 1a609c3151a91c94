package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// Two threads increment a shared counter three times each, under a lock:
// under the all-zero schedule the first thread does all its increments,
// then the second.
func ExampleRace() {
	_, err := interleave.Run(func() {
		_, _ = scenarios.Race(os.Stdout, scenarios.DefaultRaceConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// start at: 0s
	// Thread-1 (incrementer) done at: 0s
	// Thread-2 (incrementer) done at: 0s
	// counter = 6; want 6
}
