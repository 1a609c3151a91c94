package interleave_test

import (
	"errors"
	"fmt"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// The measurement kernels: five small bugs, each a body and a check, on
// the real primitives and failpoints.Hit. Every strategy change is measured
// on them (kernel_measure_test.go): how many schedules the default budget
// needs to find each one, over 20 seeds.

const (
	fpKernel = "github.com/interleave-lab/interleave/failpoints/kernel"
	fpSeqW   = "github.com/interleave-lab/interleave/failpoints/seq-write"
	fpSeqR   = "github.com/interleave-lab/interleave/failpoints/seq-read"
)

// A kernel is a body that sets *err when its invariant breaks, plus the
// fewest preemptions that break it (checked by Exhaustive).
type kernel struct {
	name        string
	preemptions int
	make        func() (body func(), check func() error)
}

var kernels = []kernel{
	{"lost-update", 1, kernelLostUpdate},
	{"lost-wakeup", 0, kernelLostWakeup},
	{"lock-order", 1, kernelLockOrder},
	{"check-then-act", 1, kernelCheckThenAct},
	{"seqlock", 2, kernelSeqlock},
}

// runThreads starts one primitives.Thread per fn and joins them all.
func runThreads(fns ...func()) {
	ts := make([]*primitives.Thread, len(fns))
	for i, fn := range fns {
		ts[i] = primitives.NewThread(fn, primitives.WithName(fmt.Sprintf("T%d", i+1)))
		ts[i].Start()
	}
	for _, t := range ts {
		t.Join()
	}
}

// kernelLostUpdate: two threads read a counter, reach a failpoint, and
// write back what they read plus one.
func kernelLostUpdate() (func(), func() error) {
	var counter int
	inc := func() {
		v := counter
		failpoints.Hit(fpKernel, nil)
		counter = v + 1
	}
	return func() { counter = 0; runThreads(inc, inc) }, func() error {
		if counter != 2 {
			return fmt.Errorf("counter = %d; want 2", counter)
		}
		return nil
	}
}

// kernelLostWakeup is the tutorial's S11 bug: the waiter waits without
// checking whether the notify already happened; if the notifier takes the
// lock first the waiter waits forever (a deadlock, which fails the run).
func kernelLostWakeup() (func(), func() error) {
	var woke bool
	return func() {
			woke = false
			c := primitives.NewCondition(nil)
			runThreads(func() {
				c.Acquire()
				c.Wait()
				woke = true
				c.Release()
			}, func() {
				c.Acquire()
				c.Notify(1)
				c.Release()
			})
		}, func() error {
			if !woke {
				return errors.New("the waiter never woke")
			}
			return nil
		}
}

// kernelLockOrder: two threads take two locks in opposite orders.
func kernelLockOrder() (func(), func() error) {
	return func() {
		var a, b primitives.Lock
		runThreads(func() {
			a.Acquire()
			b.Acquire()
			b.Release()
			a.Release()
		}, func() {
			b.Acquire()
			a.Acquire()
			a.Release()
			b.Release()
		})
	}, func() error { return nil }
}

// kernelCheckThenAct: two consumers check that a one-item queue is not
// empty, then get without blocking; one can find it emptied.
func kernelCheckThenAct() (func(), func() error) {
	var got [2]error
	return func() {
			got = [2]error{}
			q := primitives.NewQueue[int](0)
			_ = q.Put(1)
			_ = q.Put(2)
			_, _ = q.TryGet()
			consume := func(i int) func() {
				return func() {
					if !q.Empty() {
						_, got[i] = q.TryGet()
					}
				}
			}
			runThreads(consume(0), consume(1))
		}, func() error {
			for i, err := range got {
				if err != nil {
					return fmt.Errorf("consumer %d: TryGet after Empty() = false: %w", i+1, err)
				}
			}
			return nil
		}
}

// kernelSeqlock: a sequence lock whose two writers do not exclude each
// other. A writer makes seq odd, writes x then y, and makes seq even again;
// both publish the same pair (1, 1), so the final state is always
// consistent. The reader reads seq, x, y and seq again, and accepts the
// pair when both reads of seq agree and are even (it gives up after three
// tries, so it never spins). With one writer the protocol is correct; two
// writers both inside their write make seq even mid-write, and the reader
// accepts the torn (1, 0). It takes two preemptions (writer 1 inside its
// write, writer 2 inside its write, the reader then runs): Exhaustive at
// bound 1 finds nothing.
func kernelSeqlock() (func(), func() error) {
	var a, b int
	return func() {
			var seq, x, y int
			a, b = 0, 0
			writer := func() {
				seq++
				x = 1
				failpoints.Hit(fpSeqW, nil)
				y = 1
				seq++
			}
			reader := func() {
				for range 3 {
					s1 := seq
					failpoints.Hit(fpSeqR, nil)
					ra := x
					failpoints.Hit(fpSeqR, nil)
					rb := y
					failpoints.Hit(fpSeqR, nil)
					if s1%2 == 0 && seq == s1 {
						a, b = ra, rb
						return
					}
				}
			}
			runThreads(writer, writer, reader)
		}, func() error {
			if a != b {
				return fmt.Errorf("reader accepted x = %d, y = %d; want equal", a, b)
			}
			return nil
		}
}
