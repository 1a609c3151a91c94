package failpoints

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"pgregory.net/rapid"
)

// HuntResult is what Hunt found.
type HuntResult struct {
	Found     bool      // the property failed on some schedule
	Schedules int       // schedules run before the first failure (all of them if none failed)
	Message   string    // rapid's failure report, with the replay command
	Trace     *Trace    // the shrunk failing interleaving, nil if none
	Log       string    // everything rapid logged
	Coverage  *Coverage // every run Hunt saw, shrinking included
}

// Hunt runs the rapid property prop as rapid.Check would, but records its
// outcome instead of failing tb: it is how a test asserts that the explorer
// finds a deliberate bug, and shows the shrunk interleaving with -v. The
// number of schedules is rapid's (-rapid.checks); the seed is rapid's
// (-rapid.seed), so a fixed seed gives the same result every time.
//
// rapid saves every failure in a fail file and replays saved fail files
// first; Hunt removes its own (testdata/rapid/hunt_<test>/) before and after,
// so each Hunt searches afresh and leaves nothing behind.
func Hunt(tb rapid.TB, prop func(*rapid.T)) HuntResult {
	rec := &recordingTB{name: "hunt_" + safeName(tb.Name())}
	dir := filepath.Join("testdata", "rapid", rec.name)
	_ = os.RemoveAll(dir)
	defer func() { _ = os.RemoveAll(dir) }()
	var last *Trace
	runs := 0
	cov := &Coverage{}
	hunting.Add(1)
	defer hunting.Add(-1)
	rapid.Check(rec, func(t *rapid.T) {
		runs++ // rapid calls the property from one goroutine at a time
		defer func() {
			tr, _ := huntTraces.LoadAndDelete(t)
			if tr != nil {
				cov.Add(tr.(*Trace))
			}
			if v := recover(); v != nil {
				if tr != nil {
					last = tr.(*Trace)
				}
				panic(v)
			}
			if t.Failed() && tr != nil {
				last = tr.(*Trace)
			}
		}()
		prop(t)
	})
	res := HuntResult{Found: rec.failed, Log: rec.log.String(), Message: strings.Join(rec.errors, "\n"), Coverage: cov}
	res.Schedules = runs
	if m := failedAfter.FindStringSubmatch(res.Message); m != nil {
		n, _ := strconv.Atoi(m[1])
		res.Schedules = n + 1
	}
	if res.Found {
		res.Trace = last
	}
	return res
}

// hunting counts the Hunt calls in progress; while it is non-zero, Explore
// leaves each run's trace in huntTraces under its rapid.T, so Hunt can pick
// the trace of the last (shrunk) failing run.
var (
	hunting    atomic.Int64
	huntTraces sync.Map // *rapid.T -> *Trace
)

// safeName keeps the characters rapid keeps in a fail file's name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

var failedAfter = regexp.MustCompile(`\[rapid\] (?:failed|panic) after (\d+) tests`)

// recordingTB is a rapid.TB that records instead of failing.
type recordingTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	errors []string
	log    strings.Builder
}

func (r *recordingTB) Helper()      {}
func (r *recordingTB) Name() string { return r.name }
func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.log, format+"\n", args...)
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
