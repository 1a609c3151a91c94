package interleave_test

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"pgregory.net/rapid"
)

// A thread that fails the test through the test's *testing.T instead of
// the *rapid.T: its Fatalf ended only that thread and its Errorf went unseen
// by rapid, so rapid reported "OK, passed 100 tests" and the test failed
// with the message repeated a hundred times and no trace. Now the run
// fails, and the test's log has the message once, then rapid's report with
// the trace and the replay command. The failing test runs in a child
// process (the failure is the point), and the parent reads its log.

// tbChildEnv names what the child's thread calls: "fatalf", "errorf", or
// "main-fatalf" (the body's main thread).
const tbChildEnv = "INTERLEAVE_TB_CHILD"

// TestTestingTBHelper is the child's side; without tbChildEnv (a normal
// test run) it returns at once.
func TestTestingTBHelper(t *testing.T) {
	which := os.Getenv(tbChildEnv)
	if which == "" {
		return
	}
	t.Chdir(t.TempDir()) // rapid writes its fail file under the working directory
	rapid.Check(t, func(rt *rapid.T) {
		interleave.Explore(rt, func() {
			fail := func() {
				switch which {
				case "fatalf", "main-fatalf":
					t.Fatalf("deliberate %s", which)
				case "errorf":
					t.Errorf("deliberate %s", which)
				}
			}
			if which == "main-fatalf" {
				fail()
				return
			}
			var g toyGroup
			g.Go("T1", fail)
			g.Go("T2", func() {})
			g.Wait()
		})
	})
}

func TestTestingTBFromAThreadFailsTheRunOnce(t *testing.T) {
	for _, c := range []struct{ which, report string }{
		{"fatalf", "T1 called t.FailNow (t.Fatal, t.Fatalf) of the test's *testing.T"},
		{"errorf", "the test's *testing.T failed during the run (t.Error or t.Errorf"},
		{"main-fatalf", "MainThread called t.FailNow (t.Fatal, t.Fatalf) of the test's *testing.T"},
	} {
		t.Run(c.which, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestTestingTBHelper$", "-test.count=1", "-test.v", "-test.timeout=60s")
			cmd.Env = append(os.Environ(), tbChildEnv+"="+c.which)
			b, err := cmd.CombinedOutput()
			out := string(b)
			if err == nil {
				t.Fatalf("the child passed; want its test to fail:\n%s", out)
			}
			msg := "deliberate " + c.which
			if n := strings.Count(out, msg); n != 1 {
				t.Fatalf("the child's log has %q %d times; want once:\n%s", msg, n, out)
			}
			if strings.Contains(out, "OK, passed") {
				t.Fatalf("rapid reported a pass:\n%s", out)
			}
			// In order: the message, rapid's failure with the report and the
			// trace, the replay command.
			at := strings.Index(out, msg)
			for _, next := range []string{"[rapid] failed after", "interleave: misuse: " + c.report, "interleaving ", "To reproduce, specify", "-rapid.seed="} {
				i := strings.Index(out[at:], next)
				if i < 0 {
					t.Fatalf("the child's log lacks %q after the previous part:\n%s", next, out)
				}
				at += i
			}
		})
	}
}

// TestPlainGoexitInAThreadJustEndsIt: runtime.Goexit in a thread whose
// test did not fail is Go's own way to end a goroutine, not a failure.
func TestPlainGoexitInAThreadJustEndsIt(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ran := false
		interleave.Explore(rt, func() {
			var g toyGroup
			g.Go("T1", func() {
				defer func() { ran = true }()
				runtime.Goexit()
			})
			g.Wait()
		})
		if !ran {
			rt.Fatalf("T1's deferred call did not run")
		}
	})
}
