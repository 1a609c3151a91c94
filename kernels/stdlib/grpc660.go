package stdlib

// grpc660 is grpc/grpc-go#660 (see kernels.Grpc660).
func grpc660(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	bcStop := make(chan struct{})
	capacity := 0
	if fixed {
		capacity = 1
	}
	done := make(chan bool, capacity)
	g.Go(func() { // the unary call
		select {
		case done <- true:
		case <-stop:
		}
	})
	g.Go(func() { // doCloseLoopUnary
		select {
		case <-bcStop:
		case <-done:
		}
	})
	g.Go(func() { close(bcStop) }) // the benchmark stops
	return g.wait(nil)
}
