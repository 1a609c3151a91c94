package kernels

import (
	"errors"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

var errStreamClosed = errors.New("transport: the stream is closed")

// Grpc1275 is grpc/grpc-go#1275 (pull request 1275), a receive with no
// sender: stream.Read blocks in recvBufferReader waiting for a message on
// the stream's recv buffer, and the test waits for Read to return (on
// donec); CloseStream should put an error into the recv buffer to wake the
// reader but does not, so both block forever.
func Grpc1275() error { return grpc1275(false) }

// Grpc1275Fixed has CloseStream send the reader its error.
func Grpc1275Fixed() error { return grpc1275(true) }

func grpc1275(fixed bool) error {
	var wg sync.WaitGroup
	recv := chans.Make[error](1) // the stream's recvBuffer
	donec := chans.Make[struct{}](0)
	start(&wg, "read", func() { // stream.Read
		defer donec.Close()
		_ = recv.Recv()
	})
	start(&wg, "close-stream", func() { // client.CloseStream
		if fixed {
			recv.Send(errStreamClosed)
		}
	})
	donec.Recv()
	wg.Wait()
	return nil
}
