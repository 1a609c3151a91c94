package sched

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// A blockedThread is one live thread of a deadlocked run, as its report
// line shows it.
type blockedThread struct {
	order  int      // its thread order, to find it when it unwinds
	name   string   // the thread's name
	holds  []string // the objects whose snapshot names it as Owner
	target string   // what it waits on: "Lock#2 (Lock.Acquire)", "chan send (cap 0, len 0)"
	suffix string   // who holds the target (", held by Thread-2") or its state (": clear")
	where  bool     // its location is worth printing (not the main thread's exit wait)

	pcs  [maxCallers]uintptr // its callers when it unwound out of its blocking call
	npcs int
}

// maxCallers is how many of a parked thread's callers it records, from
// park's caller on: enough to pass the deepest primitive's own frames
// (Barrier.Wait, Condition.WaitFor: five) and a few of the user's.
const maxCallers = 12

// located caches locate's answer for each stack of callers seen: a
// property that meets the same deadlock schedule after schedule (rapid
// shrinking it, Hunt) symbolizes its PCs once. It is cleared when it
// holds maxLocated entries, so it stays small whatever runs.
var located struct {
	mu sync.Mutex
	m  map[[maxCallers]uintptr][2]string // guarded by mu; verb and location
}

const maxLocated = 1024

// locate returns what t's PCs say: the verb is "blocks on" when the
// blocking call is one of the Go-native swap-ins (sync, chans), "waits on"
// for the Python-style primitives; loc is file:line of the innermost frame
// outside the explorer's machinery (inMachinery), where the user called
// the blocking operation, "" if none is known.
func (t *blockedThread) locate() (verb, loc string) {
	if t.npcs == 0 {
		return "waits on", ""
	}
	located.mu.Lock()
	defer located.mu.Unlock()
	if v, ok := located.m[t.pcs]; ok {
		return v[0], v[1]
	}
	verb, loc = symbolize(t.pcs[:t.npcs])
	if located.m == nil || len(located.m) >= maxLocated {
		located.m = make(map[[maxCallers]uintptr][2]string)
	}
	located.m[t.pcs] = [2]string{verb, loc}
	return verb, loc
}

// symbolize is locate without the cache.
func symbolize(pcs []uintptr) (verb, loc string) {
	verb = "waits on"
	frames := runtime.CallersFrames(pcs)
	first := true
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.Contains(f.Function, "interleave/internal/sched.") {
			if first && isSwapIn(f.Function) {
				verb = "blocks on"
			}
			first = false
			if !inMachinery(f.Function) {
				return verb, shortFile(f.File) + ":" + strconv.Itoa(f.Line)
			}
		}
		if !more {
			return verb, ""
		}
	}
}

// inMachinery reports whether the function fn (as a traceback or
// runtime.Frame names it) belongs to the runtime, the standard sync and
// time packages or this module's machinery (the scheduler, failpoints,
// primitives and the swap-ins): frames a report skips to reach the user's
// call.
func inMachinery(fn string) bool {
	return strings.Contains(fn, "interleave/internal/sched.") || isSwapIn(fn) || strings.Contains(fn, "interleave/failpoints.") ||
		strings.Contains(fn, "interleave/primitives.") || strings.HasPrefix(fn, "runtime.") ||
		strings.HasPrefix(fn, "sync.") || strings.HasPrefix(fn, "sync/atomic.") || strings.HasPrefix(fn, "internal/sync.") ||
		strings.HasPrefix(fn, "time.")
}
