package stdlib

import (
	"errors"
	"sync"
)

// grpc795 is grpc/grpc-go#795 (see kernels.Grpc795).
func grpc795(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex
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
	stopServer := func() bool {
		mu.Lock()
		if g.stopped() {
			return false
		}
		listening = false
		mu.Unlock()
		return true
	}
	g.Go(func() { _ = serve() })
	g.Go(func() { stopServer() })
	g.Go(func() { stopServer() })
	return g.wait(func() { unlock(&mu) })
}
