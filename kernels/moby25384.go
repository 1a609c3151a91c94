package kernels

import (
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/sync"
)

// Moby25384 is moby/moby#25384 (pull request 25384), a misused
// WaitGroup: the plugin manager adds len(plugins) to the group, starts one
// goroutine per plugin, and calls group.Wait inside the loop. With one
// plugin that is harmless; with two the first Wait waits for two Done
// calls while only one goroutine has been started.
func Moby25384() error { return moby25384(false) }

// Moby25384Fixed waits once, after the loop.
func Moby25384Fixed() error { return moby25384(true) }

func moby25384(fixed bool) error {
	plugins := []string{"a", "b"}
	var group sync.WaitGroup
	group.Add(len(plugins))
	for _, p := range plugins {
		goroutine.GoNamed("restore-"+p, group.Done)
		if !fixed {
			group.Wait()
		}
	}
	if fixed {
		group.Wait()
	}
	return nil
}
