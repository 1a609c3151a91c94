package interleave

// This file is the one place that knows how pgregory.net/rapid works
// beyond its documented API: the draws of the rapid strategy, the panic
// values rapid uses as signals, the way its shrinker tells failures apart,
// the failure line Hunt parses and the fail files Hunt removes.
// rapid_test.go pins each of these behaviours, so that a rapid upgrade that
// changes one fails that test, by name, instead of breaking users.

import (
	"fmt"
	"reflect"
	"regexp"
	"sync"
	"unicode"

	"github.com/interleave-lab/interleave/internal/sched"
	"pgregory.net/rapid"
)

var (
	coinGen   = rapid.Bool()
	amountGen = rapid.IntRange(0, sched.DelayCodes-sched.PreemptFrom-1)
)

// preemptCoins is how many fair coins must all come up true for rapid to
// preempt: a preemption at 1 point in 2^preemptCoins. Coins are drawn one at
// a time and stop at the first false, so a point costs 1.75 draws on
// average, and a shrinker that zeroes any coin removes the preemption.
const preemptCoins = 3

// rapidStrategy draws every choice from a rapid.T, so rapid's seed and
// fail file replay the run and its shrinker simplifies the schedule: every
// draw shrinks towards "keep running" and "thread order".
type rapidStrategy struct{ t *rapid.T }

// Delay draws preemptCoins coins and, if all came up, a delay code.
func (s rapidStrategy) Delay(*sched.View) int {
	for range preemptCoins {
		if !coinGen.Draw(s.t, "") {
			return 0
		}
	}
	return sched.PreemptFrom + amountGen.Draw(s.t, "")
}

// Tie draws one coin per candidate past the first: "not this one, the
// next". Cheap (a coin costs a sixth of an integer draw) and it shrinks to
// 0, thread order.
func (s rapidStrategy) Tie(v *sched.View) int {
	i, n := 0, len(v.Tied())
	for i < n-1 && coinGen.Draw(s.t, "") {
		i++
	}
	return i
}

// isRapidSignal reports whether a panic value is rapid's own (a failed or
// skipped test case, an overrun of a shrunk draw buffer), which must reach
// rapid unchanged.
func isRapidSignal(v any) bool {
	return v != nil && reflect.TypeOf(v).PkgPath() == "pgregory.net/rapid"
}

// isRapidFailure reports whether a rapid signal is a failed assertion
// (t.Fatalf inside the run), as opposed to an invalid or skipped case.
func isRapidFailure(v any) bool { return reflect.TypeOf(v).Name() == "stopTest" }

// failRapid fails t with the failed run tr: rapid's own signals are
// re-panicked so rapid sees them as it threw them, anything else is a
// t.Fatalf with the trace.
func failRapid(t *rapid.T, tr *Trace) {
	t.Helper()
	if v := tr.PanicValue; isRapidSignal(v) {
		if isRapidFailure(v) {
			t.Logf("%s", tr) // a failed assertion: show the interleaving that broke it
			repanicFailure(v)
		}
		repanicInvalid(v)
	}
	t.Fatalf("%v\n%s", tr.Failure, tr)
}

// rapid's shrinker tells failures apart by the traceback of their panic,
// so a failed assertion and an "overrun" of a shrunk draw buffer must not
// be re-panicked from the same line: each kind has its own function.

//go:noinline
func repanicFailure(v any) { panic(v) }

//go:noinline
func repanicInvalid(v any) { panic(v) }

// failedAfter matches the line of rapid's failure report that says after
// how many test cases the property failed.
var failedAfter = regexp.MustCompile(`\[rapid\] (?:failed|panic) after (\d+) tests`)

// failFileName keeps the characters rapid keeps in a fail file's name:
// rapid saves a failure of test NAME under testdata/rapid/NAME/.
func failFileName(s string) string {
	return mapRunes(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' })
}

func mapRunes(s string, keep func(rune) bool) string {
	out := []rune(s)
	for i, r := range out {
		if !keep(r) {
			out[i] = '_'
		}
	}
	return string(out)
}

// hunting counts the Hunt calls in progress; while it is non-zero, Explore
// leaves each run's trace in huntTraces under its rapid.T, so Hunt can pick
// the trace of the last (shrunk) failing run.
var (
	huntMu     sync.Mutex
	hunting    int
	huntTraces = map[*rapid.T]*Trace{}
)

// noteHuntTrace reports whether a Hunt is in progress (and took tr).
func noteHuntTrace(t *rapid.T, tr *Trace) bool {
	huntMu.Lock()
	defer huntMu.Unlock()
	if hunting > 0 {
		huntTraces[t] = tr
		return true
	}
	return false
}

func takeHuntTrace(t *rapid.T) *Trace {
	huntMu.Lock()
	defer huntMu.Unlock()
	tr := huntTraces[t]
	delete(huntTraces, t)
	return tr
}

// recordingTB is a rapid.TB that records instead of failing.
type recordingTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	errors []string
	log    []byte
}

func (r *recordingTB) Helper()      {}
func (r *recordingTB) Name() string { return r.name }
func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = fmt.Appendf(r.log, format+"\n", args...)
}
func (r *recordingTB) Log(args ...any)                  { r.Logf("%s", fmt.Sprint(args...)) }
func (r *recordingTB) Skipf(format string, args ...any) { r.Logf(format, args...) }
func (r *recordingTB) Skip(args ...any)                 { r.Log(args...) }
func (r *recordingTB) SkipNow()                         {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}
func (r *recordingTB) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recordingTB) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recordingTB) Fatal(args ...any)                 { r.Error(args...) }
func (r *recordingTB) FailNow()                          { r.Fail() }
func (r *recordingTB) Fail()                             { r.mu.Lock(); r.failed = true; r.mu.Unlock() }
func (r *recordingTB) Failed() bool                      { r.mu.Lock(); defer r.mu.Unlock(); return r.failed }
