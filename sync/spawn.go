package sync

import "github.com/interleave-lab/interleave/goroutine"

// spawn starts f as goroutine.GoNamed does (WaitGroup.Go).
func spawn(name string, f func()) { goroutine.GoNamed(name, f) }
