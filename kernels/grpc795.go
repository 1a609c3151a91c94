package kernels

import (
	"errors"

	"github.com/interleave-lab/interleave/sync"
)

// Grpc795 is grpc/grpc-go#795 (pull request 795), a missing Unlock on an
// error path: Serve takes the server's mutex and, when the server has
// already been stopped, returns its error without unlocking; the next Stop
// (or GracefulStop) blocks on the mutex forever. It needs Serve to run
// between two Stops.
func Grpc795() error { return grpc795(false) }

// Grpc795Fixed unlocks on the error path too.
func Grpc795Fixed() error { return grpc795(true) }

func grpc795(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects listening
	listening := true
	serve := func() error {
		mu.Lock()
		if !listening {
			if fixed {
				mu.Unlock()
			}
			return errors.New("grpc: the server has been stopped")
		}
		mu.Unlock()
		return nil
	}
	stop := func() {
		mu.Lock()
		listening = false
		mu.Unlock()
	}
	start(&wg, "serve", func() { _ = serve() })
	start(&wg, "stop", stop)
	start(&wg, "graceful-stop", stop)
	wg.Wait()
	return nil
}
