package interleave

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ReplayCommand returns the shell command that re-runs the test named
// testName (a testing.TB's Name(), subtests included) of the package in
// the current directory with rapid seed seed: rapid's first test case is
// then the one that seed names, so a failure reported with that seed
// fails again, as printed. The package is named relative to the module
// root (./properties), so the command runs from there. A seed of 0 is
// rapid's "random": the command then carries no seed and replays nothing.
func ReplayCommand(testName string, seed uint64) string {
	var run []string
	for _, part := range strings.Split(testName, "/") {
		run = append(run, "^"+regexp.QuoteMeta(part)+"$")
	}
	// The package comes before the rapid flags: go test stops reading
	// packages at the first flag it does not know, and would test the
	// current directory instead.
	cmd := fmt.Sprintf("go test %s -count=1 -run='%s'", packageDir(), strings.Join(run, "/"))
	if seed != 0 {
		cmd += fmt.Sprintf(" -rapid.seed=%d", seed)
	}
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() != f.DefValue {
		cmd += " -rapid.checks=" + f.Value.String()
	}
	return cmd
}

// RapidSeed returns the -rapid.seed of this test binary (0: rapid picks a
// random seed for every property).
func RapidSeed() uint64 {
	f := flag.Lookup("rapid.seed")
	if f == nil {
		return 0
	}
	var s uint64
	_, _ = fmt.Sscan(f.Value.String(), &s)
	return s
}

// packageDir names the current directory (a test binary runs in its
// package's directory) relative to the module root, "./" if unknown.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}
