package kernels

import (
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
	"github.com/interleave-lab/interleave/time"
)

// Kubernetes5316 is kubernetes/kubernetes#5316 (pull request 5316), a
// leaked goroutine: the apiserver's finishRequest runs fn on a goroutine
// that sends the result (or error) on an unbuffered channel, and selects
// on those channels and a timeout. When the timeout wins, nobody ever
// receives, and the goroutine blocks on its send forever.
func Kubernetes5316() error { return kubernetes5316(false) }

// Kubernetes5316Fixed makes the channels buffered (capacity 1), so the
// late send completes with nobody receiving.
func Kubernetes5316Fixed() error { return kubernetes5316(true) }

func kubernetes5316(fixed bool) error {
	var wg sync.WaitGroup
	capacity := 0
	if fixed {
		capacity = 1
	}
	ch := chans.Make[int](capacity)
	errCh := chans.Make[error](capacity)
	start(&wg, "fn", func() {
		time.Sleep(time.Second) // fn takes as long as the timeout
		ch.Send(1)
	})
	// finishRequest
	chans.Select(ch.CaseRecv(nil, nil), errCh.CaseRecv(nil, nil), time.After(time.Second).CaseRecv(nil, nil))
	wg.Wait()
	return nil
}
