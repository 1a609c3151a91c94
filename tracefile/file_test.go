package tracefile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/interleavetest"
	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/tracefile"
)

func TestMain(m *testing.M) { interleavetest.Main(m) }

// deadlock is two threads taking two locks in opposite orders, with a
// sleep between so that both hold one: a deadlock on every schedule.
func deadlock() {
	var a, b primitives.RLock // RLock: its snapshots name the owner
	t1 := primitives.NewThread(func() { a.Acquire(); primitives.Sleep(1); b.Acquire() }, primitives.WithName("left"))
	t2 := primitives.NewThread(func() { b.Acquire(); primitives.Sleep(1); a.Acquire() }, primitives.WithName("right"))
	t1.Start()
	t2.Start()
	t1.Join()
	t2.Join()
}

func TestRoundTrip(t *testing.T) {
	tr, err := interleave.Run(deadlock)
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("Run err = %v; want ErrDeadlock", err)
	}
	f := tracefile.FromTrace(tr, "TestRoundTrip", "go test -run TestRoundTrip")
	path := filepath.Join(t.TempDir(), "sub", "t.json")
	if err := tracefile.Write(path, f); err != nil {
		t.Fatal(err)
	}
	got, err := tracefile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != tracefile.Version || got.Fingerprint != fmt.Sprintf("%016x", tr.Fingerprint()) {
		t.Errorf("version %d, fingerprint %s; want %d, %016x", got.Version, got.Fingerprint, tracefile.Version, tr.Fingerprint())
	}
	if len(got.Threads) != 3 || got.Threads[0].Name != "MainThread" || !got.Threads[0].Main || got.Threads[1].Name != "left" {
		t.Errorf("threads = %+v; want MainThread (main), left, right", got.Threads)
	}
	if len(got.Objects) != 4 || got.Objects[2] != (tracefile.Object{Kind: "RLock", Name: "RLock#1"}) {
		t.Errorf("objects = %+v; want Thread#1, Thread#2, RLock#1, RLock#2", got.Objects)
	}
	if !strings.Contains(got.Failure, "deadlock") || got.Replay != "go test -run TestRoundTrip" {
		t.Errorf("failure %q, replay %q; want the deadlock and the command", got.Failure, got.Replay)
	}
	owned := false
	for i, s := range got.Steps {
		if want := tr.Line(i); s.Line != want {
			t.Errorf("step %d line %q; want %q", i, s.Line, want)
		}
		if s.State != nil && s.State.Owner == "left" {
			owned = true
		}
	}
	if !owned {
		t.Errorf("no step shows a lock owned by left; want owners by thread name")
	}
	for _, want := range []string{"interleaving " + got.Fingerprint, "left", "failure: ", "replay: go test"} {
		if !strings.Contains(got.Text(), want) {
			t.Errorf("Text() lacks %q:\n%s", want, got.Text())
		}
	}
}

func TestReadRejects(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ body, want string }{
		{"{", "not a trace file: unexpected end of JSON input"},
		{`{"steps": []}`, `no "version" field`},
		{`{"version": 0}`, "schema version 0, this build reads version 1"},
		{`{"version": 1, "threads": [{"name": "M"}], "objects": [], "steps": [{"thread": 0, "object": 2}]}`, "step 0 names object 2 of 0"},
	} {
		path := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := tracefile.Read(path)
		if !errors.Is(err, tracefile.ErrFormat) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Read(%s) = %v; want ErrFormat naming the file and %q", c.body, err, c.want)
		}
	}
}

// A trace file is a run's trace as JSON; Read gives it back, checked.
func ExampleRead() {
	tr, _ := interleave.Run(deadlock)
	dir, _ := os.MkdirTemp("", "trace")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "deadlock.json")
	_ = tracefile.Write(path, tracefile.FromTrace(tr, "", ""))
	f, err := tracefile.Read(path)
	fmt.Println(err, len(f.Threads), f.Threads[1].Name, strings.HasPrefix(f.Failure, "interleave: deadlock"))
	// Output: <nil> 3 left true
}
