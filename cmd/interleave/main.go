// Command interleave renders the trace files that failing model runs
// write (package tracefile), compares two of them, and prints the explore
// table of a go test -json run.
//
// Usage:
//
//	interleave show FILE            print the text timeline
//	interleave html FILE [-o OUT]   write the self-contained HTML timeline (default FILE.html; - for stdout)
//	interleave svg FILE [-o OUT]    write the SVG timeline (default FILE.svg; - for stdout)
//	interleave diff A B             say where two interleavings part
//	interleave summary [-log F] [-q] [-progress]
//	                                read go test -json on stdin, print the explore table
//
// Install or run it with
//
//	go run github.com/interleave-lab/interleave/cmd/interleave@latest show testdata/interleave/TestX/failure.json
//
// A usage error exits with status 2; a trace file that cannot be read, or
// is not a trace file of a version this build reads, is an error naming
// the file and what is wrong (status 1).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/interleave-lab/interleave/internal/summary"
	"github.com/interleave-lab/interleave/timeline"
	"github.com/interleave-lab/interleave/tracefile"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage:
  interleave show FILE            print the text timeline
  interleave html FILE [-o OUT]   write the HTML timeline (default FILE.html, - for stdout)
  interleave svg FILE [-o OUT]    write the SVG timeline (default FILE.svg, - for stdout)
  interleave diff A B             say where two interleavings part
  interleave summary [flags]      read go test -json on stdin, print the explore table
`

// errUsage marks an error as a usage error (status 2).
var errUsage = errors.New("usage")

// run is main without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "interleave: no command\n"+usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "show":
		err = show(rest, stdout)
	case "html", "svg":
		err = render(cmd, rest, stdout)
	case "diff":
		err = diff(rest, stdout)
	case "summary":
		return summary.Main(rest, stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "interleave: %s\n%s", strings.TrimPrefix(err.Error(), "usage: "), usage)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "interleave: %v\n", err)
		return 1
	}
	return 0
}

// files parses a command's arguments: n trace files and, for html and
// svg, -o OUT (before or after the file).
func files(cmd string, args []string, n int, out *string) ([]string, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if out != nil {
		fs.StringVar(out, "o", "", "output file")
	}
	var names []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errUsage, cmd, err)
		}
		args = fs.Args()
		if len(args) > 0 {
			names = append(names, args[0])
			args = args[1:]
		}
	}
	if len(names) != n {
		return nil, fmt.Errorf("%w: %s takes %d trace file(s), got %d", errUsage, cmd, n, len(names))
	}
	return names, nil
}

func show(args []string, stdout io.Writer) error {
	names, err := files("show", args, 1, nil)
	if err != nil {
		return err
	}
	f, err := tracefile.Read(names[0])
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, f.Text())
	return err
}

func render(cmd string, args []string, stdout io.Writer) error {
	var out string
	names, err := files(cmd, args, 1, &out)
	if err != nil {
		return err
	}
	f, err := tracefile.Read(names[0])
	if err != nil {
		return err
	}
	page := timeline.SVG(f)
	if cmd == "html" {
		page = timeline.HTML(f)
	}
	switch out {
	case "-":
		_, err = stdout.Write(page)
		return err
	case "":
		out = strings.TrimSuffix(names[0], ".json") + "." + cmd
	}
	if err := os.WriteFile(out, page, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", out)
	return nil
}

// diff prints where two interleavings part: the first step at which they
// differ (thread, kind or operation), with both lines.
func diff(args []string, stdout io.Writer) error {
	names, err := files("diff", args, 2, nil)
	if err != nil {
		return err
	}
	a, err := tracefile.Read(names[0])
	if err != nil {
		return err
	}
	b, err := tracefile.Read(names[1])
	if err != nil {
		return err
	}
	if a.Fingerprint == b.Fingerprint && len(a.Steps) == len(b.Steps) {
		fmt.Fprintf(stdout, "same interleaving %s (%d steps)\n", a.Fingerprint, len(a.Steps))
		return nil
	}
	i := 0
	for i < len(a.Steps) && i < len(b.Steps) && sameStep(a, b, i) {
		i++
	}
	fmt.Fprintf(stdout, "interleavings part at step %d (after %d common steps)\n", i, i)
	if i > 0 {
		fmt.Fprintf(stdout, "  last common: %6d %12v  %s\n", i-1, a.Steps[i-1].At(), a.Steps[i-1].Line)
	}
	line := func(name string, f *tracefile.File) {
		if i < len(f.Steps) {
			fmt.Fprintf(stdout, "  %s: %6d %12v  %s\n", name, i, f.Steps[i].At(), f.Steps[i].Line)
		} else {
			fmt.Fprintf(stdout, "  %s: ends after %d steps\n", name, len(f.Steps))
		}
	}
	line(names[0], a)
	line(names[1], b)
	return nil
}

// sameStep reports whether step i is the same step in both files: the
// same thread (by name), kind and operation.
func sameStep(a, b *tracefile.File, i int) bool {
	sa, sb := a.Steps[i], b.Steps[i]
	return a.Threads[sa.Thread].Name == b.Threads[sb.Thread].Name && sa.Kind == sb.Kind && sa.Op == sb.Op
}
