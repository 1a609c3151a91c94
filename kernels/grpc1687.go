package kernels

import (
	"errors"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// Grpc1687 is grpc/grpc-go#1687 (pull request 1687), a send on a closed
// channel: the HTTP handler transport queues writes on ht.writes, and
// WriteStatus closes ht.writes when the stream ends; a Write that checked
// "not closed" before WriteStatus closed the channel then sends on it and
// panics.
func Grpc1687() error { return grpc1687(false) }

// Grpc1687Fixed checks and sends under the mutex that the close takes.
func Grpc1687Fixed() error { return grpc1687(true) }

func grpc1687(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects closed (and, in the fix, the send)
	closed := false
	writes := chans.Make[func()](2)
	errClosed := errors.New("transport is closing")
	do := func(fn func()) error {
		if fixed {
			mu.Lock()
			defer mu.Unlock()
		}
		if closed {
			return errClosed
		}
		writes.Send(fn)
		return nil
	}
	start(&wg, "write", func() { _ = do(func() {}) })
	start(&wg, "write-status", func() {
		_ = do(func() {})
		mu.Lock()
		defer mu.Unlock()
		closed = true
		writes.Close()
	})
	wg.Wait()
	return nil
}
