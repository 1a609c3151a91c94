package kernels

import (
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/sync"
)

// start is wg.Go with a name: it runs f on a goroutine called name (so a
// deadlock report says which role each goroutine plays) and counts it in
// wg.
func start(wg *sync.WaitGroup, name string, f func()) {
	wg.Add(1)
	goroutine.GoNamed(name, func() {
		defer wg.Done()
		f()
	})
}
