package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

func ExampleCondition() {
	_, err := interleave.Run(func() { _, _ = scenarios.Condition(os.Stdout, scenarios.DefaultConditionConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// Thread-1 0
	// Thread-1 1
	// Thread-1 2
	// Thread-1 3
	// Thread-2 0
	// Thread-2 1
	// Thread-2 2
	// Thread-2 3
	// Thread-2 4
	// Thread-1 4
}

// The fix prints the same when tc1 takes the lock first, as it does under
// the all-zero schedule.
func ExampleWaitForVersion() {
	_, err := interleave.Run(func() { _, _ = scenarios.WaitForVersion(os.Stdout, scenarios.DefaultConditionConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// Thread-1 0
	// Thread-1 1
	// Thread-1 2
	// Thread-1 3
	// Thread-2 0
	// Thread-2 1
	// Thread-2 2
	// Thread-2 3
	// Thread-2 4
	// Thread-1 4
}
