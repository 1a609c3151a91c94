package interleave_test

import (
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"pgregory.net/rapid"
)

// Explore, and the functions it calls with the *rapid.T, are test helpers:
// a line they log is reported at the caller's line. They call t.Helper
// only once per test (it walks the stack), so this checks that the log of
// a failing case, many schedules in, still names the property's line. The
// failing test runs in a child process, and the parent reads its log.

// helperChildEnv makes TestExploreHelperChild run.
const helperChildEnv = "INTERLEAVE_HELPER_CHILD"

// TestExploreHelperChild is the child's side; without helperChildEnv (a
// normal test run) it returns at once.
func TestExploreHelperChild(t *testing.T) {
	if os.Getenv(helperChildEnv) == "" {
		return
	}
	t.Chdir(t.TempDir()) // rapid writes its fail file under the working directory
	_, _, line, _ := runtime.Caller(0)
	t.Logf("Explore is called at line %d", line+5)
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		interleave.Explore(rt, threadsSteps(2, 2))
		if n >= 5 {
			rt.Fatalf("deliberate failure")
		}
	})
}

func TestExploreLogsAtTheCallersLine(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestExploreHelperChild$", "-test.count=1", "-test.v", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), helperChildEnv+"=1")
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err == nil || !strings.Contains(out, "deliberate failure") {
		t.Fatalf("the child passed or failed otherwise; want its deliberate failure:\n%s", out)
	}
	m := regexp.MustCompile(`Explore is called at line (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the child's log lacks the line of its Explore call:\n%s", out)
	}
	want := "helperline_test.go:" + m[1]
	for _, log := range []string{"[rapid] draw schedule:", "the interleaving of this test case:"} {
		m := regexp.MustCompile(`(\S+\.go:\d+): ` + regexp.QuoteMeta(log)).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("the child's log lacks %q:\n%s", log, out)
		}
		if m[1] != want {
			t.Errorf("%q logged at %s; want %s (the Explore call)", log, m[1], want)
		}
	}
}
