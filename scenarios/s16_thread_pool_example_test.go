package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// Three workers consume eight items through a queue of four; one sentinel
// per worker shuts the pool down.
func ExampleThreadPool() {
	_, err := interleave.Run(func() {
		_, _ = scenarios.ThreadPool(os.Stdout, scenarios.DefaultThreadPoolConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// start at: 0s: 3 workers, 8 items, shutdown by sentinel
	// worker-0 consumes item 0 at: 0s
	// worker-1 consumes item 1 at: 0s
	// worker-2 consumes item 2 at: 0s
	// worker-0 consumes item 3 at: 1s
	// worker-1 consumes item 4 at: 1s
	// worker-2 consumes item 5 at: 1s
	// worker-0 consumes item 6 at: 2s
	// worker-1 consumes item 7 at: 2s
	// worker-2 exits at: 2s
	// worker-0 exits at: 3s
	// worker-1 exits at: 3s
	// join() returned at: 3s: 8 of 8 items done
	// done at: 3s: workers exited: [worker-2 worker-0 worker-1]
}
