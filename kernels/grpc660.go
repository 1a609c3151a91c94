package kernels

import (
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// Grpc660 is grpc/grpc-go#660 (pull request 660), a leaked goroutine: the
// benchmark client's doCloseLoopUnary starts each call on a goroutine that
// reports on an unbuffered done channel, and returns when the benchmark's
// stop channel is closed without draining done; the call's goroutine then
// blocks on its send forever.
func Grpc660() error { return grpc660(false) }

// Grpc660Fixed gives done a buffer of one.
func Grpc660Fixed() error { return grpc660(true) }

func grpc660(fixed bool) error {
	var wg sync.WaitGroup
	bcStop := chans.Make[struct{}](0)
	capacity := 0
	if fixed {
		capacity = 1
	}
	done := chans.Make[struct{}](capacity)
	start(&wg, "unary-call", func() { done.Send(struct{}{}) })
	start(&wg, "benchmark-stop", bcStop.Close)
	// doCloseLoopUnary
	chans.Select(bcStop.CaseRecv(nil, nil), done.CaseRecv(nil, nil))
	wg.Wait()
	return nil
}
