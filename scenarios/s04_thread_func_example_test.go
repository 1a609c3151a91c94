package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// ExampleThreadFunction prints the tutorial's output for loops [4, 2],
// times as seconds since the start: main's joins return when the longest
// loop ends, so "all DONE" is at 4 s.
func ExampleThreadFunction() {
	_, err := interleave.Run(func() { _, _ = scenarios.ThreadFunction(os.Stdout, scenarios.DefaultThreadFunctionConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// starting at: 0s
	// start loop 0 at: 0s
	// start loop 1 at: 0s
	// loop 1 done at: 2s
	// loop 0 done at: 4s
	// all DONE at: 4s
}
