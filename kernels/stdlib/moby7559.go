package stdlib

import (
	"errors"
	"sync"
)

// moby7559 is moby/moby#7559 (see kernels.Moby7559).
func moby7559(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var connTrackLock sync.Mutex
	table := map[int]bool{}
	closed := false
	reply := func(id int) error {
		connTrackLock.Lock()
		if g.stopped() {
			return nil
		}
		if closed {
			if fixed {
				connTrackLock.Unlock()
			}
			return errors.New("use of closed network connection")
		}
		table[id] = true
		connTrackLock.Unlock()
		return nil
	}
	g.Go(func() { _ = reply(1) })
	g.Go(func() { _ = reply(2) })
	g.Go(func() { // Close
		connTrackLock.Lock()
		if g.stopped() {
			return
		}
		closed = true
		clear(table)
		connTrackLock.Unlock()
	})
	return g.wait(func() { unlock(&connTrackLock) })
}
