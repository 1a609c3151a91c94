package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

func ExampleIntrospection() {
	_, err := interleave.Run(func() {
		_, _ = scenarios.Introspection(os.Stdout, scenarios.DefaultIntrospectionConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// current_thread: MainThread
	// start: active_count 1 ['MainThread']
	// started Thread-1 (worker): active_count 2 ['MainThread', 'Thread-1 (worker)']
	// started Thread-2 (worker): active_count 3 ['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)']
	// started Thread-3 (worker): active_count 4 ['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']
	// all waiting: active_count 4 ['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']
	// joined Thread-1 (worker): active_count 3 ['MainThread', 'Thread-2 (worker)', 'Thread-3 (worker)']
	// joined Thread-2 (worker): active_count 2 ['MainThread', 'Thread-3 (worker)']
	// joined Thread-3 (worker): active_count 1 ['MainThread']
	// Thread-1 (worker) saw current_thread: Thread-1 (worker)
	// Thread-2 (worker) saw current_thread: Thread-2 (worker)
	// Thread-3 (worker) saw current_thread: Thread-3 (worker)
	// trace: Thread-1 (worker) call
	// trace: Thread-2 (worker) call
	// trace: Thread-3 (worker) call
	// trace: Thread-1 (worker) return
	// trace: Thread-2 (worker) return
	// trace: Thread-3 (worker) return
	// profile: Thread-1 (worker) call
	// profile: Thread-2 (worker) call
	// profile: Thread-3 (worker) call
	// profile: Thread-1 (worker) return
	// profile: Thread-2 (worker) return
	// profile: Thread-3 (worker) return
}
