package kernels

import (
	"errors"

	"github.com/interleave-lab/interleave/sync"
)

// Moby7559 is moby/moby#7559 (pull request 7559), a missing Unlock on an
// error path: the UDP proxy's reply loop takes connTrackLock to record a
// connection and, when the proxy was closed meanwhile (the read fails with
// "use of closed network connection"), returns without unlocking; the next
// locker of connTrackLock (another reply loop, or Close) blocks forever.
func Moby7559() error { return moby7559(false) }

// Moby7559Fixed unlocks before returning the error.
func Moby7559Fixed() error { return moby7559(true) }

func moby7559(fixed bool) error {
	var wg sync.WaitGroup
	var connTrackLock sync.Mutex // protects table, closed
	table := map[int]bool{}
	closed := false
	reply := func(id int) error {
		connTrackLock.Lock()
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
	start(&wg, "reply-1", func() { _ = reply(1) })
	start(&wg, "reply-2", func() { _ = reply(2) })
	start(&wg, "close", func() {
		connTrackLock.Lock()
		closed = true
		clear(table)
		connTrackLock.Unlock()
	})
	wg.Wait()
	return nil
}
