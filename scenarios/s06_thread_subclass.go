package scenarios

// S06 thread-subclass: the third way to make a threading.Thread
// ("从Thread派生出一个子类"), a subclass with its own run() that keeps the
// function's result.
//
//	class MyThread(Thread):
//	    def __init__(self, func, args, name=""):
//	        super(MyThread, self).__init__()
//	        self.name = name; self.func = func; self.args = args
//	    def getResult(self):
//	        return self.res
//	    def run(self):
//	        print 'starting', self.name, 'at:', time()
//	        self.res = self.func(*self.args)
//	        print self.name, 'finished at:', time()
//	...
//	for i in nloops: t = MyThread(loop, (i, loops[i]), loop.__name__)
//
// The rest is S04: start all, join all, "all DONE" at the longest loop.
//
// How it differs from the Python:
//   - Go has no subclassing: MyThread embeds *primitives.Thread (so it has
//     Start, Join, Name, ...) and hands the Thread its run method as target.
//   - getResult before the result exists raises AttributeError in Python;
//     GetResult returns (zero, false). The tutorial's loop returns None, so
//     its result is not worth reading; here loop returns how long it slept,
//     and main reads each result after joining, which the tutorial does only
//     in its producer-consumer example.
//   - Times print as seconds since the start, and the print(...) lines as
//     Python 3 prints them (the tutorial ran Python 2; its print
//     statements, 'starting loop at: T', print the same either way).
//
// The deliberate bug is ResultBeforeJoin: reading the result before Join.

import (
	"fmt"
	"io"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// A MyThread is a Thread that runs fn(args) and keeps what it returned, for
// GetResult after Join.
//
// The end of fn (the write of its result) synchronizes before the return of
// Join, so GetResult after Join sees the result. Calling GetResult while
// the thread may still be running is a data race.
//
// MyThread ports the tutorial's MyThread(Thread) subclass; Go embeds the
// Thread instead of deriving from it, and GetResult reports whether the
// result is there instead of raising AttributeError.
type MyThread[A, R any] struct {
	*primitives.Thread

	fn   func(A) R
	args A

	res    R    // written once by run; read after Join (Join synchronizes)
	hasRes bool // likewise

	out *linePrinter // nil: run prints nothing
	c   clock
}

// NewMyThread returns a thread, not yet started, that will run fn(args)
// and keep its result; name names the thread (empty: the automatic name).
//
// NewMyThread ports MyThread(func, args, name).
func NewMyThread[A, R any](fn func(A) R, args A, name string) *MyThread[A, R] {
	t := &MyThread[A, R]{fn: fn, args: args}
	t.Thread = primitives.NewThread(t.run, primitives.WithName(name))
	return t
}

// GetResult returns what fn returned and true, or the zero R and false if
// fn has not returned. Call it after Join: before, it races with the
// thread's write.
//
// GetResult ports the tutorial's getResult.
func (t *MyThread[A, R]) GetResult() (R, bool) { return t.res, t.hasRes }

// run is the thread's body, the tutorial's run().
func (t *MyThread[A, R]) run() {
	if t.out != nil {
		t.out.println("starting", t.Name(), "at:", t.c.stamp())
	}
	t.res = t.fn(t.args)
	t.hasRes = true
	if t.out != nil {
		t.out.println(t.Name(), "finished at:", t.c.stamp())
	}
}

// ThreadSubclassConfig is S06's parameters.
type ThreadSubclassConfig struct {
	Loops []time.Duration // each thread's sleep, each >= 0, at most 1000 (tutorial: [4 s, 2 s])

	// ReadAfter is how long ResultBeforeJoin's main sleeps after starting
	// the threads before it reads their results ("they should be done by
	// now"), >= 0 (default 0: at once). ThreadSubclass ignores it.
	ReadAfter time.Duration
}

// DefaultThreadSubclassConfig returns the tutorial's loops, [4 s, 2 s], and
// ReadAfter 0.
func DefaultThreadSubclassConfig() ThreadSubclassConfig {
	return ThreadSubclassConfig{Loops: []time.Duration{4 * time.Second, 2 * time.Second}}
}

// ThreadSubclassResult is what S06 did: S04's record of each thread, and
// what main read from each MyThread's GetResult.
type ThreadSubclassResult struct {
	LoopsResult
	Results   []time.Duration // Results[i]: GetResult's value for thread i (loop i's sleep when it was there)
	SawResult []bool          // SawResult[i]: GetResult reported the result there when main read it
	ReadAt    []time.Duration // when main read it
}

// Check reports whether r keeps S06's invariant for a ThreadSubclass run
// of cfg on any schedule, the one check the scenario's tests and property
// share: S04's (LoopsResult.Check, every thread named "loop"), and main
// read every thread's result, the loop's sleep, no earlier than that
// thread's Join returned. ResultBeforeJoin breaks the second part.
func (r ThreadSubclassResult) Check(cfg ThreadSubclassConfig) error {
	if err := r.LoopsResult.Check(cfg.Loops, "loop"); err != nil {
		return err
	}
	n := len(cfg.Loops)
	if len(r.Results) != n || len(r.SawResult) != n || len(r.ReadAt) != n {
		return fmt.Errorf("%d results, %d seen, %d reads; want %d each", len(r.Results), len(r.SawResult), len(r.ReadAt), n)
	}
	for i, d := range cfg.Loops {
		if !r.SawResult[i] || r.Results[i] != d {
			return fmt.Errorf("GetResult of thread %d = %v, %v; want %v, true", i, r.Results[i], r.SawResult[i], d)
		}
		if r.ReadAt[i] < r.Loops[i].JoinedAt {
			return fmt.Errorf("thread %d: result read at %v; want no earlier than its Join, %v", i, r.ReadAt[i], r.Loops[i].JoinedAt)
		}
	}
	return nil
}

// ThreadSubclass runs S06: one MyThread per loop, named "loop", running the
// loop with (i, loops[i]); all started, then each joined and its result
// read, then "all DONE at:". Every read follows its Join, so SawResult is
// true for every thread on every schedule.
func ThreadSubclass(w io.Writer, cfg ThreadSubclassConfig) (ThreadSubclassResult, error) {
	return threadSubclass(w, cfg, false)
}

// ResultBeforeJoin is ThreadSubclass with the mistake of reading the
// results before joining: main starts the threads, sleeps cfg.ReadAfter
// ("they should be done by now"), reads every result, and only then joins.
// Nothing orders a thread's write of its result before main's read.
//
// In real mode that is a data race, which the race detector reports when
// the read and the write are not ordered by some unrelated
// synchronisation: main touches nothing the threads touch between its
// sleep and its reads, so with ReadAfter > 0 (the threads are running or
// done when main reads) the report is certain. With ReadAfter 0 main may
// read before the threads' goroutines even begin, and the primitives'
// internal locks (the thread registry) can then order the read before the
// write: that execution has no race, only a missing result.
//
// In a model run there is no Go data race (one thread runs at a time and
// the hand-offs order them), but the read sees whatever the schedule left:
// under the all-zero schedule, thread i's result is there only if its loop
// is strictly shorter than ReadAfter (on a tie main, started first, wakes
// first); a schedule that delays main at the failpoint before a read, past
// that loop's end, makes it there. The result is available after Join,
// never reliably before.
func ResultBeforeJoin(w io.Writer, cfg ThreadSubclassConfig) (ThreadSubclassResult, error) {
	return threadSubclass(w, cfg, true)
}

func threadSubclass(w io.Writer, cfg ThreadSubclassConfig, beforeJoin bool) (ThreadSubclassResult, error) {
	if err := checkLoops("Loops", cfg.Loops); err != nil {
		return ThreadSubclassResult{}, err
	}
	if err := checkDuration("ReadAfter", cfg.ReadAfter); err != nil {
		return ThreadSubclassResult{}, err
	}
	s := newLoopScenario(w, cfg.Loops)
	loop := func(a loopArgs) time.Duration {
		s.loop(a.nloop, a.nsec)
		return a.nsec
	}
	n := len(cfg.Loops)
	res := ThreadSubclassResult{Results: make([]time.Duration, n), SawResult: make([]bool, n), ReadAt: make([]time.Duration, n)}
	read := func(i int, t *MyThread[loopArgs, time.Duration]) {
		res.Results[i], res.SawResult[i] = t.GetResult()
		res.ReadAt[i] = s.c.elapsed()
	}

	s.out.println("starting at:", s.c.stamp())
	threads := make([]*MyThread[loopArgs, time.Duration], n)
	for i := range threads {
		t := NewMyThread(loop, loopArgs{i, cfg.Loops[i]}, "loop") // MyThread(loop, (i, loops[i]), loop.__name__)
		t.out, t.c = s.out, s.c
		threads[i] = t
		s.runs[i].Name = t.Name()
	}
	for _, t := range threads {
		t.Start()
	}
	if beforeJoin {
		primitives.Sleep(cfg.ReadAfter)
		for i, t := range threads {
			failpoints.Hit(failpoints.ScenarioStep, t) // a delay here lets thread i finish first
			read(i, t)                                 // BUG: races with t.run's write
		}
	}
	for i, t := range threads {
		s.join(i, t.Thread)
		if !beforeJoin {
			read(i, t)
		}
	}
	lr, err := s.done()
	res.LoopsResult = lr
	return res, err
}
