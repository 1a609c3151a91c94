package interleavetest_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
	"pgregory.net/rapid"
)

// probeEnv makes TestSeedProbe print the rapid.seed flag (in a child).
const probeEnv = "INTERLEAVETEST_PROBE"

func TestSeedProbe(t *testing.T) {
	if os.Getenv(probeEnv) == "" {
		return // only meaningful in the child processes below
	}
	fmt.Printf("seed=%s\n", flag.Lookup("rapid.seed").Value.String())
}

// child runs this test binary with args and env, and returns its output
// and exit code.
func child(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestSeedProbe$"}, args...)...)
	cmd.Env = append(append(os.Environ(), probeEnv+"=1"), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func TestPinRapidSeed(t *testing.T) {
	for _, c := range []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{interleavetest.SeedEnv + "="}, nil, "seed=1\n"},
		{[]string{interleavetest.SeedEnv + "=42"}, nil, "seed=42\n"},
		{[]string{interleavetest.SeedEnv + "=42"}, []string{"-rapid.seed=7"}, "seed=7\n"},
		{[]string{interleavetest.SeedEnv + "=42"}, []string{"-rapid.seed=0"}, "seed=0\n"}, // explicit 0 is rapid's random
	} {
		out, code := child(t, c.env, c.args...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("env %v args %v: exit %d, output %q; want %q", c.env, c.args, code, out, c.want)
		}
	}
	out, code := child(t, []string{interleavetest.SeedEnv + "=random"})
	if code != 0 || !strings.Contains(out, "interleavetest: INTERLEAVE_SEED=random: -rapid.seed=") || strings.Contains(out, "seed=0\n") {
		t.Errorf("INTERLEAVE_SEED=random: exit %d, output %q; want a printed non-zero seed", code, out)
	}
	for _, bad := range []string{"0", "-3", "x"} {
		if out, code := child(t, []string{interleavetest.SeedEnv + "=" + bad}); code != 2 {
			t.Errorf("INTERLEAVE_SEED=%s: exit %d, output %q; want exit 2", bad, code, out)
		}
	}
}

func TestBadFailFileExitsTwo(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.fail")
	oldVersion := filepath.Join(dir, "old.fail")
	if err := os.WriteFile(garbage, []byte("not a fail file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oldVersion, []byte("v0.0.1#12\n0x1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{filepath.Join(dir, "missing.fail"), garbage, oldVersion} {
		out, code := child(t, nil, "-rapid.failfile="+name)
		if code != 2 || !strings.Contains(out, "rapid.failfile") || strings.Contains(out, "seed=") {
			t.Errorf("-rapid.failfile=%s: exit %d, output %q; want exit 2 naming the flag, no test run", name, code, out)
		}
	}
}

// TestCheckFailFileAcceptsRapids pins the fail-file format against a file
// rapid itself wrote: a rapid upgrade that changes it fails here.
func TestCheckFailFileAcceptsRapids(t *testing.T) {
	tb := &quietTB{name: "interleavetest_failfile_probe"}
	dir := filepath.Join("testdata", "rapid", tb.name)
	t.Cleanup(func() { _ = os.RemoveAll("testdata") })
	rapid.Check(tb, func(rt *rapid.T) {
		if rapid.IntRange(0, 100).Draw(rt, "n") > 10 {
			rt.Fatalf("big")
		}
	})
	files, _ := filepath.Glob(filepath.Join(dir, "*.fail"))
	if !tb.Failed() || len(files) != 1 {
		t.Fatalf("rapid failed %v and wrote %v; want one fail file", tb.Failed(), files)
	}
	if err := interleavetest.CheckFailFile(files[0]); err != nil {
		t.Fatalf("CheckFailFile(rapid's own file) = %v; want nil", err)
	}
}

// quietTB is a rapid.TB that records failure and drops the log.
type quietTB struct {
	name   string
	mu     sync.Mutex
	failed bool
}

func (q *quietTB) Helper()               {}
func (q *quietTB) Name() string          { return q.name }
func (q *quietTB) Logf(string, ...any)   {}
func (q *quietTB) Log(...any)            {}
func (q *quietTB) Skipf(string, ...any)  {}
func (q *quietTB) Skip(...any)           {}
func (q *quietTB) SkipNow()              {}
func (q *quietTB) Errorf(string, ...any) { q.Fail() }
func (q *quietTB) Error(...any)          { q.Fail() }
func (q *quietTB) Fatalf(string, ...any) { q.Fail() }
func (q *quietTB) Fatal(...any)          { q.Fail() }
func (q *quietTB) FailNow()              { q.Fail() }
func (q *quietTB) Fail()                 { q.mu.Lock(); q.failed = true; q.mu.Unlock() }
func (q *quietTB) Failed() bool          { q.mu.Lock(); defer q.mu.Unlock(); return q.failed }
