package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
)

func TestMain(m *testing.M) { interleavetest.Main(m) }

const s11 = "../../timeline/testdata/s11.json"
const s17 = "../../timeline/testdata/s17.json"

func cli(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestShowPrintsTheTextTimeline(t *testing.T) {
	code, out, _ := cli(t, "", "show", s11)
	if code != 0 {
		t.Fatalf("show exit = %d; want 0", code)
	}
	for _, want := range []string{"interleaving 3430b53347f8f0c7", "Thread-1    blocks on Condition.Wait", "failure: interleave: deadlock", "replay: "} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}

func TestHTMLAndSVGWriteFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ cmd, prefix string }{{"html", "<!DOCTYPE html>"}, {"svg", "<?xml"}} {
		out := filepath.Join(dir, "s11."+c.cmd)
		if code, _, stderr := cli(t, "", c.cmd, s11, "-o", out); code != 0 {
			t.Fatalf("%s exit = %d; want 0 (%s)", c.cmd, code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(c.prefix)) || !bytes.Contains(b, []byte(`class="mark"`)) {
			t.Errorf("%s output starts %q; want %q and marks", c.cmd, b[:min(40, len(b))], c.prefix)
		}
		if bytes.Contains(b, []byte("http://")) && c.cmd == "html" {
			t.Errorf("html output names a URL; want a page that needs no network")
		}
	}
	// -o before the file, and - for stdout.
	code, out, _ := cli(t, "", "svg", "-o", "-", s17)
	if code != 0 || !strings.HasPrefix(out, "<?xml") {
		t.Errorf("svg -o - FILE: exit %d, output %q...; want the SVG on stdout", code, out[:min(20, len(out))])
	}
}

func TestDiffSaysWhereInterleavingsPart(t *testing.T) {
	code, out, _ := cli(t, "", "diff", s11, s11)
	if code != 0 || !strings.Contains(out, "same interleaving 3430b53347f8f0c7") {
		t.Errorf("diff A A: exit %d, %q; want the same interleaving", code, out)
	}
	// B: s11 with Thread-1 and Thread-2 swapped from step 6 on.
	f, err := os.ReadFile(s11)
	if err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(t.TempDir(), "b.json")
	mod := strings.Replace(string(f), `"fingerprint": "3430b53347f8f0c7"`, `"fingerprint": "0000000000000000"`, 1)
	mod = strings.Replace(mod, `"op": "github.com/interleave-lab/interleave/primitives/rlock-acquired"`, `"op": "github.com/interleave-lab/interleave/primitives/rlock-release"`, 1)
	if err := os.WriteFile(b, []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = cli(t, "", "diff", s11, b)
	if code != 0 || !strings.Contains(out, "part at step 7") || !strings.Contains(out, "last common:") {
		t.Errorf("diff: exit %d:\n%s\nwant the interleavings to part at step 7", code, out)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	future := filepath.Join(dir, "future.json")
	if err := os.WriteFile(future, []byte(`{"version": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"show"}, 2, "show takes 1 trace file(s), got 0"},
		{[]string{"diff", s11}, 2, "diff takes 2 trace file(s), got 1"},
		{[]string{"html", s11, "-x"}, 2, "flag provided but not defined: -x"},
		{[]string{"show", filepath.Join(dir, "missing.json")}, 1, "missing.json: open"},
		{[]string{"svg", future}, 1, future + ": not a trace file: schema version 2"},
		{[]string{"summary", "extra"}, 2, "unexpected arguments"},
	} {
		code, _, stderr := cli(t, "", c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("interleave %q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

func TestSummaryReadsGoTestJSON(t *testing.T) {
	in := `{"Action":"run","Test":"TestPropX"}
{"Action":"output","Test":"TestPropX","Output":"=== RUN   TestPropX\n"}
{"Action":"output","Test":"TestPropX","Output":"    x_test.go:1: interleave-summary: name=X schedules=100 distinct=42 failures=0\n"}
{"Action":"output","Test":"TestPropX","Output":"--- PASS: TestPropX (0.10s)\n"}
{"Action":"pass","Test":"TestPropX"}
{"Action":"output","Output":"PASS\n"}
{"Action":"output","Output":"ok  \tgithub.com/interleave-lab/interleave/properties\t0.2s\n"}
`
	code, out, stderr := cli(t, in, "summary", "-q")
	if code != 0 {
		t.Fatalf("summary exit = %d; want 0\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "properties  X") || !strings.Contains(out, "100") || !strings.Contains(out, "42") || !strings.Contains(out, "summary: PASS") {
		t.Errorf("summary output:\n%s\nwant a row X 100 42 and PASS", out)
	}
}
