package scenarios

// S15 gil: the tutorial's "global interpreter lock" section and its FAQ
// ("in Python, which multithreaded programs do better, I/O-bound or
// CPU-bound?"; "what differs on a multi-CPU system?"). Its model of the
// interpreter:
//
//	while True:
//	    acquire GIL
//	    for i in 1000:
//	        do something
//	    release GIL
//	    /* Give Operating System a chance to do thread scheduling */
//
// and its claims: the GIL is released around every I/O call, so I/O-bound
// threads gain from threading; a CPU-bound thread keeps the GIL for its
// whole time slice, so CPU-bound threads do not (and on many cores they
// lose, since the releasing thread takes the GIL back before a woken thread
// on another core can).
//
// The port simulates that interpreter on the virtual clock. The GIL is a
// primitives.Lock. A thread runs bytecodes only while it holds the GIL; a
// bytecode is a unit of virtual CPU time (BytecodeTime), spent as a
// primitives.Sleep while holding the GIL, so no other thread can run
// bytecodes meanwhile. After SwitchInterval bytecodes (Python 2's
// sys.setcheckinterval, 100 by default) the thread releases the GIL, hits
// failpoints.ScenarioGIL (the "chance to do thread scheduling") and takes
// it back; around an I/O wait it releases the GIL for the whole wait. Tasks
// are dealt round-robin to Threads threads: a CPU-bound task runs
// CPUBytecodes bytecodes; an I/O-bound task runs IOBytecodes bytecodes,
// then waits IOTime for its I/O.
//
// On the virtual clock the FAQ's claims become exact: with the GIL the
// CPU-bound makespan is the total CPU time whatever the number of threads,
// while the I/O-bound makespan shrinks about N times with N threads. With
// FreeThreaded (no GIL, as Python 3.13t's free-threaded build) the CPU-bound
// makespan shrinks N times too, which is what Go's goroutines do on real
// cores (see the benchmark in s15_gil_bench_test.go).
//
// Simplifications: the bytecodes between two switch points are slept in one
// piece (the same virtual time as one sleep per bytecode, since nobody else
// can run bytecodes meanwhile, at a fraction of the scheduling steps). The
// GIL is a barging lock, as the FAQ describes Python 2's: under the all-zero
// schedule a thread that releases it at a switch point takes it straight
// back, before the thread it woke runs (Python 3.2+ forces the hand-over
// instead); the explorer's delays at ScenarioGIL give the GIL away. Neither
// choice changes a makespan, only who runs when.

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// Workload is what S15's tasks do.
type Workload int

const (
	// CPUBound tasks only run bytecodes.
	CPUBound Workload = iota
	// IOBound tasks run a few bytecodes, then wait for I/O with the GIL
	// released.
	IOBound
)

// String returns the workload's name: "cpu-bound" or "io-bound".
func (w Workload) String() string {
	switch w {
	case CPUBound:
		return "cpu-bound"
	case IOBound:
		return "io-bound"
	}
	return fmt.Sprintf("Workload(%d)", int(w))
}

// GILConfig is the shape of S15.
type GILConfig struct {
	Workload       Workload
	Threads        int           // N, the threads sharing the tasks (>= 1)
	Tasks          int           // tasks, dealt round-robin to the threads (>= 0)
	CPUBytecodes   int           // bytecodes of a CPU-bound task (>= 0)
	IOBytecodes    int           // bytecodes of an I/O-bound task before its I/O (>= 0)
	IOTime         time.Duration // an I/O-bound task's wait for I/O, GIL released (>= 0)
	BytecodeTime   time.Duration // virtual CPU time of one bytecode (> 0)
	SwitchInterval int           // bytecodes between forced GIL releases (>= 1)
	FreeThreaded   bool          // no GIL: threads run bytecodes in parallel
}

// DefaultGILConfig returns 4 CPU-bound tasks of 1000 bytecodes of 1ms (1s
// of CPU each) on one thread, with Python 2's check interval of 100
// bytecodes; an I/O-bound task is 10 bytecodes and 1s of I/O. Change
// Workload and Threads to compare.
func DefaultGILConfig() GILConfig {
	return GILConfig{
		Workload: CPUBound, Threads: 1, Tasks: 4,
		CPUBytecodes: 1000, IOBytecodes: 10, IOTime: time.Second,
		BytecodeTime: time.Millisecond, SwitchInterval: 100,
	}
}

func (c GILConfig) validate() error {
	switch {
	case c.Workload != CPUBound && c.Workload != IOBound:
		return paramError("Workload", c.Workload, "must be CPUBound or IOBound")
	case c.Threads < 1:
		return paramError("Threads", c.Threads, "at least one thread must run the tasks")
	case c.Tasks < 0:
		return paramError("Tasks", c.Tasks, "must be >= 0")
	case c.CPUBytecodes < 0:
		return paramError("CPUBytecodes", c.CPUBytecodes, "must be >= 0")
	case c.IOBytecodes < 0:
		return paramError("IOBytecodes", c.IOBytecodes, "must be >= 0")
	case c.IOTime < 0:
		return paramError("IOTime", c.IOTime, "must be >= 0")
	case c.BytecodeTime <= 0:
		return paramError("BytecodeTime", c.BytecodeTime, "must be > 0")
	case c.SwitchInterval < 1:
		return paramError("SwitchInterval", c.SwitchInterval, "must be >= 1")
	}
	return nil
}

// GILResult is what S15 leaves behind.
type GILResult struct {
	Makespan  time.Duration   // from the start until every thread finished
	Finished  []time.Duration // when each thread finished
	Bytecodes int             // bytecodes run in all
	Switches  int             // GIL releases at the switch interval
	// MaxRunning is the most threads running bytecodes at once: 1 under
	// the GIL (0 without any bytecode), up to Threads when FreeThreaded.
	MaxRunning int
}

// Check reports whether r keeps S15's invariant for cfg on any schedule,
// the one check the scenario's tests and property share: the bytecodes and
// switch-interval releases are exactly what the tasks make (a CPU-bound
// thread's ticks run on across its tasks; an I/O wait releases the GIL and
// resets them); under the GIL exactly one thread ran bytecodes at a time
// (none without bytecodes), free-threaded at most min(Threads, Tasks); and
// the makespan is no less than the busiest thread's own work, nor, under
// the GIL, than the total CPU time. The all-zero schedule's exact
// makespans are the callers' to check.
func (r GILResult) Check(cfg GILConfig) error {
	bt := cfg.BytecodeTime
	per, perTask := cfg.CPUBytecodes, time.Duration(cfg.CPUBytecodes)*bt
	if cfg.Workload == IOBound {
		per, perTask = cfg.IOBytecodes, time.Duration(cfg.IOBytecodes)*bt+cfg.IOTime
	}
	switches := 0
	k := 0 // the busiest thread's tasks
	for i := range cfg.Threads {
		tasks := cfg.Tasks / cfg.Threads
		if i < cfg.Tasks%cfg.Threads {
			tasks++
		}
		k = max(k, tasks)
		if cfg.Workload == CPUBound {
			switches += tasks * per / cfg.SwitchInterval
		} else {
			switches += tasks * (per / cfg.SwitchInterval)
		}
	}
	if r.Bytecodes != cfg.Tasks*per || r.Switches != switches {
		return fmt.Errorf("%d bytecodes, %d switches; want %d, %d", r.Bytecodes, r.Switches, cfg.Tasks*per, switches)
	}
	maxRunning := min(1, r.Bytecodes)
	if cfg.FreeThreaded {
		maxRunning = min(cfg.Threads, cfg.Tasks)
	}
	if (!cfg.FreeThreaded && r.MaxRunning != maxRunning) || r.MaxRunning > maxRunning {
		return fmt.Errorf("%d threads ran bytecodes at once; want %d at most (exactly under the GIL)", r.MaxRunning, maxRunning)
	}
	lower := time.Duration(k) * perTask
	if !cfg.FreeThreaded {
		lower = max(lower, time.Duration(r.Bytecodes)*bt)
	}
	if r.Makespan < lower {
		return fmt.Errorf("makespan %v; want >= %v", r.Makespan, lower)
	}
	return nil
}

// gilRun is one run of S15.
type gilRun struct {
	p   *tprinter
	cfg GILConfig
	gil primitives.Lock // the global interpreter lock

	mu      sync.Mutex // guards running and res
	running int
	res     GILResult
}

// GIL runs S15: cfg.Tasks tasks of cfg.Workload on cfg.Threads threads
// under a simulated GIL (none if cfg.FreeThreaded). It prints when each
// thread finishes and the makespan.
func GIL(w io.Writer, cfg GILConfig) (GILResult, error) {
	if err := cfg.validate(); err != nil {
		return GILResult{}, err
	}
	r := &gilRun{p: newTprinter(w), cfg: cfg}
	r.res.Finished = make([]time.Duration, cfg.Threads)
	gil := "a GIL"
	if cfg.FreeThreaded {
		gil = "no GIL"
	}
	r.p.printf("start at: %s: %d %v tasks on %d threads, %s", r.p.stamp(), cfg.Tasks, cfg.Workload, cfg.Threads, gil)
	threads := make([]*primitives.Thread, cfg.Threads)
	for i := range threads {
		tasks := cfg.Tasks / cfg.Threads // thread i's share of the round-robin deal
		if i < cfg.Tasks%cfg.Threads {
			tasks++
		}
		threads[i] = primitives.NewThread(func() { r.thread(i, tasks) }, primitives.WithName(fmt.Sprintf("Thread-%d", i+1)))
		threads[i].Start()
	}
	for _, t := range threads {
		t.Join()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Makespan = r.p.elapsed()
	r.p.printf("makespan: %s", r.p.stamp())
	return r.res, nil
}

// interpreter is one thread's view of the simulated interpreter: whether
// it holds the GIL and how many bytecodes it ran since it last released it.
type interpreter struct {
	r     *gilRun
	held  bool
	ticks int
}

func (in *interpreter) acquire() {
	if !in.r.cfg.FreeThreaded && !in.held {
		in.r.gil.Acquire()
	}
	in.held = true
}

func (in *interpreter) release() {
	if !in.r.cfg.FreeThreaded && in.held {
		in.r.gil.Release()
	}
	in.held = false
	in.ticks = 0
}

// exec runs n bytecodes, giving other threads a chance at every switch
// interval.
func (in *interpreter) exec(n int) {
	r := in.r
	for n > 0 {
		in.acquire()
		slice := min(n, r.cfg.SwitchInterval-in.ticks)
		r.mu.Lock()
		r.running++
		r.res.MaxRunning = max(r.res.MaxRunning, r.running)
		r.res.Bytecodes += slice
		r.mu.Unlock()
		primitives.Sleep(time.Duration(slice) * r.cfg.BytecodeTime) // the CPU time, GIL held
		r.mu.Lock()
		r.running--
		r.mu.Unlock()
		n -= slice
		in.ticks += slice
		if in.ticks == r.cfg.SwitchInterval {
			// The check interval: release the GIL, let the OS schedule,
			// take it back.
			r.mu.Lock()
			r.res.Switches++
			r.mu.Unlock()
			in.release()
			failpoints.Hit(failpoints.ScenarioGIL, &r.gil)
			in.acquire()
		}
	}
}

// io waits for I/O with the GIL released, as every blocking call of
// CPython's C code does.
func (in *interpreter) io(d time.Duration) {
	held := in.held
	in.release()
	primitives.Sleep(d)
	if held {
		in.acquire()
	}
}

// thread is thread i's target: the interpreter loop over its tasks.
func (r *gilRun) thread(i, tasks int) {
	in := &interpreter{r: r}
	in.acquire() // a new thread starts by taking the GIL
	for range tasks {
		switch r.cfg.Workload {
		case CPUBound:
			in.exec(r.cfg.CPUBytecodes)
		case IOBound:
			in.exec(r.cfg.IOBytecodes)
			in.io(r.cfg.IOTime)
		}
	}
	in.release()
	at := r.p.elapsed()
	r.mu.Lock()
	r.res.Finished[i] = at
	r.mu.Unlock()
	r.p.printf("%s done at: %s", primitives.CurrentThread().Name(), r.p.stamp())
}
