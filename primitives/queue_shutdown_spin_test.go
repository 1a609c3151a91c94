package primitives_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// TestQueueShutdownWakesSpinningGetter: a real-mode getter that is between
// its spins (not parked) when Shutdown runs must still see the shutdown.
func TestQueueShutdownWakesSpinningGetter(t *testing.T) {
	for range 500 {
		getAfterShutdown(t)
	}
}

func getAfterShutdown(t *testing.T) {
	q := primitives.NewQueue[int](0)
	done := make(chan error, 1)
	go func() { _, err := q.Get(); done <- err }()
	runtime.Gosched()
	q.Shutdown(false)
	select {
	case err := <-done:
		if !errors.Is(err, primitives.ErrShutDown) {
			t.Fatalf("Get after Shutdown = %v; want ErrShutDown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Get did not return after Shutdown")
	}
}
