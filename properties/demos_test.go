package properties_test

import (
	"testing"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// The deliberate-bug demos of SCENARIOS.md's last column. Each is a passing
// test: properties.Demo asserts that the explorer finds a failing
// interleaving of the buggy variant within rapid's budget (-rapid.checks,
// 100 by default, with the seed TestMain pins) and that the correct twin,
// checked with the same property, survives the same budget. With -v each
// prints the shrunk interleaving; INTERLEAVE_DEMO_FAIL=1 runs the buggy
// variant as a plain failing property.

// scenarioProp turns a scenario and a check of its result into a rapid
// property that explores one schedule per call. When the check fails,
// exploreScenario logs the interleaving, so that a plain failing run
// (INTERLEAVE_DEMO_FAIL=1) shows it with rapid's report.
func scenarioProp[R any](run func() (R, error), check func(rt *rapid.T, res R), opts ...interleave.Option) func(*rapid.T) {
	return func(rt *rapid.T) {
		check(rt, exploreScenario(rt, &interleave.Coverage{}, run, opts...))
	}
}

// TestDemoS02SleepTooShort: main "waits" for its threads by sleeping, here
// exactly as long as the longest loop (loops of 4 s and 5 s, main 5 s): main
// and loop1 wake at the same instant, main (started first) runs first,
// prints "all DONE" and exits while loop1 still runs: its work is lost. (No
// sleep is a synchronisation; with the tutorial's 6 s the virtual clock
// happens to save it.) The correct twin joins its threads (S04) and is
// checked with the same property: every loop finished before "all DONE".
func TestDemoS02SleepTooShort(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.DefaultSleepSyncConfig()
	cfg.Main = cfg.Loop1
	buggy := scenarioProp(func() (scenarios.SleepSyncResult, error) { return scenarios.SleepSync(nil, cfg) },
		func(rt *rapid.T, res scenarios.SleepSyncResult) {
			if res.Lost {
				rt.Fatalf("SleepSync(%+v): loops done %v at exit; want [true true] (work lost)", cfg, res.Done)
			}
		})
	loops := scenarios.ThreadFunctionConfig{Loops: []time.Duration{cfg.Loop, cfg.Loop1}}
	correct := scenarioProp(func() (scenarios.LoopsResult, error) { return scenarios.ThreadFunction(nil, loops) },
		func(rt *rapid.T, res scenarios.LoopsResult) {
			for i, l := range res.Loops {
				if !l.Returned || l.ReturnedAt > res.AllDoneAt {
					rt.Fatalf("ThreadFunction loop %d: returned %v at %v, all DONE at %v; want done before all DONE", i, l.Returned, l.ReturnedAt, res.AllDoneAt)
				}
			}
		})
	properties.Demo(t, "S02SleepTooShort", buggy, correct)
}

// TestDemoS03AcquireAfterStart: acquiring each lock after starting its
// thread (the tutorial's warning). With a loop of 0 s, one preemption of
// main between Start and Acquire lets the thread release a lock nobody
// acquired: its Release panics with ErrReleaseUnlocked, which fails the
// run. The correct twin acquires every lock before starting any thread.
//
// Not parallel: it silences ExceptHook, a package variable, so that the
// buggy runs' panics do not flood stderr.
func TestDemoS03AcquireAfterStart(t *testing.T) {
	quietExceptHook(t)
	cfg := scenarios.LockSyncConfig{Loops: []time.Duration{0, time.Second}, PollInterval: 100 * time.Millisecond, Timeout: 3 * time.Second}
	check := func(rt *rapid.T, res scenarios.LockSyncResult) { checkLockSync(rt, cfg, res) }
	properties.Demo(t, "S03AcquireAfterStart",
		scenarioProp(func() (scenarios.LockSyncResult, error) { return scenarios.LockSyncAcquireAfterStart(nil, cfg) }, check),
		scenarioProp(func() (scenarios.LockSyncResult, error) { return scenarios.LockSync(nil, cfg) }, check))
}

// TestDemoS06ResultBeforeJoin: reading a MyThread's result before Join
// (model mode; the real-mode data race is TestRaceS06ResultBeforeJoin).
// Six threads have nothing to do (loops of 0 s) and main gives them a
// millisecond before it reads their results: "they should be done by now".
// The all-zero schedule finds every result there; the explorer delays a
// thread at its scheduling point past main's wake-up, and its result is
// missing when main reads it. The correct twin reads after Join. (With
// three threads 2 random seeds in 30 missed the bug within 100 schedules;
// with six, none in 100.)
func TestDemoS06ResultBeforeJoin(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.ThreadSubclassConfig{Loops: []time.Duration{0, 0, 0, 0, 0, 0}, ReadAfter: time.Millisecond}
	check := func(rt *rapid.T, res scenarios.ThreadSubclassResult) { checkThreadSubclass(rt, cfg, res, false) }
	properties.Demo(t, "S06ResultBeforeJoin",
		scenarioProp(func() (scenarios.ThreadSubclassResult, error) { return scenarios.ResultBeforeJoin(nil, cfg) }, check),
		scenarioProp(func() (scenarios.ThreadSubclassResult, error) { return scenarios.ThreadSubclass(nil, cfg) }, check))
}

// TestDemoS09NestedPlainLock: S09's code with a plain Lock deadlocks on
// the nested acquire on every schedule; the explorer reports the deadlock
// (naming each thread and Lock.Acquire) instead of hanging. The correct
// twin is the RLock, with S09's whole property.
func TestDemoS09NestedPlainLock(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.DefaultRLockConfig()
	check := func(rt *rapid.T, res scenarios.RLockResult) { checkRLock(rt, cfg, res) }
	properties.Demo(t, "S09NestedPlainLock",
		scenarioProp(func() (scenarios.RLockResult, error) { return scenarios.NestedPlainLock(nil, cfg) }, check),
		scenarioProp(func() (scenarios.RLockResult, error) { return scenarios.RLock(nil, cfg) }, check))
}

// TestDemoS10EventAsCounter: an event used to count signals loses one when
// the waiter is held up between wait() and clear() past the next set. The
// correct twin sets only once the previous set was consumed.
func TestDemoS10EventAsCounter(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.DefaultEventConfig()
	check := func(rt *rapid.T, res scenarios.EventResult) {
		if err := res.CheckSignals(cfg); err != nil {
			rt.Fatalf("event signals (lost %d): %v", res.Lost(), err)
		}
	}
	properties.Demo(t, "S10EventAsCounter",
		scenarioProp(func() (scenarios.EventResult, error) { return scenarios.EventAsCounter(nil, cfg) }, check),
		scenarioProp(func() (scenarios.EventResult, error) { return scenarios.Event(nil, cfg) }, check))
}

// TestDemoS11UnguardedWait: the tutorial's Condition code as written. If
// tc2 takes the lock first, its notifies find no waiter and tc1 then waits
// forever (a lost wake-up), which the explorer reports as a deadlock. The
// correct twin waits with WaitFor on state the lock guards.
//
// Not parallel: it silences ExceptHook, because when the explorer unwinds
// the deadlocked tc1 inside Condition.Wait (the lock released), tc1's
// deferred Release panics with "cannot release un-acquired lock" and the
// default hook prints it.
func TestDemoS11UnguardedWait(t *testing.T) {
	quietExceptHook(t)
	cfg := scenarios.DefaultConditionConfig()
	check := func(rt *rapid.T, res scenarios.ConditionResult) { checkCondition(rt, cfg, res.CheckWaitFor(cfg)) }
	properties.Demo(t, "S11UnguardedWait",
		scenarioProp(func() (scenarios.ConditionResult, error) { return scenarios.UnguardedWait(nil, cfg) }, check),
		scenarioProp(func() (scenarios.ConditionResult, error) { return scenarios.WaitForVersion(nil, cfg) }, check))
}

// TestDemoS12OverReleasedSemaphore: every worker gives its slot back twice;
// the plain Semaphore silently grows, and under some interleaving three
// workers hold one of the two slots at once. The correct twin releases
// once.
func TestDemoS12OverReleasedSemaphore(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.SemaphoreConfig{Slots: 2, Threads: 4, Work: time.Second}
	check := func(rt *rapid.T, res scenarios.SemaphoreResult) { checkSemaphore(rt, cfg, res.CheckHolders(cfg)) }
	properties.Demo(t, "S12OverReleasedSemaphore",
		scenarioProp(func() (scenarios.SemaphoreResult, error) { return scenarios.OverReleasedSemaphore(nil, cfg) }, check),
		scenarioProp(func() (scenarios.SemaphoreResult, error) { return scenarios.Semaphore(nil, cfg) }, check))
}

// TestDemoS14CheckThenAct: two readers check empty() and then get without
// blocking; one preempted between its check and its get finds the queue
// emptied by the other, and its get_nowait raises Empty. The correct twin
// gets with a blocking get.
func TestDemoS14CheckThenAct(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.ProducerConsumerConfig{MinItems: 2, MaxItems: 2, QueueSize: 1, Readers: 2, WriteSleep: 1, MinReadSleep: 1, MaxReadSleep: 1}
	check := func(rt *rapid.T, res scenarios.ProducerConsumerResult) { checkProducerConsumer(rt, cfg, res) }
	properties.Demo(t, "S14CheckThenAct",
		scenarioProp(func() (scenarios.ProducerConsumerResult, error) { return scenarios.CheckThenAct(nil, cfg) }, check),
		scenarioProp(func() (scenarios.ProducerConsumerResult, error) { return scenarios.ProducerConsumer(nil, cfg) }, check))
}

// TestDemoS16TooFewSentinels: one sentinel fewer than workers leaves a
// worker blocked in Queue.Get forever, and process exit waits for it: the
// explorer reports the deadlock on every schedule. The correct twin puts
// one sentinel per worker.
func TestDemoS16TooFewSentinels(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	cfg := scenarios.DefaultThreadPoolConfig()
	check := func(rt *rapid.T, res scenarios.ThreadPoolResult) { checkThreadPool(rt, cfg, res) }
	properties.Demo(t, "S16TooFewSentinels",
		scenarioProp(func() (scenarios.ThreadPoolResult, error) { return scenarios.TooFewSentinels(nil, cfg) }, check),
		scenarioProp(func() (scenarios.ThreadPoolResult, error) { return scenarios.ThreadPool(nil, cfg) }, check))
}

// TestDemoS17ReadThenWrite: two threads increment a shared counter twice
// each by reading it, reaching a scheduling point, and writing back what
// they read plus one. The explorer finds the lost update, and rapid shrinks
// it to a single preemption (a thread preempted between its read and its
// write); the test asserts that. The correct twin holds a Lock around each
// increment.
func TestDemoS17ReadThenWrite(t *testing.T) {
	t.Parallel()
	cfg := scenarios.RaceConfig{Threads: 2, Increments: 2}
	check := func(rt *rapid.T, res scenarios.RaceResult) { checkCounter(rt, cfg, res.Check(cfg)) }
	buggy := scenarioProp(func() (scenarios.RaceResult, error) { return scenarios.ReadThenWriteCounter(nil, cfg) }, check)
	// Demo hands back its finding Hunt (whichever round found it).
	found := properties.DemoShrunk(t, "S17ReadThenWrite", buggy,
		scenarioProp(func() (scenarios.RaceResult, error) { return scenarios.Race(nil, cfg) }, check))
	if !found.Found || found.Trace == nil {
		t.Fatalf("Hunt(ReadThenWriteCounter) found %v, trace %v; want a failing trace", found.Found, found.Trace != nil)
	}
	if p := found.Trace.Preemptions(); p != 1 {
		t.Fatalf("shrunk lost update: preemptions = %d; want 1\n%s", p, found.Trace)
	}
}

// quietExceptHook silences the report of threads' panics for a demo whose
// buggy variant makes threads panic. The test must not be parallel:
// ExceptHook is a package variable.
func quietExceptHook(t *testing.T) {
	old := primitives.ExceptHook
	primitives.ExceptHook = func(primitives.ExceptHookArgs) {}
	t.Cleanup(func() { primitives.ExceptHook = old })
}
