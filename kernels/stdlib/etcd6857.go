package stdlib

// etcd6857 is etcd-io/etcd#6857 (see kernels.Etcd6857).
func etcd6857(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	nstop := make(chan struct{})
	done := make(chan struct{})
	status := make(chan chan int)
	g.Go(func() { // node.run
		for {
			select {
			case c := <-status:
				c <- 1
			case <-nstop:
				close(done)
				return
			case <-stop:
				return
			}
		}
	})
	g.Go(func() { // node.Stop
		select {
		case nstop <- struct{}{}:
		case <-done:
		case <-stop:
			return
		}
		select {
		case <-done:
		case <-stop:
		}
	})
	g.Go(func() { // node.Status
		c := make(chan int, 1)
		if fixed {
			select {
			case status <- c:
			case <-done:
				return
			}
		} else {
			select {
			case status <- c:
			case <-stop:
				return
			}
		}
		<-c
	})
	return g.wait(nil)
}
