package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

func ExampleRLock() {
	_, err := interleave.Run(func() { _, _ = scenarios.RLock(os.Stdout, scenarios.DefaultRLockConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// Thread-1 0
	// Thread-1 1
	// Thread-1 2
	// Thread-2 0
	// Thread-2 1
	// Thread-2 2
}
