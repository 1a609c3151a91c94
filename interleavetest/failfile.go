package interleavetest

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// failFileVersion is the version rapid writes on a fail file's first line
// ("v0.4.8#SEED" in rapid v1.3.0) and refuses to replay when it differs;
// failfile_test.go checks it against a fail file rapid wrote.
const failFileVersion = "v0.4.8"

// checkFailFileFlag returns an error if -rapid.failfile names a file that
// rapid would ignore (and then search afresh): missing, unreadable, or not
// in rapid's format (a "VERSION#SEED" line, then one number a line).
func checkFailFileFlag() error {
	f := flag.Lookup("rapid.failfile")
	if f == nil || f.Value.String() == "" {
		return nil
	}
	return CheckFailFile(f.Value.String())
}

// CheckFailFile returns an error if name is not a fail file that rapid
// would replay: it cannot be read, it has no data, its first line is not
// "VERSION#SEED" with rapid's version, or a later line is not a number.
func CheckFailFile(name string) error {
	file, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("-rapid.failfile: %w (a fail file that rapid cannot read would make it run a fresh search instead of the replay)", err)
	}
	defer func() { _ = file.Close() }()
	var lines []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			lines = append(lines, s)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("-rapid.failfile=%q: %w", name, err)
	}
	bad := func(why string) error {
		return fmt.Errorf("-rapid.failfile=%q is not a rapid fail file: %s (rapid would ignore it and run a fresh search)", name, why)
	}
	if len(lines) == 0 {
		return bad("no data")
	}
	version, seed, ok := strings.Cut(lines[0], "#")
	if !ok {
		return bad(fmt.Sprintf("first line %q is not VERSION#SEED", lines[0]))
	}
	if version != failFileVersion {
		return bad(fmt.Sprintf("version %q; this rapid replays %q", version, failFileVersion))
	}
	if _, err := strconv.ParseUint(seed, 10, 64); err != nil {
		return bad(fmt.Sprintf("seed %q", seed))
	}
	for _, l := range lines[1:] {
		if _, err := strconv.ParseUint(l, 0, 64); err != nil {
			return bad(fmt.Sprintf("line %q is not a number", l))
		}
	}
	return nil
}
