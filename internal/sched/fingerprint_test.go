package sched

import (
	"testing"
	"time"
)

// fingerprintOf returns the fingerprint record gives a run that recorded
// steps: the hash of each Step's whole Op (record hashes a start's or a
// wake's in two parts).
func fingerprintOf(steps []Step) uint64 {
	h := fnvOffset
	for _, s := range steps {
		h = fingerprintStep(h, s.Thread, s.Kind, "", s.Op)
	}
	return h
}

// TestFingerprintIsOfTheRecordedSteps: the fingerprint record hashes step
// by step is the hash of the trace's steps as they end up (no step is
// recorded around record, or changed after it in a hashed field).
func TestFingerprintIsOfTheRecordedSteps(t *testing.T) {
	body := func() {
		Spawn(nil, false, func() { Point("example.com/x/a", nil); Sleep(time.Second); Point("example.com/x/c", nil) })
		// A name with a '/': the short op of "start pool/w1" is "w1".
		Spawn(named("pool/w1"), false, func() { Point("example.com/x/d", nil) })
		Point("example.com/x/b", nil)
		Sleep(2 * time.Second)
	}
	for _, sched := range []Schedule{nil, {PreemptFrom, 0, PreemptFrom + 1}, {YieldCode, YieldCode, YieldCode}} {
		tr := Execute(body, NewConfig(), NewFixed(sched))
		if tr.Failure != nil {
			t.Fatalf("schedule %v: %v", sched, tr.Failure)
		}
		if got, want := tr.Fingerprint(), fingerprintOf(tr.Steps()); got != want || len(tr.Steps()) < 5 {
			t.Errorf("schedule %v: fingerprint %016x, hash of the %d steps %016x", sched, got, len(tr.Steps()), want)
		}
	}
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
