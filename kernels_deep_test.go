package interleave_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"
	"github.com/interleave-lab/interleave/primitives"
)

// The deep measurement kernels: bugs of the kinds the default budget must
// reach beyond the five of kernels_test.go. A deadlock of three threads
// (two preemptions, a shape other than the seqlock's), an over-admission
// that needs three preemptions at specific points among three threads of
// different lengths, and two timer races (a thread late for a deadline by
// a drawn delay). kernel_measure_test.go measures them with the others.

const (
	fpPhase = "github.com/interleave-lab/interleave/failpoints/phase"
	fpNoise = "github.com/interleave-lab/interleave/failpoints/noise"
	fpAdmit = "github.com/interleave-lab/interleave/failpoints/admit"
	fpWork  = "github.com/interleave-lab/interleave/failpoints/work"
	fpCache = "github.com/interleave-lab/interleave/failpoints/cache"
)

var deepKernels = []kernel{
	{"dining-3", 1, kernelDining3},
	{"one-ticket-3", 2, kernelOneTicket},
	{"over-admit-3", 3, kernelOverAdmit},
	{"ttl-cache", 1, kernelTTLCache},
	{"lease-renew", 1, kernelLeaseRenew},
	{"two-phase-noise", 2, kernelTwoPhaseNoise},
	{"skip-phase", 2, kernelSkipPhase},
	{"body-update", 1, kernelBodyUpdate},
	{"body-reads", 1, kernelBodyReads},
}

// kernelDining3: three philosophers at a round table, each taking the fork
// on its left, then the one on its right. All three holding their left
// fork is a deadlock, and it takes one preemption only, however many
// philosophers sit: the first is preempted holding its left fork, and
// every other one then blocks on a fork its neighbour holds, which
// switches threads for free (a blocked thread is not preempted).
func kernelDining3() (func(), func() error) {
	return func() {
		var forks [3]primitives.Lock
		phil := func(i int) func() {
			return func() {
				left, right := &forks[i], &forks[(i+1)%3]
				left.Acquire()
				right.Acquire()
				right.Release()
				left.Release()
			}
		}
		runThreads(phil(0), phil(1), phil(2))
	}, func() error { return nil }
}

// kernelOverAdmit: an admission limit of two concurrent holders, enforced
// with a check-then-act (a thread checks active < 2, then increments it),
// and three workers that do 0, 1 and 2 steps of other work (a failpoint
// each) before asking to be admitted, so the threads do not run in step.
// Three holders at once needs three preemptions: a first worker preempted
// while admitted, a second preempted between its check and its increment,
// and a third admitted in that window and preempted while admitted too
// (with any two of these, the third thread finds the limit reached or a
// holder gone). Exhaustive proves the bound (TestKernelsMinimalBound).
func kernelOverAdmit() (func(), func() error) {
	var peak int
	return func() {
			peak = 0
			active := 0
			worker := func(prelude int) func() {
				return func() {
					for range prelude {
						failpoints.Hit(fpWork, nil)
					}
					if active >= 2 {
						return // refused: the caller would retry later
					}
					failpoints.Hit(fpAdmit, nil)
					active++
					peak = max(peak, active)
					failpoints.Hit(fpAdmit, nil) // the admitted work
					active--
				}
			}
			runThreads(worker(0), worker(1), worker(2))
		}, func() error {
			if peak > 2 {
				return fmt.Errorf("%d holders at once; the limit is 2", peak)
			}
			return nil
		}
}

// kernelOneTicket: a ticket dispenser whose take is a read, a failpoint
// and a write of the next number, taken by three customers. Two customers
// with the same ticket is the lost-update kernel (one preemption); the
// check here is that all three got the same ticket, which needs every
// customer to read before any writes: the first two each preempted between
// their read and their write (the third then runs through), two
// preemptions, a shape other than the seqlock's (symmetric threads, no
// reader, no retry).
func kernelOneTicket() (func(), func() error) {
	var tickets [3]int
	return func() {
			next := 0
			take := func(i int) func() {
				return func() {
					v := next
					failpoints.Hit(fpKernel, nil)
					next = v + 1
					tickets[i] = v
				}
			}
			runThreads(take(0), take(1), take(2))
		}, func() error {
			if tickets[0] == tickets[1] && tickets[1] == tickets[2] {
				return fmt.Errorf("all three customers got ticket %d", tickets[0])
			}
			return nil
		}
}

// ttlTTL is the cache entry's lifetime in kernelTTLCache: long against
// the explorer's short delays (1..24 Ticks), so only a delay past the
// janitor's pending sleep loses the race.
const ttlTTL = 10 * time.Millisecond

// kernelTTLCache: a cache entry expires after ttlTTL, when a janitor thread
// evicts it. A reader checks, under the cache's lock, that the entry is
// still fresh, releases the lock, then takes it again to use the entry: a
// reader held between the check and the use past the janitor's sleep finds
// the entry gone. No interleaving at one instant shows it (the janitor
// runs only at ttlTTL); one delay past the pending timer does.
func kernelTTLCache() (func(), func() error) {
	var useErr error
	return func() {
		useErr = nil
		var mu primitives.Lock
		entry := new(string)
		*entry = "v1"
		var expiry time.Time // set by the janitor from the virtual clock
		runThreads(func() {  // janitor
			mu.Acquire()
			expiry = sched.Now().Add(ttlTTL)
			mu.Release()
			primitives.Sleep(ttlTTL)
			mu.Acquire()
			if !sched.Now().Before(expiry) {
				entry = nil
			}
			mu.Release()
		}, func() { // reader
			mu.Acquire()
			fresh := entry != nil && sched.Now().Before(expiry)
			mu.Release()
			if !fresh {
				return
			}
			failpoints.Hit(fpCache, nil)
			mu.Acquire()
			if entry == nil {
				useErr = errors.New("the entry was checked fresh, then used after its eviction")
			}
			mu.Release()
		})
	}, func() error { return useErr }
}

// leaseTerm and leaseWork are kernelLeaseRenew's lease and the holder's
// work: the holder renews leaseSlack before expiry, so it is late only
// when delayed by more than the slack, within the explorer's short delays.
const (
	leaseTerm  = 100 * time.Microsecond
	leaseSlack = 5 * time.Microsecond
)

// kernelLeaseRenew: a holder keeps a lease by renewing it leaseSlack
// before it expires; a watcher waits on the renewal Event with a timeout
// of the lease's term and declares the lease lost when the wait times
// out. The holder, delayed by more than the slack at the point before its
// renewal, is late for the deadline: the watcher times out although the
// holder never gave the lease up. A drawn delay of a few Ticks is enough;
// no interleaving at one instant shows it.
func kernelLeaseRenew() (func(), func() error) {
	var lost bool
	return func() {
			lost = false
			var renewed primitives.Event
			runThreads(func() { // holder
				primitives.Sleep(leaseTerm - leaseSlack)
				failpoints.Hit(fpWork, nil)
				renewed.Set()
			}, func() { // watcher
				if !renewed.WaitTimeout(leaseTerm) {
					lost = true
				}
			})
		}, func() error {
			if lost {
				return errors.New("the watcher declared the lease lost while its holder was renewing it")
			}
			return nil
		}
}

// kernelTwoPhaseNoise: a writer moves a flag through two phases; a reader
// that reads it twice must not see both, which takes two preemptions (the
// writer between its phases, then the reader between its reads). A third
// thread hits an unrelated failpoint three times, and the reader starts
// with one hit of it, so the threads that matter are out of step with
// round robin and one thread in four is a bystander.
func kernelTwoPhaseNoise() (func(), func() error) {
	var r1, r2 int
	return func() {
			flag := 0
			r1, r2 = 0, 0
			runThreads(func() { // bystander
				for range 3 {
					failpoints.Hit(fpNoise, nil)
				}
			}, func() { // writer
				flag = 1
				failpoints.Hit(fpPhase, nil)
				flag = 2
			}, func() { // reader
				failpoints.Hit(fpNoise, nil)
				r1 = flag
				failpoints.Hit(fpPhase, nil)
				r2 = flag
			})
		}, func() error {
			if r1 == 1 && r2 == 2 {
				return errors.New("the reader saw the flag in both phases")
			}
			return nil
		}
}

// kernelSkipPhase: a writer moves a value through three phases; a reader
// that sees the first phase must not see the third next. Two preemptions:
// the writer after its first phase and not after its second, the reader
// between its reads. A thread preempted at one point and not at the next
// is the shape the yielders' round robin is out of phase with; the
// measured hardest two-preemption kernel.
func kernelSkipPhase() (func(), func() error) {
	var r1, r2 int
	return func() {
			x := 0
			r1, r2 = 0, 0
			runThreads(func() {
				x = 1
				failpoints.Hit(fpPhase, nil)
				x = 2
				failpoints.Hit(fpPhase, nil)
				x = 3
			}, func() {
				failpoints.Hit(fpNoise, nil)
				r1 = x
				failpoints.Hit(fpPhase, nil)
				r2 = x
			})
		}, func() error {
			if r1 == 1 && r2 == 3 {
				return errors.New("the reader saw phase 1, then phase 3: it skipped phase 2")
			}
			return nil
		}
}

// kernelBodyUpdate: the lost update with the body as one of the two
// incrementers: it starts a thread, increments, then joins. Found only by
// preempting the body inside its increment, or the thread inside its own
// while the body runs: the modes that keep the body running at its
// operations on threads must still preempt it at its own work.
func kernelBodyUpdate() (func(), func() error) {
	var counter int
	return func() {
			counter = 0
			inc := func() {
				v := counter
				failpoints.Hit(fpKernel, nil)
				counter = v + 1
			}
			th := primitives.NewThread(inc)
			th.Start()
			inc()
			th.Join()
		}, func() error {
			if counter != 2 {
				return fmt.Errorf("counter = %d; want 2", counter)
			}
			return nil
		}
}

// kernelBodyReads: the body reads a value twice around a failpoint while
// a thread it started writes it: found only by preempting the body
// between its reads.
func kernelBodyReads() (func(), func() error) {
	var first, second int
	return func() {
			x := 0
			th := primitives.NewThread(func() {
				failpoints.Hit(fpKernel, nil)
				x = 1
			})
			th.Start()
			first = x
			failpoints.Hit(fpKernel, nil)
			second = x
			th.Join()
		}, func() error {
			if first != second {
				return fmt.Errorf("the body read %d, then %d", first, second)
			}
			return nil
		}
}
