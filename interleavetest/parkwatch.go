package interleavetest

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"time"
)

// ParkLimit is how long Main lets a goroutine of the test binary stay
// parked, outside any model run, in a wait of interleave's primitives that
// has no deadline, before it fails the binary. A test's own real-mode
// waits are bounded more tightly by their deadlines; this backstop catches
// the waits no test can bound, such as an Example's: a primitive that loses
// a wake-up (a Release that wakes nobody, a TryAcquire that blocks) then
// fails the binary in seconds, naming the operation, instead of at the
// -timeout.
const ParkLimit = 15 * time.Second

// parkSample is how often the park watch looks.
const parkSample = time.Second

// parkFrame is the frame every real-mode wait without a deadline runs in.
var parkFrame = []byte("interleave/internal/sched.parkForever(")

// parkWatch samples the stacks of all goroutines every sample and calls
// report with the stack of a goroutine that has been parked in parkFrame
// in every sample for at least limit. It stops when stop is closed.
//
// Invariant: since maps each goroutine seen parked in the last sample to
// the time of the first of the unbroken run of samples that saw it so.
func parkWatch(limit, sample time.Duration, stop <-chan struct{}, report func(stack string)) {
	since := map[int64]time.Time{}
	tick := time.NewTicker(sample)
	defer tick.Stop()
	buf := make([]byte, 1<<16)
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			for {
				n := runtime.Stack(buf, true)
				if n < len(buf) {
					buf = buf[:n]
					break
				}
				buf = make([]byte, 2*len(buf))
			}
			seen := map[int64]bool{}
			for _, g := range bytes.Split(buf, []byte("\n\n")) {
				if !bytes.Contains(g, parkFrame) {
					continue
				}
				id := goroutineID(g)
				seen[id] = true
				first, ok := since[id]
				if !ok {
					since[id] = now
					continue
				}
				if now.Sub(first) >= limit {
					report(string(g))
					delete(since, id)
				}
			}
			for id := range since {
				if !seen[id] {
					delete(since, id)
				}
			}
			buf = buf[:cap(buf)]
		}
	}
}

// goroutineID parses the id of a "goroutine N [state]:" stack.
func goroutineID(g []byte) int64 {
	g = bytes.TrimPrefix(g, []byte("goroutine "))
	if i := bytes.IndexByte(g, ' '); i > 0 {
		id, _ := strconv.ParseInt(string(g[:i]), 10, 64)
		return id
	}
	return 0
}

// parkedTooLong is parkWatch's report in a test binary: it panics, which
// ends the binary with the message and every goroutine's stack, as
// go test's own -timeout does.
func parkedTooLong(stack string) {
	panic(fmt.Sprintf("interleavetest: a goroutine has been parked for %v in a primitive's wait "+
		"with no deadline and no wake-up, outside any model run: a lost wake-up? Its stack:\n%s",
		ParkLimit, stack))
}
