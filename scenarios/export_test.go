package scenarios

import "slices"

// WithEnds returns r with ends as the record of how its threads ended, in
// that order: a hand-built DaemonResult for the test of its Check (a real
// one's ends are filled in as its threads end).
func WithEnds(r DaemonResult, ends ...DaemonEnd) DaemonResult {
	r.ends = &daemonLog{ends: slices.Clone(ends)}
	return r
}
