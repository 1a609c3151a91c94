package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

func ExampleEvent() {
	_, err := interleave.Run(func() { _, _ = scenarios.Event(os.Stdout, scenarios.DefaultEventConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// start wait
	// 0
	// start wait
	// 1
	// start wait
	// 2
	// start wait
	// 3
	// start wait
	// 4
	// False
}
