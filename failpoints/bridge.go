package failpoints

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pingcap/failpoint"
)

// stress guards the enabled set: the failpoints this package enabled, so
// that Hit evaluates pingcap/failpoint only when something is enabled.
var stress struct {
	mu      sync.Mutex
	enabled map[string]bool // protected by mu
}

// envStress is true when GO_FAILPOINTS named failpoints at start-up;
// pingcap/failpoint enables those itself, so Hit must evaluate every name.
var envStress = os.Getenv("GO_FAILPOINTS") != ""

// Hit marks the scheduling point name, a constant from the catalogue.
//
// In model mode it is a scheduling choice: the strategy may delay the
// calling thread so others run first, and the trace records the step with
// obj's state (obj may be nil). In real mode it costs one atomic load unless
// a failpoint is enabled, in which case pingcap/failpoint evaluates name: a
// sleep term delays the caller, a panic term panics, and a return term with
// a number is taken as a delay in milliseconds.
func Hit(name string, obj Observable) {
	if hooks.Load() == 0 && !envStress {
		return
	}
	hitSlow(name, obj)
}

func hitSlow(name string, obj Observable) {
	if th := self(); th != nil {
		th.run.point(th, name, obj)
		return
	}
	checkUnwind()
	if v, ok := Eval(name); ok {
		if ms, isInt := v.(int); isInt && ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
	}
}

// Eval evaluates the failpoint name through pingcap/failpoint and returns
// its value and whether it is enabled. It is how a scenario injects a fault
// (an HTTP 404, a reset) in real mode; in model mode nothing is enabled.
func Eval(name string) (failpoint.Value, bool) {
	if (hooks.Load() == 0 && !envStress) || InModel() {
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
		hooks.Add(1)
	}
	return nil
}

// Disable turns off a failpoint turned on by Enable.
func Disable(name string) error {
	stress.mu.Lock()
	if stress.enabled[name] {
		delete(stress.enabled, name)
		hooks.Add(-1)
	}
	stress.mu.Unlock()
	if err := failpoint.Disable(name); err != nil {
		return fmt.Errorf("failpoints: disable %q: %w", name, err)
	}
	return nil
}
