package sched

import (
	"testing"
	"time"
)

// fingerprintOf returns the fingerprint finishTrace gives steps.
func fingerprintOf(steps []Step) uint64 {
	r := &run{trace: &Trace{Steps: steps}}
	r.finishTrace()
	return r.trace.Fingerprint()
}

// TestFingerprintSeesTheInterleavingOnly: the fingerprint names an
// interleaving: which thread took which kind of step on which operation,
// in order. It changes when any of those changes, and stays the same when
// only virtual times or an operation's package path differ (the same
// interleaving reached on another schedule, or by another build).
func TestFingerprintSeesTheInterleavingOnly(t *testing.T) {
	base := func() []Step {
		return []Step{
			{At: 0, Thread: 0, Kind: StepStart, Op: "start T1"},
			{At: 0, Thread: 0, Kind: StepPoint, Op: "example.com/x/lock-acquire"},
			{At: time.Millisecond, Thread: 1, Kind: StepPoint, Op: "example.com/x/lock-acquire"},
			{At: time.Millisecond, Thread: 1, Kind: StepBlock, Op: "Lock.Acquire"},
			{At: 2 * time.Millisecond, Thread: 0, Kind: StepExit},
		}
	}
	want := fingerprintOf(base())
	for _, c := range []struct {
		name  string
		edit  func(s []Step)
		equal bool
	}{
		{"another thread", func(s []Step) { s[2].Thread = 0 }, false},
		{"another kind", func(s []Step) { s[3].Kind = StepSleep }, false},
		{"another operation", func(s []Step) { s[1].Op = "example.com/x/lock-release" }, false},
		{"two steps swapped", func(s []Step) { s[1], s[2] = s[2], s[1] }, false},
		{"other virtual times", func(s []Step) { s[2].At, s[4].At = time.Hour, 2*time.Hour }, true},
		{"another package path", func(s []Step) { s[1].Op = "other.org/y/lock-acquire" }, true},
	} {
		s := base()
		c.edit(s)
		if got := fingerprintOf(s); (got == want) != c.equal {
			t.Errorf("%s: fingerprint %016x vs %016x; want equal = %v", c.name, got, want, c.equal)
		}
	}
	if fingerprintOf(base()[:4]) == want {
		t.Error("a trace one step shorter has the same fingerprint")
	}
}
