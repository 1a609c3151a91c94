package summary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
)

func TestMain(m *testing.M) { interleavetest.Main(m) }

// passing is go test -v output of two packages: a property with subtests
// that log summaries, a demo that finds failures and passes, and a test
// that logs nothing.
const passing = `=== RUN   TestPropLockMutualExclusion
    lock_test.go:40: interleave-summary: name=LockMutualExclusion schedules=2000 distinct=731 failures=0 pairs=12 preempted=2 preempted-at=lock-acquire:40,lock-release:3
--- PASS: TestPropLockMutualExclusion (1.20s)
=== RUN   TestPropQueue
=== RUN   TestPropQueue/FIFO
    queue_test.go:12: interleave-summary: name=QueueFIFO schedules=2000 distinct=1500 failures=0 steps=40
=== RUN   TestPropQueue/LIFO
    queue_test.go:12: interleave-summary: schedules=2000 distinct=1499 failures=0
--- PASS: TestPropQueue (2.00s)
    --- PASS: TestPropQueue/FIFO (1.00s)
    --- PASS: TestPropQueue/LIFO (1.00s)
=== RUN   TestDemoLostUpdate
    demo_test.go:30: interleave-summary: name=DemoLostUpdate schedules=57 distinct=40 failures=1
--- PASS: TestDemoLostUpdate (0.30s)
PASS
ok  	github.com/interleave-lab/interleave/properties	3.512s
=== RUN   TestPropNothingLogged
--- PASS: TestPropNothingLogged (0.00s)
PASS
ok  	github.com/interleave-lab/interleave/failpoints	0.020s
`

func TestParsePassing(t *testing.T) {
	rep, err := parse(strings.NewReader(passing), nil)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if !rep.ok() {
		t.Errorf("ok() = false; want true")
	}
	want := []row{
		{"properties", "TestPropLockMutualExclusion", "LockMutualExclusion", "2000", "731", "0", "", "12", "2: lock-acquire:40 lock-release:3"},
		{"properties", "TestPropQueue/FIFO", "QueueFIFO", "2000", "1500", "0", "", "-", "-"},
		{"properties", "TestPropQueue/LIFO", "TestPropQueue/LIFO", "2000", "1499", "0", "", "-", "-"},
		{"properties", "TestDemoLostUpdate", "DemoLostUpdate", "57", "40", "1", "", "-", "-"},
		{"failpoints", "TestPropNothingLogged", "TestPropNothingLogged", "-", "-", "-", "", "-", "-"},
	}
	got := rep.table()
	if len(got) != len(want) {
		t.Fatalf("table() has %d rows; want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if *got[i] != want[i] {
			t.Errorf("table()[%d] = %+v; want %+v", i, *got[i], want[i])
		}
		if r := rep.result(got[i]); r != "PASS" {
			t.Errorf("result(%s) = %q; want PASS", got[i].property, r)
		}
	}
}

func TestWriteAlignsTableAndTotals(t *testing.T) {
	rep, err := parse(strings.NewReader(passing), nil)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var b bytes.Buffer
	rep.write(&b, "")
	out := b.String()
	want := `
package     property               schedules  distinct interleavings  failures  pairs  result  preempted at
properties  LockMutualExclusion         2000                     731         0     12  PASS    2: lock-acquire:40 lock-release:3
properties  QueueFIFO                   2000                    1500         0      -  PASS    -
properties  TestPropQueue/LIFO          2000                    1499         0      -  PASS    -
properties  DemoLostUpdate                57                      40         1      -  PASS    -
failpoints  TestPropNothingLogged          -                       -         -      -  PASS    -
            total                       6057                    3770         1

summary: PASS: 6 test(s)
`
	if out != want {
		t.Errorf("write output:\n%s\nwant:\n%s", out, want)
	}
}

func TestParseFailures(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantOut  []string // substrings of write's output
		wantRows int
	}{
		{
			name: "failed property",
			in: `=== RUN   TestPropLock
    lock_test.go:40: [rapid] failed after 12 tests: counter = 1; want 2
        To reproduce, specify -run="TestPropLock" -rapid.seed=42
    lock_test.go:41: interleave-summary: name=Lock schedules=13 distinct=9 failures=1
--- FAIL: TestPropLock (0.10s)
=== RUN   TestPropOther
--- PASS: TestPropOther (0.00s)
FAIL
FAIL	github.com/interleave-lab/interleave/properties	0.200s
FAIL
`,
			wantOut:  []string{"--- output of TestPropLock (FAIL)", "-rapid.seed=42", "1 test(s) failed", "FAIL github.com/interleave-lab/interleave/properties"},
			wantRows: 2,
		},
		{
			name: "failed subtest",
			in: `=== RUN   TestPropQueue
=== RUN   TestPropQueue/FIFO
    queue_test.go:9: got = 2; want 1
    queue_test.go:12: interleave-summary: name=QueueFIFO schedules=3 distinct=3 failures=1
--- FAIL: TestPropQueue (0.00s)
    --- FAIL: TestPropQueue/FIFO (0.00s)
FAIL
FAIL	github.com/interleave-lab/interleave/properties	0.010s
`,
			wantOut:  []string{"--- output of TestPropQueue/FIFO (FAIL)", "got = 2; want 1", "2 test(s) failed"},
			wantRows: 1,
		},
		{
			name: "build failure",
			in: `# github.com/interleave-lab/interleave/properties
properties/lock_test.go:3:2: undefined: primitives.Lokc
FAIL	github.com/interleave-lab/interleave/properties [build failed]
FAIL
`,
			wantOut:  []string{"no test ran", "undefined: primitives.Lokc", "[build failed]"},
			wantRows: 0,
		},
		{
			name: "leak found by goleak after passing tests",
			in: `=== RUN   TestPropLock
--- PASS: TestPropLock (0.00s)
PASS
goleak: Errors on successful test run: found unexpected goroutines:
[Goroutine 7 in state chan receive]
FAIL	github.com/interleave-lab/interleave/properties	0.400s
`,
			wantOut:  []string{"found unexpected goroutines", "FAIL github.com/interleave-lab/interleave/properties"},
			wantRows: 1,
		},
		{
			name: "panic",
			in: `=== RUN   TestPropLock
panic: test timed out after 10m0s
FAIL	github.com/interleave-lab/interleave/properties	600.000s
`,
			wantOut:  []string{"--- output of TestPropLock (?)", "test timed out", "a test binary panicked"},
			wantRows: 1,
		},
		{
			name: "output cut short",
			in: `=== RUN   TestPropLock
    lock_test.go:41: interleave-summary: name=Lock schedules=13 distinct=9 failures=0
`,
			wantOut:  []string{"output ended before the package's result"},
			wantRows: 1,
		},
		{
			name:     "nothing ran",
			in:       "testing: warning: no tests to run\nPASS\nok  \tgithub.com/interleave-lab/interleave/failpoints\t0.010s [no tests to run]\n",
			wantOut:  []string{"no test ran", "summary: FAIL (nothing explored)"},
			wantRows: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := parse(strings.NewReader(tt.in), nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if rep.ok() {
				t.Errorf("ok() = true; want false")
			}
			if n := len(rep.table()); n != tt.wantRows {
				t.Errorf("table() has %d rows; want %d", n, tt.wantRows)
			}
			var b bytes.Buffer
			rep.write(&b, "")
			for _, s := range tt.wantOut {
				if !strings.Contains(b.String(), s) {
					t.Errorf("write output lacks %q:\n%s", s, b.String())
				}
			}
		})
	}
}

func TestParseSummaryFields(t *testing.T) {
	tests := []struct {
		in   string
		want row
	}{
		{" name=A schedules=1 distinct=2 failures=3", row{property: "A", schedules: "1", distinct: "2", failures: "3", pairs: "-", preempted: "-"}},
		{" failures=3 name=B extra=x schedules=5 junk", row{property: "B", schedules: "5", distinct: "-", failures: "3", pairs: "-", preempted: "-"}},
		{"", row{schedules: "-", distinct: "-", failures: "-", pairs: "-", preempted: "-"}},
		{" name=C schedules=9 distinct=8 failures=0 pairs=4 preempted=1 preempted-at=kernel:7", row{property: "C", schedules: "9", distinct: "8", failures: "0", pairs: "4", preempted: "1: kernel:7"}},
		{" name=D schedules=9 distinct=8 failures=0 pairs=0 preempted=0", row{property: "D", schedules: "9", distinct: "8", failures: "0", pairs: "0", preempted: "0"}},
	}
	for _, tt := range tests {
		if got := parseSummary(tt.in); *got != tt.want {
			t.Errorf("parseSummary(%q) = %+v; want %+v", tt.in, *got, tt.want)
		}
	}
}

func TestProgressEchoesTopLevelResults(t *testing.T) {
	var progress bytes.Buffer
	if _, err := parse(strings.NewReader(passing), &progress); err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := progress.String()
	want := "--- PASS: TestPropLockMutualExclusion (1.20s)\n" +
		"--- PASS: TestPropQueue (2.00s)\n" +
		"--- PASS: TestDemoLostUpdate (0.30s)\n" +
		"ok  \tgithub.com/interleave-lab/interleave/properties\t3.512s\n" +
		"--- PASS: TestPropNothingLogged (0.00s)\n" +
		"ok  \tgithub.com/interleave-lab/interleave/failpoints\t0.020s\n"
	if got != want {
		t.Errorf("progress = %q; want %q", got, want)
	}
}

func TestRunExitStatusAndLog(t *testing.T) {
	failing := "=== RUN   TestPropX\n--- FAIL: TestPropX (0.00s)\nFAIL\nFAIL\tgithub.com/x/properties\t0.1s\n"
	logPath := filepath.Join(t.TempDir(), "explore.log")
	tests := []struct {
		name string
		args []string
		in   string
		want int
	}{
		{"pass", []string{"-q"}, passing, 0},
		{"fail", []string{"-q"}, failing, 1},
		{"empty", []string{"-q"}, "", 1},
		{"log", []string{"-q", "-log", logPath}, passing, 0},
		{"bad flag", []string{"-nope"}, passing, 2},
		{"stray argument", []string{"file.txt"}, passing, 2},
		{"unwritable log", []string{"-log", filepath.Join(t.TempDir(), "no", "such", "dir")}, passing, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tt.args, strings.NewReader(tt.in), &stdout, &stderr); got != tt.want {
				t.Errorf("run(%q) = %d; want %d\nstdout:\n%s\nstderr:\n%s", tt.args, got, tt.want, stdout.String(), stderr.String())
			}
		})
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading -log file: %v", err)
	}
	if string(b) != passing {
		t.Errorf("-log file = %q; want the input unchanged", b)
	}
}

// asJSON turns go test -v output into go test -json events, the way
// test2json emits them (one output event per line, action events between).
func asJSON(t *testing.T, text string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		out, err := json.Marshal(map[string]string{"Action": "output", "Output": line})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(out)
		b.WriteString("\n{\"Action\":\"pass\",\"Test\":\"x\"}\n")
	}
	return b.String()
}

// TestParseJSONMatchesVerbose: go test -json gives the table go test -v
// gives.
func TestParseJSONMatchesVerbose(t *testing.T) {
	for _, text := range []string{passing} {
		v, err := parse(strings.NewReader(text), nil)
		if err != nil {
			t.Fatal(err)
		}
		j, err := parse(strings.NewReader(asJSON(t, text)), nil)
		if err != nil {
			t.Fatal(err)
		}
		var vb, jb bytes.Buffer
		v.write(&vb, "")
		j.write(&jb, "")
		if vb.String() != jb.String() {
			t.Errorf("-json table:\n%s\nwant the -v table:\n%s", jb.String(), vb.String())
		}
		if len(j.rows) != 4 {
			t.Errorf("-json rows = %d; want 4", len(j.rows))
		}
	}
}

// TestProgressLines: a property's progress lines show while it runs, as
// plain lines when the output is not a terminal, with the rate.
func TestProgressLines(t *testing.T) {
	in := `=== RUN   TestPropX
    harness.go:30: interleave-progress: name=X schedules=1000 distinct=400 failures=0 elapsed=2.0s
    harness.go:30: interleave-summary: name=X schedules=2000 distinct=731 failures=0
--- PASS: TestPropX (4.00s)
PASS
ok  	github.com/interleave-lab/interleave/properties	4.1s
`
	var out bytes.Buffer
	if _, err := parse(strings.NewReader(asJSON(t, in)), &out); err != nil {
		t.Fatal(err)
	}
	want := "explore: X: 1000 schedules (500/s), 400 distinct interleavings, 0 failures [2.0s]\n--- PASS: TestPropX (4.00s)\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("progress output:\n%s\nwant it to start:\n%s", out.String(), want)
	}
	// On a terminal the line is rewritten in place and cleared.
	var tty bytes.Buffer
	l := &liveWriter{w: &tty, tty: true}
	l.status("a")
	l.status("b")
	fmt.Fprintln(l, "done")
	if got := tty.String(); got != "a\r\033[Kb\r\033[Kdone\n" {
		t.Errorf("terminal output = %q; want the line updated in place, then cleared", got)
	}
}

// TestSeedIsPrinted: the seed of the run heads the table, from -seed or
// from the properties' seed= fields.
func TestSeedIsPrinted(t *testing.T) {
	in := "=== RUN   TestPropX\n    x_test.go:1: interleave-summary: name=X seed=987 schedules=3 distinct=2 failures=0\n--- PASS: TestPropX (0.00s)\nPASS\nok  \tgithub.com/interleave-lab/interleave/properties\t0.1s\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "rapid seed: 987\n"},
		{[]string{"-seed", "555"}, "rapid seed: 555\n"},
	} {
		var out, errb strings.Builder
		if code := run(append(c.args, "-q"), strings.NewReader(in), &out, &errb); code != 0 {
			t.Fatalf("run(%v) = %d; stderr %s", c.args, code, errb.String())
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("run(%v) output:\n%s\nwant it to contain %q", c.args, out.String(), c.want)
		}
	}
}

// TestParseJSONOfPackagesRunInParallel: go test -json interleaves the
// events of packages that run at once; each property keeps its own
// package and result, even when another package ends in the middle.
func TestParseJSONOfPackagesRunInParallel(t *testing.T) {
	ev := func(pkg, test, action, output string) string {
		b, err := json.Marshal(map[string]string{"Action": action, "Package": pkg, "Test": test, "Output": output})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const props, root = "example.com/m/properties", "example.com/m"
	lines := []string{
		ev(props, "TestPropA", "output", "=== RUN   TestPropA\n"),
		ev(props, "TestPropA", "output", "    a_test.go:1: interleave-summary: name=A schedules=10 distinct=4 failures=0\n"),
		ev(root, "TestPropB", "output", "=== RUN   TestPropB\n"),
		ev(root, "TestPropB", "output", "    b_test.go:1: interleave-summary: name=B schedules=20 distinct=9 failures=0\n"),
		ev(root, "TestPropB", "output", "--- PASS: TestPropB (0.00s)\n"),
		ev(root, "", "output", "ok  \t"+root+"\t0.1s\n"),
		ev(root, "", "pass", ""),
		ev(props, "TestPropA", "output", "--- PASS: TestPropA (0.00s)\n"),
		ev(props, "", "output", "ok  \t"+props+"\t0.2s\n"),
		ev(props, "", "pass", ""),
	}
	rep, err := parse(strings.NewReader(strings.Join(lines, "\n")+"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rw := range rep.table() {
		got[rw.property] = rw.pkg + " " + rep.result(rw)
	}
	if got["A"] != "properties PASS" || got["B"] != "m PASS" || len(got) != 2 {
		t.Fatalf("rows = %v; want A in properties and B in m, both PASS", got)
	}
	if !rep.ok() {
		t.Error("ok() = false; want true")
	}
}
