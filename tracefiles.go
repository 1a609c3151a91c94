package interleave

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/interleave-lab/interleave/tracefile"
)

// TraceDirEnv names the environment variable that sets where trace files
// are written; when set, every run under Explore writes its trace there,
// failing or not. Unset, failing runs write to testdata/interleave/<Test>/
// of the package under test (git-ignored, like rapid's fail files).
const TraceDirEnv = "INTERLEAVE_TRACE_DIR"

// SaveTrace makes every run, failing or not, write its trace file (see
// TraceDirEnv for where). Without it only failing runs under Explore and
// the shrunk failure Hunt reports write one.
func SaveTrace() Option { return func(s *settings) { s.saveTrace = true } }

// ReplayFile replays the schedule recorded in a trace file written by a
// failing run (see package tracefile). The file is read when the option is
// built: an unreadable or malformed file panics with an error wrapping
// ErrBadOption that names the file and what is wrong.
func ReplayFile(path string) Option {
	f, err := tracefile.Read(path)
	if err != nil {
		panic(fmt.Errorf("%w: ReplayFile: %w", ErrBadOption, err))
	}
	return Replay(f.ScheduleOf())
}

// saveTraceFile writes tr's trace file for test into the trace directory
// and returns its path. failure, if not empty, is the failure to record
// when the run itself did not fail (the property did); replay, if not
// empty, is the command that replays it.
func saveTraceFile(tr *Trace, test, failure, replay string) (string, error) {
	dir := os.Getenv(TraceDirEnv)
	name := failFileName(test)
	if name == "" {
		name = "Run"
	}
	if dir == "" {
		dir = filepath.Join("testdata", "interleave", name)
	} else {
		dir = filepath.Join(dir, name)
	}
	switch {
	case replay != "":
	case test != "":
		replay = ReplayCommand(test, RapidSeed())
	default:
		replay = "interleave.Run(body, interleave.ReplayFile(path))"
	}
	f := tracefile.FromTrace(tr, test, replay)
	if f.Failure == "" {
		f.Failure = failure
	}
	path := filepath.Join(dir, tracefile.DefaultName(f))
	if f.Failure != "" {
		// One file per test for the failure: shrinking overwrites it, so
		// what is left is the last (shrunk) failing run.
		path = filepath.Join(dir, "failure.json")
	}
	return path, tracefile.Write(path, f)
}
