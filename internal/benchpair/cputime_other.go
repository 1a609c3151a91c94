//go:build !unix

package benchpair

import "time"

// cpuTime is 0 where the process's CPU time is not available: Run then
// reports the wall-clock ratio only.
func cpuTime() time.Duration { return 0 }
