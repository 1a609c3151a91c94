package interleave_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/tracefile"
	"pgregory.net/rapid"
)

// A failing Hunt writes the shrunk trace's file; ReplayFile replays it to
// the same interleaving.
func TestHuntWritesTraceFileThatReplays(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(interleave.TraceDirEnv, dir)
	res := interleave.Hunt(t, func(rt *rapid.T) {
		body, counter := lostUpdate(2)
		interleave.Explore(rt, body)
		if *counter != 2 {
			rt.Fatalf("counter = %d; want 2", *counter)
		}
	})
	if !res.Found || res.TraceFile == "" {
		t.Fatalf("Hunt: Found = %v, TraceFile = %q; want a failure with a trace file", res.Found, res.TraceFile)
	}
	if !strings.HasPrefix(res.TraceFile, dir) {
		t.Errorf("TraceFile = %q; want it under %s", res.TraceFile, dir)
	}
	f, err := tracefile.Read(res.TraceFile)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if f.Version != tracefile.Version || len(f.Steps) != len(res.Trace.Steps()) || len(f.Threads) != 3 {
		t.Fatalf("file: version %d, %d steps, %d threads; want %d, %d, 3", f.Version, len(f.Steps), len(f.Threads), tracefile.Version, len(res.Trace.Steps()))
	}
	if !strings.Contains(f.Failure, "counter = 1; want 2") {
		t.Errorf("file failure = %q; want the property's message", f.Failure)
	}
	body, counter := lostUpdate(2)
	tr, _ := interleave.Run(body, interleave.ReplayFile(res.TraceFile))
	if *counter != 1 {
		t.Errorf("replayed counter = %d; want 1 (the lost update)\n%s", *counter, tr)
	}
	if got, want := tr.Fingerprint(), res.Trace.Fingerprint(); got != want {
		t.Errorf("replayed fingerprint %016x; want %016x", got, want)
	}
}

// Run with SaveTrace writes a file whose text matches the trace's lines.
func TestRunSaveTraceWritesEveryStep(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(interleave.TraceDirEnv, dir)
	body, _ := lostUpdate(2)
	tr, err := interleave.Run(body, interleave.Replay(interleave.Schedule{0, 0, 0, 224}), interleave.SaveTrace())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(files) != 1 {
		t.Fatalf("trace files = %v; want one", files)
	}
	f, err := tracefile.Read(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range f.Steps {
		if want := tr.Line(i); s.Line != want {
			t.Errorf("step %d line = %q; want %q", i, s.Line, want)
		}
	}
	if f.Schedule != tr.Schedule.String() {
		t.Errorf("schedule = %q; want %q", f.Schedule, tr.Schedule.String())
	}
}

func TestReplayFileRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, body, want string }{
		{"missing.json", "", "no such file"},
		{"garbage.json", "not json", "not a trace file"},
		{"noversion.json", `{"steps": []}`, `no "version" field`},
		{"future.json", `{"version": 99}`, "schema version 99"},
		{"badthread.json", `{"version": 1, "threads": [], "steps": [{"thread": 3}]}`, "step 0 names thread 3"},
	} {
		path := filepath.Join(dir, c.name)
		if c.body != "" {
			if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		func() {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, interleave.ErrBadOption) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("ReplayFile(%s) panicked with %v; want ErrBadOption naming the file and %q", c.name, err, c.want)
				}
			}()
			interleave.ReplayFile(path)
		}()
	}
}
