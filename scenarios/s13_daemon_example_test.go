package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// Exit waits for the worker and for the helper it started (non-daemon by
// inheritance), not for the server or its heartbeat (daemons by
// inheritance), which are unwound when the process ends: their deferred
// clean-up runs then.
func ExampleDaemon() {
	var res scenarios.DaemonResult
	_, err := interleave.Run(func() {
		res, _ = scenarios.Daemon(os.Stdout, scenarios.DefaultDaemonConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	for _, t := range res.Threads {
		fmt.Printf("%s (started by %s): daemon %v, inherited %v\n", t.Name, t.Parent, t.Daemon, t.Inherit)
	}
	fmt.Println("unwound at exit:", res.Unwound())
	// Output:
	// start at: 0s
	// main: worker-0.SetDaemon(true) after start: refused (ErrThreadState)
	// main: exit at: 0s: waiting for the non-daemon threads
	// server-0 serves request 0 at: 0s
	// server-0 serves request 1 at: 0s
	// worker-0 done at: 2s
	// worker-0-helper done at: 3s
	// exit at: 3s: finished [worker-0 worker-0-helper]; daemons left running [server-0 server-0-heartbeat]
	// server-0 unwound at exit at: 3s: clean-up ran
	// server-0-heartbeat unwound at exit at: 3s: clean-up ran
	// worker-0 (started by MainThread): daemon false, inherited false
	// server-0 (started by MainThread): daemon true, inherited false
	// worker-0-helper (started by worker-0): daemon false, inherited true
	// server-0-heartbeat (started by server-0): daemon true, inherited true
	// unwound at exit: [server-0 server-0-heartbeat]
}
