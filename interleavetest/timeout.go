package interleavetest

import (
	"flag"
	"time"
)

// MaxTestTime is the longest a test binary whose TestMain is Main may run
// when go test was given no -timeout of its own: go test's default (ten
// minutes) is lowered to it. A primitive that loses a wake-up then fails
// its package within two minutes, with the stacks of every goroutine,
// instead of holding up CI for ten. Any other -timeout (0 included:
// "none") is kept.
const MaxTestTime = 2 * time.Minute

// goTestDefaultTimeout is the -test.timeout go test passes when its
// command line sets none.
const goTestDefaultTimeout = 10 * time.Minute

// capTimeout lowers the test.timeout flag of fs from go test's default to
// MaxTestTime. It reports whether it did.
func capTimeout(fs *flag.FlagSet) bool {
	f := fs.Lookup("test.timeout")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	if d, ok := g.Get().(time.Duration); !ok || d != goTestDefaultTimeout {
		return false
	}
	return f.Value.Set(MaxTestTime.String()) == nil
}
