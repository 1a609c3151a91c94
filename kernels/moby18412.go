package kernels

import (
	"fmt"
	"strings"

	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/sync"
)

// Moby18412 is moby/moby#18412 (pull request 18412), an order violation:
// the integration helper RunCommandWithOutputForDuration returns the
// command's output buffer as soon as the command has exited, while the
// goroutine copying the command's stdout into the buffer may still be
// writing; the output comes back truncated.
func Moby18412() error { return moby18412(false) }

// Moby18412Fixed also waits for the copy to finish.
func Moby18412Fixed() error { return moby18412(true) }

func moby18412(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // protects out
	var out strings.Builder
	exited := chans.Make[struct{}](0)
	copied := chans.Make[struct{}](0)
	start(&wg, "copy-stdout", func() { // io.Copy
		defer copied.Close()
		for _, chunk := range []string{"hello ", "world"} {
			mu.Lock()
			out.WriteString(chunk)
			mu.Unlock()
		}
	})
	start(&wg, "cmd-wait", exited.Close)
	exited.Recv()
	if fixed {
		copied.Recv()
	}
	mu.Lock()
	got := out.String()
	mu.Unlock()
	wg.Wait()
	if got != "hello world" {
		return fmt.Errorf("output = %q; want %q", got, "hello world")
	}
	return nil
}
