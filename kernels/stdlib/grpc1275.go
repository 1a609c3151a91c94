package stdlib

// grpc1275 is grpc/grpc-go#1275 (see kernels.Grpc1275).
func grpc1275(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	recv := make(chan error, 1) // the stream's recvBuffer
	donec := make(chan struct{})
	g.Go(func() { // stream.Read
		defer close(donec)
		select {
		case <-recv:
		case <-stop:
		}
	})
	g.Go(func() { // client.CloseStream
		if fixed {
			recv <- errStreamClosed
		}
	})
	g.Go(func() {
		select {
		case <-donec:
		case <-stop:
		}
	})
	return g.wait(nil)
}
