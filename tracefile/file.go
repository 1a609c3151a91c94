// Package tracefile reads and writes the trace of a model run as a JSON
// file: what cmd/interleave renders as text, HTML and SVG timelines, and
// what interleave.ReplayFile replays.
//
// # Schema (version 1)
//
// A trace file is one JSON object:
//
//	{
//	  "version": 1,                 // schema version; Read refuses any other
//	  "test": "TestLostUpdate",     // the test that wrote it ("" if none)
//	  "fingerprint": "9f0c...",     // 16 hex digits: Trace.Fingerprint
//	  "failure": "deadlock: ...",   // the run's failure, "" for a clean run
//	  "replay": "go test -run ...", // the command that replays the run
//	  "schedule": "3:1 7:2",        // Schedule.String (non-zero choices)
//	  "choices": [0,0,0,1,...],     // the whole schedule, in order
//	  "duration_ns": 5000000000,    // virtual time the run took
//	  "threads": [{"name": "MainThread", "main": true, "daemon": false}, ...],
//	  "objects": [{"kind": "Lock", "name": "Lock#1"}, ...],
//	  "steps": [{
//	    "at_ns": 0,                 // virtual time of the step
//	    "thread": 1,                // index into threads
//	    "kind": "block",            // StepKind.String: point start exit block wake timeout sleep delay panic
//	    "op": "Lock.Acquire",       // failpoint name or operation
//	    "delay_ns": 0,              // for a sleep or a delay
//	    "object": 0,                // index into objects, -1 for none
//	    "state": {"kind": "Lock", "state": "locked", "owner": "Thread-1", "waiters": 1},
//	    "line": "Thread-1  blocks on Lock.Acquire ..." // the step's line of the text trace
//	  }, ...]
//	}
//
// Fields may be added to version 1; a change of meaning bumps the version.
package tracefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Version is the schema version this package writes and reads.
const Version = 1

// A File is the decoded contents of a trace file (see the package doc for
// the schema).
type File struct {
	Version     int      `json:"version"`
	Test        string   `json:"test"`
	Fingerprint string   `json:"fingerprint"`
	Failure     string   `json:"failure"`
	Replay      string   `json:"replay"`
	Schedule    string   `json:"schedule"`
	Choices     []int    `json:"choices"`
	DurationNs  int64    `json:"duration_ns"`
	Threads     []Thread `json:"threads"`
	Objects     []Object `json:"objects"`
	Steps       []Step   `json:"steps"`
}

// A Thread is one thread of the run, by start order (0 is main).
type Thread struct {
	Name   string `json:"name"`
	Main   bool   `json:"main"`
	Daemon bool   `json:"daemon"`
}

// An Object is a primitive the steps name.
type Object struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// A Step is one step of the run.
type Step struct {
	AtNs    int64  `json:"at_ns"`
	Thread  int    `json:"thread"`
	Kind    string `json:"kind"`
	Op      string `json:"op"`
	DelayNs int64  `json:"delay_ns"`
	Object  int    `json:"object"`
	State   *State `json:"state,omitempty"`
	Line    string `json:"line"`
}

// A State is a primitive's state at a step.
type State struct {
	Kind    string `json:"kind"`
	State   string `json:"state"`
	Owner   string `json:"owner,omitempty"`
	Waiters int    `json:"waiters"`
}

// At returns the step's virtual time.
func (s Step) At() time.Duration { return time.Duration(s.AtNs) }

// FromTrace converts a run's trace (an *interleave.Trace) into a File;
// test and replay fill the fields of those names.
func FromTrace(tr *sched.Trace, test, replay string) *File {
	f := &File{
		Version:     Version,
		Test:        test,
		Fingerprint: fmt.Sprintf("%016x", tr.Fingerprint()),
		Replay:      replay,
		Schedule:    tr.Schedule.String(),
		Choices:     append([]int{}, tr.Schedule...),
		DurationNs:  int64(tr.Duration),
		Threads:     []Thread{},
		Objects:     []Object{},
		Steps:       make([]Step, 0, len(tr.Steps())),
	}
	if tr.Failure != nil {
		f.Failure = tr.Failure.Error()
	}
	for i := range tr.Threads() {
		f.Threads = append(f.Threads, Thread{Name: tr.ThreadName(i), Main: tr.ThreadMain(i), Daemon: tr.ThreadDaemon(i)})
	}
	for _, o := range tr.Objects {
		f.Objects = append(f.Objects, Object{Kind: o.Kind, Name: o.Name})
	}
	for i, s := range tr.Steps() {
		st := Step{AtNs: int64(s.At), Thread: s.Thread, Kind: s.Kind.String(), Op: s.Op,
			DelayNs: int64(s.Delay), Object: s.Object, Line: tr.Line(i)}
		if s.State != nil {
			st.State = &State{Kind: s.State.Kind, State: s.State.State, Owner: tr.OwnerName(s.State.Owner), Waiters: s.State.Waiters}
		}
		f.Steps = append(f.Steps, st)
	}
	return f
}

// Write writes f as indented JSON to path, creating its directory.
func Write(path string, f *File) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ErrFormat is wrapped by every error of Read about a file's contents.
var ErrFormat = errors.New("not a trace file")

// Read reads and checks the trace file at path. An error names the file
// and what is wrong with it: unreadable, not JSON, a missing or unknown
// version, a step naming a thread or object that does not exist.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trace file %s: %w", path, err)
	}
	f, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("trace file %s: %w", path, err)
	}
	return f, nil
}

// Decode decodes and checks the contents of a trace file.
func Decode(b []byte) (*File, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if probe.Version == nil {
		return nil, fmt.Errorf("%w: no \"version\" field", ErrFormat)
	}
	if *probe.Version != Version {
		return nil, fmt.Errorf("%w: schema version %d, this build reads version %d", ErrFormat, *probe.Version, Version)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	for i, s := range f.Steps {
		if s.Thread < 0 || s.Thread >= len(f.Threads) {
			return nil, fmt.Errorf("%w: step %d names thread %d of %d", ErrFormat, i, s.Thread, len(f.Threads))
		}
		if s.Object < -1 || s.Object >= len(f.Objects) {
			return nil, fmt.Errorf("%w: step %d names object %d of %d", ErrFormat, i, s.Object, len(f.Objects))
		}
	}
	return &f, nil
}

// ScheduleOf returns the schedule the file records, for Replay.
func (f *File) ScheduleOf() sched.Schedule {
	if len(f.Choices) > 0 {
		return append(sched.Schedule{}, f.Choices...)
	}
	s, _ := sched.ParseSchedule(f.Schedule)
	return s
}

// DefaultName is the file name a run's trace is saved under: its
// fingerprint.
func DefaultName(f *File) string { return "trace-" + f.Fingerprint + ".json" }

// Text returns the text timeline, as Trace.String prints it.
func (f *File) Text() string {
	var b []byte
	b = fmt.Appendf(b, "interleaving %s: %d steps, %v virtual", f.Fingerprint, len(f.Steps), time.Duration(f.DurationNs))
	if f.Schedule != "" {
		b = fmt.Appendf(b, ", schedule %s", strconv.Quote(f.Schedule))
	}
	b = append(b, '\n')
	width := 10
	for _, t := range f.Threads {
		width = max(width, len(t.Name))
	}
	for i, s := range f.Steps {
		line := s.Line
		if name := f.Threads[s.Thread].Name; strings.HasPrefix(line, name+"  ") {
			line = fmt.Sprintf("%-*s%s", width, name, line[len(name):])
		}
		b = fmt.Appendf(b, "%6d %12v  %s\n", i, s.At(), line)
	}
	if f.Failure != "" {
		b = fmt.Appendf(b, "failure: %s\n", f.Failure)
	}
	if f.Replay != "" {
		b = fmt.Appendf(b, "replay: %s\n", f.Replay)
	}
	return string(b)
}
