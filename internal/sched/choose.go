package sched

import (
	"math/rand/v2"
	"strings"
)

// Choose returns a choice among n options (0 <= result < n) for the calling
// thread: in a model run it is a scheduling choice the strategy makes
// (through Tie, so it is recorded in the schedule, replays, and shrinks
// towards 0); in real mode it is uniform at random, as Go's select picks
// among ready cases. n <= 1 returns 0 and draws nothing. Choose never
// panics and never switches threads, so a caller may hold a mutex across
// it; in a run that is failing it returns 0.
func Choose(n int) int {
	if n <= 1 {
		return 0
	}
	th := self()
	if th == nil {
		return rand.IntN(n)
	}
	r := th.run
	if r.aborting {
		return 0
	}
	opts := make([]int, n)
	for i := range opts {
		opts[i] = i
	}
	c, ok := r.choose(opts)
	if !ok {
		// The strategy stopped the run (a rapid draw overran while
		// shrinking). Choose must not panic: its callers hold their own
		// mutex across it. The run is aborting now, so the caller unwinds
		// at its next scheduling point or park.
		return 0
	}
	return min(max(c, 0), n-1)
}

// isSwapIn reports whether a stack frame's function belongs to one of the
// Go-native swap-in packages, whose frames a deadlock report skips to name
// the user's line that blocked.
func isSwapIn(fn string) bool {
	for _, p := range [...]string{"interleave/sync.", "interleave/chans.", "interleave/goroutine.", "interleave/time.", "interleave/context."} {
		if strings.Contains(fn, p) {
			return true
		}
	}
	return false
}
