package primitives_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
)

// TestJoinMainThreadReturnsAtBodyExit: in a model run, a thread joining
// the main thread is released when the body returns (Python's interpreter
// exit), not reported as a deadlock.
func TestJoinMainThreadReturnsAtBodyExit(t *testing.T) {
	joined := false
	_, err := interleave.Run(func() {
		main := primitives.MainThread()
		primitives.NewThread(func() {
			main.Join()
			joined = true
		}).Start()
	})
	if err != nil || !joined {
		t.Fatalf("Run err = %v, joined = %v; want nil, true", err, joined)
	}
}

// TestDaemonThatNeverRanIsFinished: a daemon thread whose run ended before
// it first ran is not left alive.
func TestDaemonThatNeverRanIsFinished(t *testing.T) {
	var d *primitives.Thread
	_, err := interleave.Run(func() {
		d = primitives.NewThread(func() {}, primitives.WithDaemon(true))
		d.Start()
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d.IsAlive() {
		t.Fatal("IsAlive() = true for a daemon unwound before it ran; want false")
	}
}
