package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// A thread that returns, one that calls ExitThread after its first step
// (its second and third steps never run; its clean-up does), and one that
// main stops cooperatively at 2.5s. Every thread leaves the registry.
func ExampleThreadExit() {
	_, err := interleave.Run(func() {
		_, _ = scenarios.ThreadExit(os.Stdout, scenarios.DefaultThreadExitConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// start at: 0s
	// threads: [MainThread returner exiter stoppable]
	// returner: step 0 at: 0s
	// exiter: step 0 at: 0s
	// stoppable: step 0 at: 0s
	// returner: step 1 at: 1s
	// exiter: ExitThread at: 1s
	// exiter: cleanup at: 1s
	// stoppable: step 1 at: 1s
	// returner: step 2 at: 2s
	// stoppable: step 2 at: 2s
	// main: stop at: 2.5s
	// stoppable: stop seen at: 2.5s
	// stoppable: cleanup at: 2.5s
	// returner: return at: 3s
	// returner: cleanup at: 3s
	// all joined at: 3s; threads: [MainThread]
}
