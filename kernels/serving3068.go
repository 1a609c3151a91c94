package kernels

import (
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// Serving3068 is knative/serving#3068 (pull request 3068), a send on a
// closed channel: the work queue's Go hands a function to the workers on a
// channel that Shutdown closes; a Go concurrent with Shutdown panics.
func Serving3068() error { return serving3068(false) }

// Serving3068Fixed guards the channel with an RWMutex and a shut flag: Go
// sends under the read lock unless shut, Shutdown closes under the write
// lock.
func Serving3068Fixed() error { return serving3068(true) }

func serving3068(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.RWMutex // protects shut
	shut := false
	work := chans.Make[func()](2)
	goFn := func(f func()) { // impl.Go
		if fixed {
			mu.RLock()
			defer mu.RUnlock()
			if shut {
				return
			}
		}
		work.Send(f)
	}
	start(&wg, "go", func() { goFn(func() {}) })
	start(&wg, "shutdown", func() {
		if fixed {
			mu.Lock()
			defer mu.Unlock()
			shut = true
		}
		work.Close()
	})
	wg.Wait()
	return nil
}
