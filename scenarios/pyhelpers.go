package scenarios

import (
	"fmt"
	"io"
	"strings"

	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// python2Name gives t the automatic name Python 2.7 would have given it:
// "Thread-N", without the " (target)" suffix that Python 3.10+ (and
// primitives.NewThread, which follows 3.13) append. The tutorial ran under
// Python 2.7 and prints current_thread().name, so the scenarios that
// reproduce its printout (S09, S11) rename their threads this way; the
// counter N is still the automatic one.
func python2Name(t *primitives.Thread) *primitives.Thread {
	if name, _, ok := strings.Cut(t.Name(), " ("); ok {
		t.SetName(name)
	}
	return t
}

// pyBool formats b as Python prints a bool: "True" or "False".
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// catchMisuse calls fn and returns the error it panicked with (a misuse
// that Python answers with RuntimeError, such as releasing an RLock the
// caller does not own), or nil if it returned. A model run's unwinding
// signal is not a misuse: it keeps unwinding.
func catchMisuse(fn func()) (err error) {
	defer func() {
		v := recover()
		switch {
		case v == nil:
		case sched.IsUnwinding(v):
			panic(v)
		default:
			if e, ok := v.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("panic: %v", v)
			}
		}
	}()
	fn()
	return nil
}

// orDiscard returns w, or io.Discard for a nil w.
func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
