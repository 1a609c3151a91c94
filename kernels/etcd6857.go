package kernels

import (
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// Etcd6857 is etcd-io/etcd#6857 (pull request 6857), a send with no
// receiver: raft's node.Status sends its request on n.status, which only
// node.run receives; once Stop has made run return, Status blocks forever.
func Etcd6857() error { return etcd6857(false) }

// Etcd6857Fixed has Status also select on n.done.
func Etcd6857Fixed() error { return etcd6857(true) }

func etcd6857(fixed bool) error {
	var wg sync.WaitGroup
	stop := chans.Make[struct{}](0)
	done := chans.Make[struct{}](0)
	status := chans.Make[*chans.Chan[int]](0)
	start(&wg, "run", func() { // node.run
		for {
			var c *chans.Chan[int]
			switch chans.Select(status.CaseRecv(&c, nil), stop.CaseRecv(nil, nil)) {
			case 0:
				c.Send(1)
			case 1:
				done.Close()
				return
			}
		}
	})
	start(&wg, "stop", func() { // node.Stop
		switch chans.Select(stop.CaseSend(struct{}{}), done.CaseRecv(nil, nil)) {
		case 0:
			done.Recv()
		}
	})
	start(&wg, "status", func() { // node.Status
		c := chans.Make[int](1)
		if fixed {
			if chans.Select(status.CaseSend(c), done.CaseRecv(nil, nil)) == 1 {
				return
			}
		} else {
			status.Send(c)
		}
		c.Recv()
	})
	wg.Wait()
	return nil
}
