package properties_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/scenarios"
)

// The data races of S17 (the unsynchronised counter) and S06 (reading a
// MyThread's result before Join) run in a child process: the race detector
// fails the test that races, so the parent re-executes this test binary
// with -test.run=^TestRaceHelper$ and raceChildEnv naming the racy
// function, and asserts on the child's output. Under -race the child's
// output must contain "WARNING: DATA RACE" (and the child exits non-zero:
// that is the detector's verdict, expected). Without -race the binary has
// no detector: the parent only asserts that the child ran the racy code (it
// prints its marker line) and logs whether the counter lost updates; it
// builds nothing new.

// raceChildEnv names the racy function the child runs: "S17" or "S06".
const raceChildEnv = "INTERLEAVE_RACE_CHILD"

// raceChildMarker starts the line the child prints after the racy code.
const raceChildMarker = "race child ran:"

// TestRaceHelper is the child's side: it runs the racy function named by
// raceChildEnv and prints what it saw. Without raceChildEnv (a normal test
// run) it returns at once.
func TestRaceHelper(t *testing.T) {
	switch os.Getenv(raceChildEnv) {
	case "":
		return
	case "S17":
		cfg := scenarios.RaceConfig{Threads: 4, Increments: 2000}
		res, err := scenarios.UnsyncCounter(nil, cfg)
		fmt.Printf("%s S17 counter = %d; want %d; lost %d; err %v\n", raceChildMarker, res.Counter, res.Want, res.Lost, err)
	case "S06":
		// Real mode: thread 1 (0 s) is done when main reads its result at
		// 5 ms, thread 0 (10 ms) still runs; nothing orders thread 1's write
		// before main's read.
		cfg := scenarios.ThreadSubclassConfig{Loops: []time.Duration{10 * time.Millisecond, 0}, ReadAfter: 5 * time.Millisecond}
		res, err := scenarios.ResultBeforeJoin(nil, cfg)
		fmt.Printf("%s S06 results seen before join = %v; err %v\n", raceChildMarker, res.SawResult, err)
	default:
		t.Fatalf("%s = %q; want S17 or S06", raceChildEnv, os.Getenv(raceChildEnv))
	}
}

// runRaceChild re-executes the test binary running TestRaceHelper with
// which, and returns its combined output and exit error.
func runRaceChild(t *testing.T, which string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRaceHelper$", "-test.count=1", "-test.v", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), raceChildEnv+"="+which)
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), raceChildMarker+" "+which) {
		t.Fatalf("the %s race child did not run the racy code (exit %v):\n%s", which, err, out)
	}
	return string(out), err
}

// checkRaceChild asserts the detector's report under -race, and that the
// child ran otherwise.
func checkRaceChild(t *testing.T, which string) string {
	t.Helper()
	out, err := runRaceChild(t, which)
	if !raceEnabled {
		t.Logf("built without -race: no detector to report; the %s child ran the racy code:\n%s", which, markerLine(out))
		return out
	}
	if !strings.Contains(out, "WARNING: DATA RACE") {
		t.Fatalf("the %s race child's output lacks \"WARNING: DATA RACE\" (exit %v):\n%s", which, err, out)
	}
	if err == nil {
		t.Errorf("the %s race child exited 0; want the race detector's failure", which)
	}
	t.Logf("the race detector reported the %s race (child exit: %v)", which, err)
	return out
}

func markerLine(out string) string {
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, raceChildMarker) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// TestRaceS17UnsyncCounter: the unsynchronised counter is a data race that
// -race reports (in the child). Without -race the test asserts only that
// the child ran, and logs whether updates were lost this time.
func TestRaceS17UnsyncCounter(t *testing.T) {
	t.Parallel()
	checkRaceChild(t, "S17")
}

// TestRaceS06ResultBeforeJoin: reading a MyThread's result before Join is
// a data race that -race reports (in the child). Without -race the test
// asserts only that the child ran.
func TestRaceS06ResultBeforeJoin(t *testing.T) {
	t.Parallel()
	checkRaceChild(t, "S06")
}
