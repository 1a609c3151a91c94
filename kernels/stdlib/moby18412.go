package stdlib

import (
	"fmt"
	"strings"
	"sync"
)

// moby18412 is moby/moby#18412 (see kernels.Moby18412).
func moby18412(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex // protects out (a locked buffer)
	var out strings.Builder
	exited := make(chan struct{})
	copied := make(chan struct{})
	g.Go(func() { // io.Copy of the command's stdout
		defer close(copied)
		for _, chunk := range []string{"hello ", "world"} {
			mu.Lock()
			out.WriteString(chunk)
			mu.Unlock()
		}
	})
	g.Go(func() { close(exited) }) // cmd.Wait returns
	var got string
	g.Go(func() { // RunCommandWithOutputForDuration
		<-exited
		if fixed {
			<-copied
		}
		mu.Lock()
		got = out.String()
		mu.Unlock()
	})
	if err := g.wait(nil); err != nil {
		return err
	}
	if got != "hello world" {
		return fmt.Errorf("output = %q; want %q", got, "hello world")
	}
	return nil
}
