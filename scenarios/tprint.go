package scenarios

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// tprinter is a scenario's printout, shared by its threads: each line is
// written whole under mu, so lines never mix and a bytes.Buffer may be the
// writer in real mode. It never hits a failpoint while holding mu. A nil
// writer discards the printout.
type tprinter struct {
	mu sync.Mutex // serialises writes to w
	w  io.Writer
	c  clock
}

func newTprinter(w io.Writer) *tprinter {
	if w == nil {
		w = io.Discard
	}
	return &tprinter{w: w, c: newClock()}
}

// printf writes one formatted line (a newline is added).
func (p *tprinter) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

// stamp is the clock's stamp: the time since the scenario started, as the
// printout shows it ("0s", "2.5s").
func (p *tprinter) stamp() string { return p.c.stamp() }

// elapsed is the time since the scenario started.
func (p *tprinter) elapsed() time.Duration { return p.c.elapsed() }

// threadNames returns the threads' names, in order.
func threadNames(ts []*primitives.Thread) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name()
	}
	return out
}
