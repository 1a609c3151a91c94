package interleave

import (
	"errors"

	"pgregory.net/rapid"
)

// fewestBudget is how many schedules the search for fewer preemptions
// runs at most, unless MaxSchedules says otherwise: it runs once per
// failing test, on the case rapid reports, and a schedule of a small body
// costs tens of microseconds (about a second for the whole budget without
// -race).
const fewestBudget = 20_000

// reportFewest is Explore's search for fewer preemptions, run on the
// failing case rapid reports after shrinking (tr is its run). rapid
// shrinks towards few preemptions but proves nothing; this runs every
// schedule with fewer preemptions than tr's (the enumeration of
// Exhaustive without reduction, delays past timers included, bounds 0,
// 1, ..., k-1) and logs, once the property has failed, the simplest
// failing one with "no schedule with fewer preemptions fails", or that
// tr's own count is the fewest, or that the budget cut the search.
//
// A schedule fails the search when its run fails (a deadlock, a panic, a
// thread's t.Fatalf or t.Errorf through the rapid.T, the Invariant).
// A property that checks the state after Explore returns is out of reach:
// Explore cannot rerun that check, and says so.
func reportFewest(t *rapid.T, body func(), s *settings, tr *Trace) {
	t.Helper()
	if tr.Failure == nil && s.invariant == nil {
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("interleave: the property failed after Explore returned, so Explore cannot tell " +
					"which other schedules fail and did not search for fewer preemptions: give the check " +
					"as interleave.Invariant(check), or fail inside the body through its *rapid.T")
			}
		})
		return
	}
	if tr.Failure == nil {
		return // the Invariant passed: so did this run
	}
	// Logged at the end of the case, after rapid's own report of it.
	t.Cleanup(func() {
		t.Helper()
		k := tr.Preemptions()
		if k == 0 {
			t.Logf("interleave: fewest preemptions: this failing schedule has none")
			return
		}
		budget := s.MaxSchedules
		if budget == 0 {
			budget = fewestBudget
		}
		saved := rapidFailure(t)
		check := func() error {
			// A thread's t.Errorf fails the case without failing the run.
			msg := rapidFailure(t)
			setRapidFailure(t, "")
			if msg != "" {
				return errors.New(msg)
			}
			return nil
		}
		setRapidFailure(t, "")
		fs := *s
		fs.pastTimers = true
		c, runs := minimize(body, check, k-1, &fs, budget)
		setRapidFailure(t, saved)
		switch {
		case c == nil:
			t.Logf("interleave: fewest preemptions: %d; no schedule with fewer preemptions fails "+
				"(%d schedules searched)", k, runs)
		case c.Trace == nil:
			t.Logf("interleave: the search for fewer than %d preemptions was cut by its budget after %d "+
				"schedules and found no failing one (MaxSchedules raises it)", k, runs)
		default:
			t.Logf("interleave: a schedule with fewer preemptions than rapid's %d also fails (replay it with "+
				"interleave.Replay of interleave.ParseSchedule(%q)): %s", k, c.Trace.Schedule.String(), c)
		}
	})
}
