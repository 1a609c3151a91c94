package interleave_test

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-lab/interleave"
	"pgregory.net/rapid"
)

// logTB is a rapid.TB that keeps what rapid and Explore log, so a test can
// read the report of a failing property without failing itself.
type logTB struct {
	mu     sync.Mutex
	name   string
	logs   []string
	failed bool
}

func (l *logTB) Helper()      {}
func (l *logTB) Name() string { return l.name }
func (l *logTB) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logs = append(l.logs, fmt.Sprintf(format, args...))
}
func (l *logTB) Log(args ...any)                   { l.Logf("%s", fmt.Sprint(args...)) }
func (l *logTB) Skipf(format string, args ...any)  { l.Logf(format, args...) }
func (l *logTB) Skip(args ...any)                  { l.Log(args...) }
func (l *logTB) SkipNow()                          {}
func (l *logTB) Errorf(format string, args ...any) { l.Logf(format, args...); l.Fail() }
func (l *logTB) Error(args ...any)                 { l.Log(args...); l.Fail() }
func (l *logTB) Fatalf(format string, args ...any) { l.Errorf(format, args...) }
func (l *logTB) Fatal(args ...any)                 { l.Error(args...) }
func (l *logTB) FailNow()                          { l.Fail() }
func (l *logTB) Fail()                             { l.mu.Lock(); l.failed = true; l.mu.Unlock() }
func (l *logTB) Failed() bool                      { l.mu.Lock(); defer l.mu.Unlock(); return l.failed }

func (l *logTB) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.logs, "\n")
}

// checkFailing runs prop as rapid.Check does and returns its log; it fails
// t if the property passed.
func checkFailing(t *testing.T, name string, prop func(*rapid.T)) string {
	t.Helper()
	t.Chdir(t.TempDir())                  // rapid and Explore write fail and trace files here
	setFlag(t, "rapid.shrinktime", "1ms") // little shrinking: the search does the rest
	// rapid's default 100 cases miss the seqlock on about 1 seed in 40;
	// it stops at the first failure, so a larger budget costs nothing else.
	setFlag(t, "rapid.checks", "2000")
	tb := &logTB{name: name}
	rapid.Check(tb, prop)
	if !tb.Failed() {
		t.Fatalf("%s: the property passed; want a failure", name)
	}
	return tb.text()
}

var (
	fewestProven = regexp.MustCompile(`interleave: fewest preemptions: (\d+); no schedule with fewer preemptions fails`)
	fewestNone   = regexp.MustCompile(`interleave: fewest preemptions: this failing schedule has none`)
	fewestFound  = regexp.MustCompile(`interleave: a schedule with fewer preemptions than rapid's (\d+) also fails \(replay it with [^)]*\)\): minimal counterexample: (\d+) preemptions; no schedule with fewer preemptions fails`)
)

// reportedFewest reads the fewest preemptions Explore's search reported,
// and whether it found a schedule simpler than rapid's.
func reportedFewest(log string) (n int, simpler, ok bool) {
	if fewestNone.MatchString(log) {
		return 0, false, true
	}
	if m := fewestProven.FindStringSubmatch(log); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, false, true
	}
	if m := fewestFound.FindStringSubmatch(log); m != nil {
		n, _ := strconv.Atoi(m[2])
		return n, true, true
	}
	return 0, false, false
}

// TestExploreReportsTheFewestPreemptions is the shrinker test of the search
// Explore runs after rapid shrank a failure: for each kernel (the failure
// checked inside the body, or through Invariant) the fewest preemptions it
// reports, proven, is exactly what an independent search (Minimize, every
// schedule from bound 0 up) finds; and the bounded buffer, which rapid
// shrinks to more preemptions than it needs, is reported with its
// zero-preemption schedule. rapid shrinks for 1 ms only, so the search
// starts from many preemptions and does the work. Under -race (about 5
// times slower) the Invariant form runs for the bounded buffer only.
func TestExploreReportsTheFewestPreemptions(t *testing.T) {
	ks := append([]kernel{{"bounded-buffer", 0, kernelBoundedBuffer}}, kernels...)
	for i, k := range ks {
		for _, how := range []string{"inside", "invariant"} {
			if raceEnabled && how == "invariant" && i > 0 {
				continue
			}
			t.Run(k.name+"/"+how, func(t *testing.T) {
				body, check := k.make()
				want := interleave.Minimize(body, check, 4)
				if want == nil || !want.Proven {
					t.Fatalf("Minimize found no proven minimum: %v", want)
				}
				log := checkFailing(t, "Fewest", func(rt *rapid.T) {
					if how == "invariant" {
						interleave.Explore(rt, body, interleave.Invariant(check))
						return
					}
					interleave.Explore(rt, func() {
						body()
						if err := check(); err != nil {
							rt.Fatalf("%v", err)
						}
					})
				})
				got, simpler, ok := reportedFewest(log)
				if !ok {
					t.Fatalf("no fewest-preemptions report in the log:\n%s", log)
				}
				if got != want.Preemptions || got != k.preemptions {
					t.Fatalf("reported fewest preemptions %d; Minimize finds %d, the kernel needs %d\n%s", got, want.Preemptions, k.preemptions, log)
				}
				t.Logf("%s: fewest %d (simpler than rapid's: %v)", k.name, got, simpler)
			})
		}
	}
}

// TestExploreSaysWhyItCannotSearch: a property that checks the state only
// after Explore returns gets a note saying how to let Explore search.
func TestExploreSaysWhyItCannotSearch(t *testing.T) {
	body, check := kernelLostUpdate()
	log := checkFailing(t, "After", func(rt *rapid.T) {
		interleave.Explore(rt, body)
		if err := check(); err != nil {
			rt.Fatalf("%v", err)
		}
	})
	if !strings.Contains(log, "give the check as interleave.Invariant(check)") {
		t.Fatalf("no note on Invariant in the log:\n%s", log)
	}
	if _, _, ok := reportedFewest(log); ok {
		t.Fatalf("a fewest-preemptions report for a check Explore cannot run:\n%s", log)
	}
}

// TestInvariantFailsTheRun: Run, Exhaustive and Cover fail a run whose
// state breaks the Invariant, with ErrInvariant and the check's error, and
// leave a passing one alone; a nil check is refused.
func TestInvariantFailsTheRun(t *testing.T) {
	broken := errors.New("broken state")
	fail := interleave.Invariant(func() error { return broken })
	pass := interleave.Invariant(func() error { return nil })
	body := func() {}
	if _, err := interleave.Run(body, fail); !errors.Is(err, interleave.ErrInvariant) || !errors.Is(err, broken) {
		t.Fatalf("Run with a failing Invariant: %v; want ErrInvariant wrapping the check's error", err)
	}
	if _, err := interleave.Run(body, pass); err != nil {
		t.Fatalf("Run with a passing Invariant: %v", err)
	}
	if _, err := interleave.Exhaustive(body, 1, fail); !errors.Is(err, interleave.ErrInvariant) {
		t.Fatalf("Exhaustive with a failing Invariant: %v; want ErrInvariant", err)
	}
	if _, err := interleave.Exhaustive(body, 1, fail, interleave.NoReduction()); !errors.Is(err, interleave.ErrInvariant) {
		t.Fatalf("Exhaustive(NoReduction) with a failing Invariant: %v; want ErrInvariant", err)
	}
	if _, _, err := interleave.Cover(body, func(*interleave.Coverage) bool { return false }, 3, fail); !errors.Is(err, interleave.ErrInvariant) {
		t.Fatalf("Cover with a failing Invariant: %v; want ErrInvariant", err)
	}
	lostUpdate, check := kernelLostUpdate()
	if _, err := interleave.Exhaustive(lostUpdate, 1, interleave.Invariant(check)); !errors.Is(err, interleave.ErrInvariant) {
		t.Fatalf("Exhaustive over the lost update with its check as Invariant: %v; want ErrInvariant", err)
	}
	defer func() {
		if v := recover(); v == nil || !errors.Is(v.(error), interleave.ErrBadOption) {
			t.Fatalf("Invariant(nil) panicked with %v; want ErrBadOption", v)
		}
	}()
	interleave.Invariant(nil)
}
