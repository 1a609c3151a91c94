// Package summary reads the output of go test -json (or go test -v) and
// prints one table row per explored property: its schedules, the distinct
// interleavings they covered, how many of them failed the invariant, and
// the test's result. It is the last stage of make explore, behind both
// `interleave summary` (cmd/interleave) and ci/summary:
//
//	go test ./properties/ -run 'Prop|Demo' -json -rapid.checks=2000 | interleave summary
//
// A property reports its coverage by logging one line of the form
//
//	interleave-summary: name=<Name> seed=S schedules=N distinct=M failures=F pairs=P preempted=Q preempted-at=a:3,b:2
//
// The table's pairs column is P, how many ordered pairs of failpoints of
// two threads ran back to back (Coverage.Pairs); its last column, preempted
// at, is Q, how many failpoints were a preemption point, then the most
// preempted of them with their counts (Coverage.PreemptedAt).
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
//	-log file  also copy the go test output to file (as text: -json decoded)
//	-seed n    the rapid seed the run used (printed above the table)
//	-q         do not echo results as they arrive
package summary

import (
	"bufio"
	"encoding/json"
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

// progressMarker starts the line a running property logs every few
// seconds (properties.Check with -v): its schedules so far and the wall
// time since it started.
const progressMarker = "interleave-progress:"

// maxFailedLines bounds how much of one failed test's output is printed
// after the table; the full output is in the -log file.
const maxFailedLines = 400

// tailLines is how much of a failed package's output is printed when no
// failed test explains the failure (a build error, a goleak report, a
// panic in TestMain).
const tailLines = 40

// Main runs the summary command with args (flags, no command name) and
// returns its exit status: 0 if every test passed, 1 if one failed, 2 for
// a usage error.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr)
}

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
		fmt.Fprintf(stderr, "summary: unexpected arguments %q (reads go test -json or -v output on stdin)\n", fs.Args())
		return 2
	}
	in := stdin
	var logw io.Writer // the -log file: the test output as text (a -json run decoded)
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			fmt.Fprintf(stderr, "summary: %v\n", err)
			return 2
		}
		defer f.Close()
		logw = f
	}
	var progress io.Writer
	if !*quiet {
		progress = stdout
	}
	rep, err := parseLog(in, progress, logw)
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
	pairs     string // pairs= field: interleaved failpoint pairs, "-" if none logged
	preempted string // preempted= and preempted-at= fields: "N: name:count ...", "-" if none logged
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
func parse(r io.Reader, progress io.Writer) (*report, error) { return parseLog(r, progress, nil) }

// parseLog is parse that also copies every line of test output, as text,
// to logw (if not nil): go test -v output unchanged, -json decoded.
func parseLog(r io.Reader, progress, logw io.Writer) (*report, error) {
	var live *liveWriter
	if progress != nil {
		live = &liveWriter{w: progress, tty: isTerminal(progress)}
		progress = live
		defer live.clear()
	}
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
	handle := func(line string) {
		if logw != nil {
			fmt.Fprintln(logw, line)
		}
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
			return
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
			return
		case strings.HasPrefix(line, "ok  \t"), strings.HasPrefix(line, "ok \t"):
			if progress != nil {
				fmt.Fprintln(progress, line)
			}
			finishPackage(strings.Fields(line)[1])
			return
		case line == "FAIL", line == "PASS":
			// A package's verdict before its ok/FAIL line (or after a panic).
			if line == "FAIL" {
				rep.failedPkgs = append(rep.failedPkgs, "FAIL")
			}
			return
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
			return
		case strings.HasPrefix(line, "panic: "):
			rep.panicked = true
		}
		if cur != nil {
			cur.output = append(cur.output, line)
		}
		if i := strings.Index(line, progressMarker); i >= 0 && live != nil {
			live.status(progressText(line[i+len(progressMarker):]))
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
	// go test -json runs packages in parallel and interleaves their
	// events, while the text parser above reads one package at a time (its
	// ok/FAIL line ends it). So each package's output is kept until that
	// package's own final event, then parsed as one block.
	//
	// Invariant: bufs holds, for each package with events but no final
	// event yet, its complete output lines and the text after its last
	// newline; order lists those packages in order of first event.
	type pkgOutput struct {
		lines   []string
		partial string
	}
	bufs := map[string]*pkgOutput{}
	var order []string
	flush := func(pkg string) {
		b := bufs[pkg]
		if b == nil {
			return
		}
		for _, l := range b.lines {
			handle(l)
		}
		if b.partial != "" {
			handle(b.partial)
		}
		delete(bufs, pkg)
		order = slices.DeleteFunc(order, func(p string) bool { return p == pkg })
	}
	for sc.Scan() {
		line := sc.Text()
		if ev, ok := jsonEvent(line); ok {
			b := bufs[ev.Package]
			if b == nil {
				b = &pkgOutput{}
				bufs[ev.Package] = b
				order = append(order, ev.Package)
			}
			switch {
			case ev.Action == "output":
				text := b.partial + ev.Output
				for {
					l, rest, found := strings.Cut(text, "\n")
					if !found {
						break
					}
					b.lines = append(b.lines, l)
					text = rest
				}
				b.partial = text
			case ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip"):
				flush(ev.Package)
			}
			continue
		}
		handle(line)
	}
	for len(order) > 0 {
		flush(order[0])
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

// An event is one line of go test -json (see go doc test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// jsonEvent decodes line if it is a go test -json event.
func jsonEvent(line string) (event, bool) {
	var ev event
	if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &ev) != nil || ev.Action == "" {
		return event{}, false
	}
	return ev, true
}

// parseSummary reads the key=value fields after the marker. Unknown keys
// are ignored, so properties may log more than the table shows.
func parseSummary(s string) *row {
	rw := &row{schedules: "-", distinct: "-", failures: "-", pairs: "-", preempted: "-"}
	var preempted, at string
	defer func() {
		// "3: lock-acquire:120 queue-get:80 kernel:5": how many failpoints
		// were a preemption point, and the most preempted of them.
		switch {
		case preempted != "" && at != "":
			rw.preempted = preempted + ": " + strings.ReplaceAll(at, ",", " ")
		case preempted != "":
			rw.preempted = preempted
		}
	}()
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
		case "pairs":
			rw.pairs = v
		case "preempted":
			preempted = v
		case "preempted-at":
			at = v
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
				schedules: "-", distinct: "-", failures: "-", pairs: "-", preempted: "-"})
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
		cells := [][]string{{"package", "property", "schedules", "distinct interleavings", "failures", "pairs", "result", "preempted at"}}
		var sched, dist, fail int
		for _, rw := range rows {
			cells = append(cells, []string{rw.pkg, rw.property, rw.schedules, rw.distinct, rw.failures, rw.pairs, rep.result(rw), rw.preempted})
			sched += atoi(rw.schedules)
			dist += atoi(rw.distinct)
			fail += atoi(rw.failures)
		}
		cells = append(cells, []string{"", "total", strconv.Itoa(sched), strconv.Itoa(dist), strconv.Itoa(fail), "", "", ""})
		writeTable(w, cells, []bool{false, false, true, true, true, true, false, false})
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

// A liveWriter echoes results and shows progress: on a terminal, progress
// is one line updated in place (cleared before anything else is written);
// elsewhere (CI logs), a plain line each time.
type liveWriter struct {
	w      io.Writer
	tty    bool
	active bool // a progress line is on screen
}

func (l *liveWriter) Write(p []byte) (int, error) {
	l.clear()
	return l.w.Write(p)
}

func (l *liveWriter) clear() {
	if l.active {
		_, _ = io.WriteString(l.w, "\r\033[K")
		l.active = false
	}
}

func (l *liveWriter) status(s string) {
	if !l.tty {
		fmt.Fprintln(l.w, s)
		return
	}
	l.clear()
	_, _ = io.WriteString(l.w, s)
	l.active = true
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressText renders a progress line's fields: the property, its
// schedules so far and their rate, distinct interleavings, failures.
func progressText(fields string) string {
	kv := map[string]string{}
	for _, f := range strings.Fields(fields) {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = v
		}
	}
	rate := "?"
	if secs, err := strconv.ParseFloat(strings.TrimSuffix(kv["elapsed"], "s"), 64); err == nil && secs > 0 {
		rate = strconv.Itoa(int(float64(atoi(kv["schedules"])) / secs))
	}
	return fmt.Sprintf("explore: %s: %s schedules (%s/s), %s distinct interleavings, %s failures [%s]",
		kv["name"], kv["schedules"], rate, kv["distinct"], kv["failures"], kv["elapsed"])
}
