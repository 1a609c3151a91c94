package scenarios

import (
	"errors"
	"fmt"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// ErrBadParam is wrapped by every error about a scenario parameter out of
// range.
var ErrBadParam = errors.New("bad scenario parameter")

// paramError returns an error naming the parameter and why it is refused.
func paramError(param string, value any, why string) error {
	return fmt.Errorf("%w: %s = %v: %s", ErrBadParam, param, value, why)
}

// clock prints times as the tutorial does, but as seconds since the
// scenario started (virtual seconds under the explorer), so printouts are
// deterministic.
type clock struct{ start time.Time }

func newClock() clock { return clock{start: sched.Now()} }

// elapsed returns the time since the clock started.
func (c clock) elapsed() time.Duration { return sched.Now().Sub(c.start) }

// stamp formats elapsed() for a printout: "0s", "4s", "1.5s".
func (c clock) stamp() string { return c.elapsed().Round(time.Millisecond).String() }
