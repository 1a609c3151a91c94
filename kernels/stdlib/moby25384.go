package stdlib

import "sync"

// moby25384 is moby/moby#25384 (see kernels.Moby25384).
func moby25384(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	plugins := []string{"a", "b"}
	var group sync.WaitGroup
	g.Go(func() { // Manager.init
		group.Add(len(plugins))
		for range plugins {
			g.Go(func() { group.Done() }) // restore one plugin
			if !fixed {
				done := make(chan struct{})
				go func() { group.Wait(); close(done) }()
				select {
				case <-done:
				case <-stop:
					// Release: the Done calls the loop never started.
					group.Add(-(len(plugins) - 1))
					<-done
					return
				}
			}
		}
		if fixed {
			group.Wait()
		}
	})
	return g.wait(nil)
}
