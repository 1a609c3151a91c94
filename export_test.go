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

// ExhaustiveNoTimers is the unreduced search as it was before delays past
// a pending timer were choices: the baseline the timer-race tests show
// missing what Exhaustive now finds.
func ExhaustiveNoTimers(body func(), bound int) (*Coverage, error) {
	s := newSettings(nil)
	cov := &Coverage{}
	var prefix []int
	for {
		e := sched.NewExhaustive(prefix, bound)
		tr := sched.Execute(body, &s.Config, e)
		cov.Add(tr)
		if tr.Failure != nil {
			return cov, &RunError{Trace: tr}
		}
		var more bool
		if prefix, more = e.NextPrefix(); !more {
			return cov, nil
		}
	}
}

// SetMaxDPOREvents sets the longest run the race analysis follows and
// returns a func that restores it.
func SetMaxDPOREvents(n int) (restore func()) {
	old := sched.MaxDPOREvents
	sched.MaxDPOREvents = n
	return func() { sched.MaxDPOREvents = old }
}

// ResetHandoffBackoff ends the hand-off checks' process-wide back-off.
func ResetHandoffBackoff() { sched.ResetHandoffBackoff() }

// UnmanagedConfirmations returns how many runs so far had goroutines
// created during them that no check could account for, how many runs Go's
// execution tracer recorded, and in how many it saw a thread start a
// goroutine the run does not manage.
func UnmanagedConfirmations() (suspicious, traced, found int64) { return sched.ConfirmStats() }

// ExecuteRapidMode runs body once under the rapid strategy with its mode
// draw fixed to m (see modeOf): how BenchmarkModeRates measures each mode.
func ExecuteRapidMode(t *rapid.T, body func(), m int) *Trace {
	return sched.Execute(body, &newSettings(nil).Config, modeOf(t, m))
}
