package failpoints

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/pingcap/failpoint"
)

// ErrUnknownFailpoint is wrapped by the error of Enable for a name that is
// not package-qualified.
var ErrUnknownFailpoint = errors.New("failpoints: unknown failpoint")

// Observable is implemented by the primitives (and by any type a user
// wants a trace to show): Observe returns its state for a trace step.
type Observable = sched.Observable

// Snapshot is an Observable's state as a trace line shows it.
type Snapshot = sched.Snapshot

// stress guards the enabled set: the failpoints this package enabled, so
// that Hit evaluates pingcap/failpoint only when something is enabled.
var stress struct {
	mu      sync.Mutex
	enabled map[string]bool // protected by mu
}

// envStress is true when GO_FAILPOINTS named failpoints at start-up;
// pingcap/failpoint enables those itself, so Hit must evaluate every name.
var envStress = os.Getenv("GO_FAILPOINTS") != ""

// Hit marks the scheduling point name, a constant from the catalogue or
// any package-qualified name of the caller's.
//
// Inside a model run (a thread of interleave.Explore, Run or Exhaustive)
// it is a scheduling choice: the strategy may delay the calling thread so
// others run first, and the trace records the step with obj's state (obj
// may be nil). Outside a run it costs one atomic load unless a failpoint
// is enabled, in which case pingcap/failpoint evaluates name: a sleep term
// delays the caller, a panic term panics, and a return term with a number
// is taken as a delay in milliseconds.
func Hit(name string, obj Observable) {
	if !sched.Active() && !envStress {
		return
	}
	hitSlow(name, obj)
}

func hitSlow(name string, obj Observable) {
	if sched.Point(name, obj) {
		return
	}
	if v, ok := Eval(name); ok {
		if ms, isInt := v.(int); isInt && ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
	}
}

// Eval evaluates the failpoint name through pingcap/failpoint and returns
// its value and whether it is enabled. It is how a scenario injects a fault
// (an HTTP 404, a reset) outside a model run; inside one nothing is
// enabled, so a run's outcome depends only on its schedule.
func Eval(name string) (failpoint.Value, bool) {
	if (!sched.Active() && !envStress) || sched.InModel() {
		return nil, false
	}
	v, err := failpoint.Eval(name)
	if err != nil {
		return nil, false
	}
	return v, true
}

// Enable turns on the failpoint name with a pingcap/failpoint term such as
// "sleep(10)", "return(404)" or "50%return(5)". Call Disable (typically in
// t.Cleanup) to turn it off; a term of "off" is not the same thing (it still
// counts as triggered, pingcap/failpoint#86). Stress mode is useful but not
// replayable: the probabilities come from math/rand, not from a schedule.
func Enable(name, term string) error {
	if !strings.Contains(name, "/") {
		return fmt.Errorf("failpoints: %q: %w", name, ErrUnknownFailpoint)
	}
	if err := failpoint.Enable(name, term); err != nil {
		return fmt.Errorf("failpoints: enable %q: %w", name, err)
	}
	stress.mu.Lock()
	defer stress.mu.Unlock()
	if stress.enabled == nil {
		stress.enabled = map[string]bool{}
	}
	if !stress.enabled[name] {
		stress.enabled[name] = true
		sched.AddActive(1)
	}
	return nil
}

// Disable turns off a failpoint turned on by Enable.
func Disable(name string) error {
	stress.mu.Lock()
	if stress.enabled[name] {
		delete(stress.enabled, name)
		sched.AddActive(-1)
	}
	stress.mu.Unlock()
	if err := failpoint.Disable(name); err != nil {
		return fmt.Errorf("failpoints: disable %q: %w", name, err)
	}
	return nil
}
