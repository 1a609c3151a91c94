package interleave_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/primitives"
)

// kernelBoundedBuffer: a one-slot buffer, one producer of two items and
// two consumers, whose waits are guarded by `if` instead of `for`: a
// consumer woken by the producer's NotifyAll after the other consumer took
// the item takes from an empty buffer. It needs no preemption at all, only
// a choice of who runs when the producer blocks (rapid shrank it to 3-4
// preemptions before Minimize).
func kernelBoundedBuffer() (func(), func() error) {
	var bad error
	return func() {
			bad = nil
			c := primitives.NewCondition(nil)
			n := 0
			consume := func() { // if, not for, around Wait: the bug
				c.Acquire()
				if n == 0 {
					c.Wait()
				}
				if n == 0 && bad == nil {
					bad = errors.New("a consumer took from an empty buffer")
				}
				n--
				c.NotifyAll()
				c.Release()
			}
			runThreads(func() {
				for range 2 {
					c.Acquire()
					if n == 1 {
						c.Wait()
					}
					n++
					c.NotifyAll()
					c.Release()
				}
			}, consume, consume)
		}, func() error {
			return bad
		}
}

// TestMinimizeFindsTheExactMinimum asserts, as rapid's checkShrink does
// for its shrinker, the exact minimal counterexample of each kernel: the
// fewest preemptions, proven, and a schedule that replays the failure.
func TestMinimizeFindsTheExactMinimum(t *testing.T) {
	cases := []struct {
		name string
		make func() (func(), func() error)
		want int
	}{{"bounded-buffer-if-wait", kernelBoundedBuffer, 0}}
	for _, k := range kernels {
		cases = append(cases, struct {
			name string
			make func() (func(), func() error)
			want int
		}{k.name, k.make, k.preemptions})
	}
	for _, c := range cases {
		body, check := c.make()
		ce := interleave.Minimize(body, check, 4)
		if ce == nil || ce.Trace == nil {
			t.Errorf("%s: Minimize found no failing schedule; want one with %d preemptions", c.name, c.want)
			continue
		}
		if ce.Preemptions != c.want || !ce.Proven {
			t.Errorf("%s: Minimize = %d preemptions (proven %v); want %d, proven", c.name, ce.Preemptions, ce.Proven, c.want)
		}
		if !strings.Contains(ce.String(), "no schedule with fewer preemptions fails") {
			t.Errorf("%s: String() lacks the proof statement:\n%s", c.name, ce)
		}
		tr, err := interleave.Run(body, interleave.Replay(ce.Trace.Schedule))
		if err == nil {
			err = check()
		}
		if err == nil || tr.Preemptions() != c.want {
			t.Errorf("%s: replay of %q: err = %v, preemptions %d; want a failure with %d", c.name, ce.Trace.Schedule, err, tr.Preemptions(), c.want)
		}
	}
}

// TestMinimizeSaysWhenCut: a budget too small to finish bound 1 of the
// seqlock kernel (which fails only at bound 2) is reported as cut, not as
// a proof.
func TestMinimizeSaysWhenCut(t *testing.T) {
	body, check := kernelSeqlock()
	ce := interleave.Minimize(body, check, 2, interleave.MaxSchedules(50))
	if ce == nil || ce.Proven || ce.Trace != nil || ce.Schedules != 50 {
		t.Fatalf("Minimize with 50 schedules = %+v; want a cut search with no trace after 50", ce)
	}
	if !strings.Contains(ce.String(), "cut by its budget after 50 schedules") {
		t.Errorf("String() = %q; want it to say the search was cut", ce)
	}
	body, check = kernelLostUpdate()
	if ce := interleave.Minimize(body, check, 0); ce != nil {
		t.Errorf("Minimize(lost update, bound 0) = %v; want nil (no schedule without preemption fails)", ce)
	}
}

func ExampleMinimize() {
	counter := 0
	body := func() {
		counter = 0
		inc := func() {
			v := counter
			primitives.Sleep(0) // a scheduling point between the read and the write
			counter = v + 1
		}
		a, b := primitives.NewThread(inc), primitives.NewThread(inc)
		a.Start()
		b.Start()
		a.Join()
		b.Join()
	}
	check := func() error {
		if counter != 2 {
			return fmt.Errorf("counter = %d; want 2", counter)
		}
		return nil
	}
	ce := interleave.Minimize(body, check, 3)
	fmt.Println(ce.Preemptions, ce.Proven, ce.Err)
	// Output: 1 true counter = 1; want 2
}

// TestHuntThenMinimize is the intended flow: rapid finds and shrinks the
// seqlock failure, and Minimize, bounded by the shrunk trace's
// preemptions, proves the simplest one has two.
func TestHuntThenMinimize(t *testing.T) {
	k := kernels[len(kernels)-1]
	shrinkTime = "30s" // rapid's default: this test needs the shrunk trace
	defer func() { shrinkTime = "1ms" }()
	found, _, res := huntKernel(t, k, 1, 100)
	if !found || res.Trace == nil {
		t.Fatalf("seqlock not found by Hunt on seed 1")
	}
	body, check := k.make()
	ce := interleave.Minimize(body, check, res.Trace.Preemptions())
	if ce == nil || ce.Preemptions != 2 || !ce.Proven {
		t.Fatalf("Minimize after a shrunk trace of %d preemptions = %v; want 2, proven", res.Trace.Preemptions(), ce)
	}
	t.Logf("rapid shrank to %d preemptions; %s", res.Trace.Preemptions(), ce)
}

// kernelLateForDeadline: main sleeps 1 ms and reads a flag a worker sets
// after a scheduling point; the read is early only if the worker is
// delayed past main's wake-up, a timer race.
func kernelLateForDeadline() (func(), func() error) {
	done := false
	seen := false
	return func() {
			done, seen = false, false
			w := primitives.NewThread(func() {
				primitives.Sleep(0)
				done = true
			})
			w.Start()
			primitives.Sleep(time.Millisecond)
			seen = done
			w.Join()
		}, func() error {
			if !seen {
				return errors.New("main read the flag before the worker set it")
			}
			return nil
		}
}

// TestExhaustiveDelayPastTimers: without delays past timers the timer race
// is out of reach at any bound; Exhaustive (which always makes them) finds
// it at bound 1, and Minimize with DelayPastTimers proves one preemption is
// the fewest.
func TestExhaustiveDelayPastTimers(t *testing.T) {
	body, check := kernelLateForDeadline()
	failing := func() {
		body()
		if err := check(); err != nil {
			panic(err)
		}
	}
	if _, err := interleave.ExhaustiveNoTimers(failing, 3); err != nil {
		t.Fatalf("the search without timer delays: %v; want no failure (timers out of reach)", err)
	}
	if _, err := interleave.Exhaustive(failing, 1); err == nil {
		t.Fatalf("Exhaustive at bound 1 found nothing; want the timer race (it always delays past timers)")
	}
	ce := interleave.Minimize(body, check, 2, interleave.DelayPastTimers())
	if ce == nil || ce.Preemptions != 1 || !ce.Proven {
		t.Fatalf("Minimize(DelayPastTimers) = %v; want 1 preemption, proven", ce)
	}
}
