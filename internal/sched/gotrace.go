package sched

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Reading a Go execution trace (runtime/trace), for the one question the
// explorer asks of it: which goroutines did which goroutine start, where,
// and after which scheduling point (unmanaged.go, "Confirming by the
// tracer"). The format is the one Go 1.22 to 1.26 write (the "v2" trace,
// described in the Go tree's internal/trace/tracev2, whose event table
// evArgs copies): a 16-byte header, then batches, each a header (generation,
// M, timestamp, size) and size bytes: the events one M emitted, or a
// generation's string table, stack table, CPU samples or clock sync. An
// event is a type byte and its arguments as unsigned varints, the first the
// time since the batch's previous event. Nothing here understands more of
// the trace than that; a trace it cannot read is an error, never a guess.

// A goCreate is a goroutine creation read from a trace: the goroutine that
// ran the go statement (0: none, the runtime's own scheduler), the new one,
// when, and the stacks of the statement and of the new goroutine's start.
type goCreate struct {
	creator, created uint64
	at               uint64 // trace clock
	stack, newStack  []traceFrame
}

// A stepMark is a trace.Log the explorer wrote as a thread went back to
// user code (markStep): from at on, goroutine g ran its thread's code after
// the run's first steps steps.
type stepMark struct {
	g, at uint64
	steps int
}

// A traceFrame is one frame of a trace stack.
type traceFrame struct {
	fn, file string
	line     uint64
}

// evArgs is the number of arguments of each event type that may appear in a
// batch of events (the first, for all of them, the time delta), by type;
// 0 marks a type that must not. It is tracev2's table (Go 1.26), whose
// earlier versions are prefixes of it.
var evArgs = [256]uint8{
	9: 3, 10: 3, 11: 1, 12: 4, 13: 3, // ProcsChange, ProcStart, ProcStop, ProcSteal, ProcStatus
	14: 4, 15: 2, 16: 3, 17: 1, 18: 1, // GoCreate, GoCreateSyscall, GoStart, GoDestroy, GoDestroySyscall
	19: 3, 20: 3, 21: 4, 22: 3, 23: 1, 24: 1, 25: 4, // GoStop, GoBlock, GoUnblock, GoSyscallBegin/End/EndBlocked, GoStatus
	26: 3, 27: 1, // STWBegin, STWEnd
	28: 2, 29: 3, 30: 2, 31: 2, 32: 2, 33: 3, 34: 2, 35: 2, 36: 1, 37: 2, 38: 2, // GC events, HeapAlloc, HeapGoal
	39: 2, 40: 5, 41: 3, 42: 4, 43: 4, 44: 5, // GoLabel, UserTaskBegin/End, UserRegionBegin/End, UserLog
	45: 3, 46: 3, 47: 4, 48: 5, // GoSwitch, GoSwitchDestroy, GoCreateBlocked, GoStatusStack
	51:  4,                                                                 // ClockSnapshot
	128: 4, 129: 4, 130: 2, 131: 3, 132: 3, 133: 2, 134: 3, 135: 3, 136: 2, // AllocFree experiment
}

// The event and batch types this reader acts on (tracev2's numbers).
const (
	evEventBatch        = 1
	evStacks            = 2
	evStack             = 3
	evStrings           = 4
	evString            = 5
	evGoCreate          = 14
	evGoCreateSyscall   = 15
	evGoStart           = 16
	evGoDestroy         = 17
	evGoDestroySyscall  = 18
	evGoStop            = 19
	evGoBlock           = 20
	evGoSyscallEndBlock = 24
	evGoStatus          = 25
	evUserLog           = 44
	evGoSwitch          = 45
	evGoSwitchDestroy   = 46
	evGoCreateBlocked   = 47
	evGoStatusStack     = 48
	evCPUSamples        = 6
	evFrequency         = 8
	evExperimentalBatch = 49
	evSync              = 50
	evEndOfGeneration   = 52

	goRunning = 2 // tracev2.GoRunning
	goSyscall = 3 // tracev2.GoSyscall
)

// stepLogKey is the category of the explorer's trace.Log marks.
const stepLogKey = "interleave.step"

var errTraceFormat = errors.New("unreadable execution trace")

// traceEvent is one event of an M's batch, decoded.
type traceEvent struct {
	gen, at, m uint64
	typ        uint8
	args       [5]uint64
}

// readGoTrace returns the goroutine creations and the explorer's step marks
// that trace data records.
func readGoTrace(data []byte) ([]goCreate, []stepMark, error) {
	const header = 16
	if len(data) < header || !bytes.HasPrefix(data, []byte("go 1.")) {
		return nil, nil, errTraceFormat
	}
	v, err := strconv.Atoi(string(bytes.TrimRight(data[5:header], " trace\x00")))
	if err != nil || v < 22 || v > 26 {
		return nil, nil, fmt.Errorf("%w: version %q", errTraceFormat, data[:header])
	}
	type genKey struct{ gen, id uint64 }
	strs := map[genKey]string{}
	stacks := map[genKey][]uint64{} // frames as (func, file, line) string ids and lines
	var events []traceEvent
	d := data[header:]
	for len(d) > 0 {
		typ := d[0]
		d = d[1:]
		if typ == evEndOfGeneration {
			continue
		}
		if typ != evEventBatch && typ != evExperimentalBatch {
			return nil, nil, fmt.Errorf("%w: batch type %d", errTraceFormat, typ)
		}
		if typ == evExperimentalBatch {
			if len(d) == 0 {
				return nil, nil, errTraceFormat
			}
			d = d[1:] // the experiment
		}
		var h [4]uint64 // gen, M, time, size
		for i := range h {
			n := 0
			if h[i], n = binary.Uvarint(d); n <= 0 {
				return nil, nil, errTraceFormat
			}
			d = d[n:]
		}
		if h[3] > uint64(len(d)) {
			return nil, nil, errTraceFormat
		}
		b := d[:h[3]]
		d = d[h[3]:]
		if typ == evExperimentalBatch || len(b) == 0 {
			continue
		}
		switch b[0] {
		case evStrings:
			if err := readStrings(b[1:], func(id uint64, s string) { strs[genKey{h[0], id}] = s }); err != nil {
				return nil, nil, err
			}
			continue
		case evStacks:
			if err := readStacks(b[1:], func(id uint64, f []uint64) { stacks[genKey{h[0], id}] = f }); err != nil {
				return nil, nil, err
			}
			continue
		}
		if b[0] == evCPUSamples || b[0] == evFrequency || b[0] == evSync {
			continue // CPU samples, clock sync: no events of an M
		}
		at := h[2]
		for len(b) > 0 {
			e := traceEvent{gen: h[0], m: h[1], typ: b[0]}
			argc := int(evArgs[e.typ])
			if argc == 0 {
				return nil, nil, fmt.Errorf("%w: event type %d in a batch", errTraceFormat, e.typ)
			}
			b = b[1:]
			for i := range argc {
				x, n := binary.Uvarint(b)
				if n <= 0 {
					return nil, nil, errTraceFormat
				}
				b = b[n:]
				if i == 0 {
					at += x
				} else {
					e.args[i-1] = x
				}
			}
			e.at = at
			events = append(events, e)
		}
	}
	// Each M's events are in order; the merge by time orders a GoStatus that
	// binds a goroutine to another M before that M's later events.
	slices.SortStableFunc(events, func(a, b traceEvent) int {
		if c := cmp.Compare(a.gen, b.gen); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	frames := func(gen, id uint64) []traceFrame {
		f := stacks[genKey{gen, id}]
		out := make([]traceFrame, 0, len(f)/3)
		for i := 0; i+2 < len(f); i += 3 {
			out = append(out, traceFrame{fn: strs[genKey{gen, f[i]}], file: strs[genKey{gen, f[i+1]}], line: f[i+2]})
		}
		return out
	}
	running := map[uint64]uint64{} // M -> the goroutine it runs (absent: none)
	var creates []goCreate
	var marks []stepMark
	for _, e := range events {
		g := running[e.m]
		switch e.typ {
		case evGoStart, evGoSwitch, evGoSwitchDestroy:
			running[e.m] = e.args[0]
		case evGoStatus, evGoStatusStack:
			switch e.args[2] {
			case goRunning:
				running[e.m] = e.args[0]
			case goSyscall: // a goroutine in a syscall on the M it names
				running[e.args[1]] = e.args[0]
			}
		case evGoCreateSyscall:
			running[e.m] = e.args[0]
		case evGoStop, evGoBlock, evGoDestroy, evGoDestroySyscall, evGoSyscallEndBlock:
			delete(running, e.m)
		case evGoCreate, evGoCreateBlocked:
			creates = append(creates, goCreate{creator: g, created: e.args[0], at: e.at,
				newStack: frames(e.gen, e.args[1]), stack: frames(e.gen, e.args[2])})
		case evUserLog:
			if g != 0 && strs[genKey{e.gen, e.args[1]}] == stepLogKey {
				if n, err := strconv.Atoi(strs[genKey{e.gen, e.args[2]}]); err == nil {
					marks = append(marks, stepMark{g: g, at: e.at, steps: n})
				}
			}
		}
	}
	return creates, marks, nil
}

// readStrings reads a string table batch (after its type byte).
func readStrings(b []byte, add func(id uint64, s string)) error {
	for len(b) > 0 {
		if b[0] != evString {
			return errTraceFormat
		}
		b = b[1:]
		id, n := binary.Uvarint(b)
		if n <= 0 {
			return errTraceFormat
		}
		b = b[n:]
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return errTraceFormat
		}
		b = b[n:]
		add(id, string(b[:l]))
		b = b[l:]
	}
	return nil
}

// readStacks reads a stack table batch (after its type byte); each frame is
// given to add as its function's and file's string ids and its line.
func readStacks(b []byte, add func(id uint64, frames []uint64)) error {
	next := func() (uint64, bool) {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return x, true
	}
	for len(b) > 0 {
		if b[0] != evStack {
			return errTraceFormat
		}
		b = b[1:]
		id, ok1 := next()
		nf, ok2 := next()
		if !ok1 || !ok2 || nf > uint64(len(b)) {
			return errTraceFormat
		}
		f := make([]uint64, 0, 3*nf)
		for range nf {
			_, ok1 := next() // pc
			fn, ok2 := next()
			file, ok3 := next()
			line, ok4 := next()
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return errTraceFormat
			}
			f = append(f, fn, file, line)
		}
		add(id, f)
	}
	return nil
}
