package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// Four workers share two slots: two take a slot at once, two wait in the
// semaphore's waiting room until a slot comes back at 1s. Timer 1 is
// cancelled before it is due; timer 0 fires. The BoundedSemaphore refuses
// main's extra release.
func ExampleSemaphore() {
	_, err := interleave.Run(func() {
		_, _ = scenarios.Semaphore(os.Stdout, scenarios.DefaultSemaphoreConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// start at: 0s: BoundedSemaphore(2), 4 workers
	// worker-0 takes a slot at: 0s (1 of 2 taken)
	// worker-1 takes a slot at: 0s (2 of 2 taken)
	// timer-1 cancelled at: 500ms
	// worker-0 gives its slot back at: 1s (1 of 2 taken)
	// worker-1 gives its slot back at: 1s (0 of 2 taken)
	// worker-2 takes a slot at: 1s (1 of 2 taken)
	// worker-3 takes a slot at: 1s (2 of 2 taken)
	// worker-2 gives its slot back at: 2s (1 of 2 taken)
	// worker-3 gives its slot back at: 2s (0 of 2 taken)
	// main: one release too many at: 2s: refused (over-release)
	// timer-0 fires at: 2.5s
	// done at: 2.5s: at most 2 of 2 slots taken at once, 2 free
}
