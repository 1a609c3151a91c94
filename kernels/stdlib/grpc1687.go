package stdlib

import (
	"errors"
	"sync"
)

// grpc1687 is grpc/grpc-go#1687 (see kernels.Grpc1687).
func grpc1687(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex // protects closed
	closed := false
	writes := make(chan func(), 2)
	errClosed := errors.New("transport is closing")
	do := func(fn func()) error {
		if fixed {
			mu.Lock()
			defer mu.Unlock()
		}
		if closed {
			return errClosed
		}
		writes <- fn
		return nil
	}
	// ServerTransport.Write from the handler.
	g.Go(func() { _ = do(func() {}) })
	g.Go(func() { // WriteStatus: finish the stream, close the writes
		_ = do(func() {})
		mu.Lock()
		closed = true
		close(writes)
		mu.Unlock()
	})
	return g.wait(nil)
}
