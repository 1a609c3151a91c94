// Summary reads the output of go test -v on standard input and prints one
// table row per explored property: its schedules, the distinct
// interleavings they covered, how many of them failed the invariant, and
// the test's result. It is the last stage of make explore:
//
//	go test ./properties/ -run 'Prop|Demo' -v -rapid.checks=2000 | go run ./ci/summary
//
// A property reports its coverage by logging one line of the form
//
//	interleave-summary: name=<Name> seed=S schedules=N distinct=M failures=F
//
// The table starts with the rapid seed of the run: the -seed flag's
// value, or else every distinct seed= the properties logged, so that two
// runs say which schedules each explored and either can be replayed.
//
// (interleave.Coverage.String gives the part after the name). Tests that
// ran without logging such a line get a row with dashes, so nothing that
// ran is hidden. Summary echoes each package's result and each top-level
// test's result as it arrives, prints the output of every failed test
// after the table, and exits with status 1 if any test or package failed
// (including a build failure or a panic) or if no test ran at all.
//
// Flags:
//
//	-log file  also copy the raw go test output to file
//	-seed n    the rapid seed the run used (printed above the table)
//	-q         do not echo results as they arrive
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// marker starts the line a property logs with its coverage.
const marker = "interleave-summary:"

// maxFailedLines bounds how much of one failed test's output is printed
// after the table; the full output is in the -log file.
const maxFailedLines = 400

// tailLines is how much of a failed package's output is printed when no
// failed test explains the failure (a build error, a goleak report, a
// panic in TestMain).
const tailLines = 40

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	logPath := fs.String("log", "", "also copy the raw go test output to `file`")
	quiet := fs.Bool("q", false, "do not echo results as they arrive")
	seed := fs.String("seed", "", "the rapid `seed` of the run, printed above the table")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "summary: unexpected arguments %q (reads go test -v output on stdin)\n", fs.Args())
		return 2
	}
	in := stdin
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			fmt.Fprintf(stderr, "summary: %v\n", err)
			return 2
		}
		defer f.Close()
		in = io.TeeReader(stdin, f)
	}
	var progress io.Writer
	if !*quiet {
		progress = stdout
	}
	rep, err := parse(in, progress)
	if err != nil {
		fmt.Fprintf(stderr, "summary: reading go test output: %v\n", err)
		return 2
	}
	if *seed != "" {
		rep.seeds = []string{*seed}
	}
	rep.write(stdout, *logPath)
	if !rep.ok() {
		return 1
	}
	return 0
}

// A row is one line of the summary table.
type row struct {
	pkg       string // short package name; empty until the package's ok/FAIL line
	test      string // the test (or subtest) that logged the line
	property  string // name= field, or the test name
	schedules string // "-" when the test logged no summary
	distinct  string
	failures  string
	seed      string // seed= field, "" if none
}

// A testResult is what go test -v said about one test or subtest.
type testResult struct {
	pkg    string
	name   string
	result string   // "PASS", "FAIL", "SKIP", or "" if no --- line was seen
	output []string // lines printed while the test was current
	logged bool     // it, or a subtest or parent of it, logged a summary
}

// A report is everything parse learned from one go test run.
type report struct {
	rows        []*row
	tests       []*testResult          // in order of first appearance
	byName      map[string]*testResult // current package's tests by name
	failedPkgs  []string               // "FAIL pkg" lines, and "FAIL" alone
	pkgTails    [][]string             // last lines of each failed package's output
	panicked    bool
	packagesRun int
	seeds       []string // distinct rapid seeds, from -seed or the summary lines
}

// parse reads go test -v output. If progress is not nil, it echoes package
// results and top-level test results to it as they arrive.
func parse(r io.Reader, progress io.Writer) (*report, error) {
	rep := &report{byName: map[string]*testResult{}}
	var cur *testResult // the test whose output is being printed
	var pending []*row  // rows of the package not finished yet
	var pkgTests []*testResult
	var tail []string // the current package's last tailLines lines
	finishPackage := func(pkg string) {
		short := path.Base(pkg)
		for _, rw := range pending {
			rw.pkg = short
		}
		for _, tr := range pkgTests {
			tr.pkg = short
		}
		pending, pkgTests, tail = nil, nil, nil
		rep.byName = map[string]*testResult{}
		cur = nil
		rep.packagesRun++
	}
	test := func(name string) *testResult {
		tr := rep.byName[name]
		if tr == nil {
			tr = &testResult{name: name}
			rep.byName[name] = tr
			rep.tests = append(rep.tests, tr)
			pkgTests = append(pkgTests, tr)
		}
		return tr
	}

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if tail = append(tail, line); len(tail) > 2*tailLines {
			tail = append(tail[:0], tail[len(tail)-tailLines:]...)
		}
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(line, "=== "):
			// === RUN, === CONT, === NAME, === PAUSE: the named test prints next.
			if f := strings.Fields(line); len(f) >= 3 {
				cur = test(f[2])
			}
			continue
		case strings.HasPrefix(trimmed, "--- PASS: "), strings.HasPrefix(trimmed, "--- FAIL: "),
			strings.HasPrefix(trimmed, "--- SKIP: "):
			f := strings.Fields(trimmed)
			if len(f) >= 3 {
				cur = test(f[2])
				cur.result = strings.TrimSuffix(f[1], ":")
				if progress != nil && trimmed == line { // top level only
					fmt.Fprintln(progress, line)
				}
			}
			continue
		case strings.HasPrefix(line, "ok  \t"), strings.HasPrefix(line, "ok \t"):
			if progress != nil {
				fmt.Fprintln(progress, line)
			}
			finishPackage(strings.Fields(line)[1])
			continue
		case line == "FAIL", line == "PASS":
			// A package's verdict before its ok/FAIL line (or after a panic).
			if line == "FAIL" {
				rep.failedPkgs = append(rep.failedPkgs, "FAIL")
			}
			continue
		case strings.HasPrefix(line, "FAIL\t"):
			if progress != nil {
				fmt.Fprintln(progress, line)
			}
			pkg := strings.Fields(line)[1]
			what := pkg
			if i := strings.Index(line, " ["); i >= 0 { // [build failed], [setup failed]
				what += line[i:]
			}
			rep.failedPkgs = append(rep.failedPkgs, what)
			rep.pkgTails = append(rep.pkgTails, lastN(tail, tailLines))
			finishPackage(pkg)
			continue
		case strings.HasPrefix(line, "panic: "):
			rep.panicked = true
		}
		if cur != nil {
			cur.output = append(cur.output, line)
		}
		if i := strings.Index(line, marker); i >= 0 {
			rw := parseSummary(line[i+len(marker):])
			if rw.seed != "" && !slices.Contains(rep.seeds, rw.seed) {
				rep.seeds = append(rep.seeds, rw.seed)
			}
			if cur != nil {
				rw.test = cur.name
				if rw.property == "" {
					rw.property = cur.name
				}
			}
			if rw.property == "" {
				rw.property = "?"
			}
			rep.rows = append(rep.rows, rw)
			pending = append(pending, rw)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(pending) > 0 || len(pkgTests) > 0 {
		// The output ended without the package's ok/FAIL line: go test was
		// killed or its output cut short. Keep what was seen, and fail.
		rep.failedPkgs = append(rep.failedPkgs, "(output ended before the package's result)")
		rep.pkgTails = append(rep.pkgTails, lastN(tail, tailLines))
		finishPackage("?")
	}
	rep.markLogged()
	return rep, nil
}

// parseSummary reads the key=value fields after the marker. Unknown keys
// are ignored, so properties may log more than the table shows.
func parseSummary(s string) *row {
	rw := &row{schedules: "-", distinct: "-", failures: "-"}
	for _, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch k {
		case "name":
			rw.property = v
		case "schedules":
			rw.schedules = v
		case "distinct":
			rw.distinct = v
		case "failures":
			rw.failures = v
		case "seed":
			rw.seed = v
		}
	}
	return rw
}

// markLogged sets logged on every test that is, contains or lies inside a
// test that logged a summary row.
func (rep *report) markLogged() {
	for _, tr := range rep.tests {
		for _, rw := range rep.rows {
			if rw.test == "" || rw.pkg != tr.pkg {
				continue
			}
			if rw.test == tr.name || strings.HasPrefix(rw.test, tr.name+"/") || strings.HasPrefix(tr.name, rw.test+"/") {
				tr.logged = true
				break
			}
		}
	}
}

// result returns the verdict of the test that logged rw.
func (rep *report) result(rw *row) string {
	for _, tr := range rep.tests {
		if tr.pkg == rw.pkg && tr.name == rw.test {
			return verdict(tr.result)
		}
	}
	return "?"
}

func verdict(r string) string {
	if r == "" {
		return "?" // still running when the output ended, or the binary crashed
	}
	return r
}

// failed returns the tests whose result is FAIL, or that never finished.
func (rep *report) failed() []*testResult {
	var out []*testResult
	for _, tr := range rep.tests {
		if tr.result == "FAIL" || tr.result == "" {
			out = append(out, tr)
		}
	}
	return out
}

// ok reports whether the run passed: something ran, and nothing failed.
func (rep *report) ok() bool {
	return len(rep.tests) > 0 && len(rep.failed()) == 0 && len(rep.failedPkgs) == 0 && !rep.panicked
}

// table returns the rows to print: every summary row, then a dashed row
// for every test that ran without logging one.
func (rep *report) table() []*row {
	rows := append([]*row(nil), rep.rows...)
	for _, tr := range rep.tests {
		if !tr.logged {
			rows = append(rows, &row{pkg: tr.pkg, test: tr.name, property: tr.name,
				schedules: "-", distinct: "-", failures: "-"})
		}
	}
	return rows
}

// write prints the table, the totals and the output of failed tests.
func (rep *report) write(w io.Writer, logPath string) {
	rows := rep.table()
	fmt.Fprintln(w)
	if len(rep.seeds) > 0 {
		fmt.Fprintf(w, "rapid seed: %s\n", strings.Join(rep.seeds, ", "))
	}
	if len(rep.tests) == 0 {
		fmt.Fprintln(w, "summary: no test ran (no package matched, or the -run pattern matched no test)")
	} else {
		cells := [][]string{{"package", "property", "schedules", "distinct interleavings", "failures", "result"}}
		var sched, dist, fail int
		for _, rw := range rows {
			cells = append(cells, []string{rw.pkg, rw.property, rw.schedules, rw.distinct, rw.failures, rep.result(rw)})
			sched += atoi(rw.schedules)
			dist += atoi(rw.distinct)
			fail += atoi(rw.failures)
		}
		cells = append(cells, []string{"", "total", strconv.Itoa(sched), strconv.Itoa(dist), strconv.Itoa(fail), ""})
		writeTable(w, cells, []bool{false, false, true, true, true, false})
	}

	failed := rep.failed()
	for _, tr := range failed {
		fmt.Fprintf(w, "\n--- output of %s (%s) ---\n", tr.name, verdict(tr.result))
		out := tr.output
		if len(out) > maxFailedLines {
			fmt.Fprintf(w, "[first %d of %d lines]\n", maxFailedLines, len(out))
			out = out[:maxFailedLines]
		}
		for _, l := range out {
			fmt.Fprintln(w, l)
		}
	}
	if len(failed) == 0 {
		for _, t := range rep.pkgTails {
			fmt.Fprintln(w, "\n--- end of a failed package's output ---")
			for _, l := range t {
				fmt.Fprintln(w, l)
			}
		}
	}
	var problems []string
	if n := len(failed); n > 0 {
		problems = append(problems, fmt.Sprintf("%d test(s) failed", n))
	}
	for _, p := range rep.failedPkgs {
		if p != "FAIL" {
			problems = append(problems, "FAIL "+p)
		}
	}
	if rep.panicked {
		problems = append(problems, "a test binary panicked")
	}
	if len(problems) == 0 && len(rep.failedPkgs) > 0 {
		problems = append(problems, "go test reported FAIL")
	}
	fmt.Fprintln(w)
	switch {
	case len(rep.tests) == 0 && len(problems) == 0:
		fmt.Fprintln(w, "summary: FAIL (nothing explored)")
	case len(problems) > 0:
		fmt.Fprintf(w, "summary: FAIL: %s\n", strings.Join(problems, "; "))
	default:
		fmt.Fprintf(w, "summary: PASS: %d test(s)\n", len(rep.tests))
	}
	if logPath != "" {
		fmt.Fprintf(w, "full output: %s\n", logPath)
	}
}

// writeTable prints cells as aligned columns two spaces apart, numbers
// (right[i]) aligned right and names aligned left, without trailing spaces.
func writeTable(w io.Writer, cells [][]string, right []bool) {
	width := make([]int, len(right))
	for _, r := range cells {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range cells {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-len(c))
			if right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// lastN returns a copy of the last n lines.
func lastN(lines []string, n int) []string {
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return append([]string(nil), lines...)
}

// atoi returns the value of a count field, 0 for "-" or garbage.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
