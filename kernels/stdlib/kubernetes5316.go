package stdlib

import (
	"errors"
	"time"
)

var errStreamClosed = errors.New("transport: the stream is closed")

// kubernetes5316 is kubernetes/kubernetes#5316 (see kernels.Kubernetes5316).
func kubernetes5316(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	capacity := 0
	if fixed {
		capacity = 1
	}
	ch := make(chan int, capacity)
	errCh := make(chan error, capacity)
	g.Go(func() { // finishRequest's worker running fn
		time.Sleep(time.Millisecond) // fn takes about as long as the timeout
		select {
		case ch <- 1:
		case <-stop:
		}
	})
	g.Go(func() { // finishRequest
		select {
		case <-ch:
		case <-errCh:
		case <-time.After(time.Millisecond):
		}
	})
	return g.wait(nil)
}
