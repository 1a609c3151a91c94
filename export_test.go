package interleave

import (
	"github.com/interleave-lab/interleave/internal/sched"
	"pgregory.net/rapid"
)

// ExecuteRapid runs body once under the rapid strategy and returns the
// trace without failing t: how the kernel measurements count failure rates.
func ExecuteRapid(t *rapid.T, body func()) *Trace {
	return sched.Execute(body, &newSettings(nil).Config, newRapidStrategy(t))
}
