package scenarios

// S18 thread-exit: the tutorial's "exiting threads" section ("when a thread
// finishes its computation it exits; a thread may call an exit function
// such as thread.exit(), or use Python's standard way of leaving a process,
// sys.exit() or raising SystemExit; you cannot 'kill' a thread directly").
// The tutorial shows no code; the port runs three threads side by side:
//
//   - returner ends by returning from its target after its steps;
//   - exiter calls primitives.ExitThread() in the middle of its steps
//     (Python's thread.exit(), i.e. SystemExit raised in the thread): the
//     steps after it never run, its deferred clean-up does, and Thread.Err
//     stays nil (SystemExit is a normal end, not an error);
//   - stoppable is the cooperative stop that replaces a kill: it checks a
//     stop Event between steps (waiting on it instead of sleeping, so it
//     notices the stop at once); main sets the event, and the thread cleans
//     up and returns.
//
// Each thread's deferred clean-up records that it ran; each thread checks
// that Enumerate lists it while it runs, main checks after Join that it is
// no longer listed and no longer alive, and that Join returned.
//
// Go cannot kill a goroutine either, and has no exceptions: ExitThread
// unwinds the goroutine with a panic that the Thread recovers, so deferred
// calls run as Python's finally blocks do on SystemExit (and, as a bare
// "except:" would catch SystemExit, a recover between ExitThread and the
// target would stop it).

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// ThreadExitConfig is the shape of S18.
type ThreadExitConfig struct {
	Steps     int           // steps each thread means to take (>= 1)
	ExitAfter int           // the exiter calls ExitThread after this many steps (0..Steps)
	StepTime  time.Duration // each step lasts this long (>= 0)
	StopAfter time.Duration // main sets the stop event this long after the start (>= 0)
}

// DefaultThreadExitConfig returns three one-second steps, the exiter
// leaving after its first, and the stop at 2.5s (between two steps of the
// stoppable thread, so that no two threads wake at the same instant).
func DefaultThreadExitConfig() ThreadExitConfig {
	return ThreadExitConfig{Steps: 3, ExitAfter: 1, StepTime: time.Second, StopAfter: 2500 * time.Millisecond}
}

func (c ThreadExitConfig) validate() error {
	switch {
	case c.Steps < 1:
		return paramError("Steps", c.Steps, "must be >= 1")
	case c.ExitAfter < 0 || c.ExitAfter > c.Steps:
		return paramError("ExitAfter", c.ExitAfter, "must be between 0 and Steps")
	case c.StepTime < 0:
		return paramError("StepTime", c.StepTime, "must be >= 0")
	case c.StopAfter < 0:
		return paramError("StopAfter", c.StopAfter, "must be >= 0")
	}
	return nil
}

// ThreadEnd is how one thread of S18 ended.
type ThreadEnd struct {
	Name            string
	Steps           int           // steps it took
	ExitThread      bool          // it called ExitThread
	CleanedUp       bool          // its deferred clean-up ran
	CleanedUpAt     time.Duration // when
	ListedWhileLive bool          // Enumerate listed it while it ran (checked by the thread)
	Err             error         // Thread.Err after Join: nil for every way S18 ends a thread
	AliveAfterJoin  bool          // IsAlive after Join returned
	ListedAfterJoin bool          // Enumerate listed it after Join returned
}

// ThreadExitResult is what S18 leaves behind.
type ThreadExitResult struct {
	// Returner, Exiter and Stoppable are the three threads' ends.
	Returner, Exiter, Stoppable ThreadEnd
	// Events is every step, exit and clean-up, in the order they happened
	// ("exiter: step 0", "exiter: ExitThread", "exiter: cleanup", ...).
	Events []string
	// RegistryBefore lists Enumerate's names once the threads were
	// started; RegistryAfter once they were joined.
	RegistryBefore, RegistryAfter []string
	StopSetAt                     time.Duration // when main set the stop event
	JoinedAt                      time.Duration // when the last Join returned
}

// Check reports whether r keeps S18's invariant for cfg on any schedule of
// a model run, the one check the scenario's tests and property share:
// CheckEnds, and MainThread is listed before and alone after the joins.
func (r ThreadExitResult) Check(cfg ThreadExitConfig) error {
	if err := r.CheckEnds(cfg); err != nil {
		return err
	}
	if !slices.Equal(r.RegistryAfter, []string{"MainThread"}) || !slices.Contains(r.RegistryBefore, "MainThread") {
		return fmt.Errorf("registry before %v, after %v; want MainThread in both, alone after", r.RegistryBefore, r.RegistryAfter)
	}
	return nil
}

// CheckEnds reports whether r's three threads ended as S18 says, on any
// schedule and in real mode too (where the registry holds the process's
// other threads, which Check does not allow): each runs its deferred
// clean-up exactly once, as its last event, ends without an error, is
// listed by Enumerate while it runs and is neither alive nor listed once
// joined; the returner takes every step and returns; the exiter takes
// exactly ExitAfter steps and nothing after ExitThread runs; the stoppable
// thread stops only once the stop was set (no earlier than StopAfter), and
// the joins return after it.
func (r ThreadExitResult) CheckEnds(cfg ThreadExitConfig) error {
	for _, e := range []ThreadEnd{r.Returner, r.Exiter, r.Stoppable} {
		if !e.CleanedUp || e.Err != nil || !e.ListedWhileLive || e.AliveAfterJoin || e.ListedAfterJoin {
			return fmt.Errorf("%s ended as %+v; want cleaned up, no error, listed while live, neither alive nor listed after Join", e.Name, e)
		}
		var mine []string
		for _, ev := range r.Events {
			if name, what, _ := strings.Cut(ev, ": "); name == e.Name {
				mine = append(mine, what)
			}
		}
		var want []string
		switch e.Name {
		case "returner":
			want = append(stepEvents(cfg.Steps), "return", "cleanup")
		case "exiter":
			want = append(stepEvents(cfg.ExitAfter), "ExitThread", "cleanup")
		case "stoppable":
			want = append(stepEvents(e.Steps), "stop seen", "cleanup")
		default:
			return fmt.Errorf("a thread named %q; want returner, exiter and stoppable", e.Name)
		}
		if !slices.Equal(mine, want) {
			return fmt.Errorf("%s's events = %q; want %q (its clean-up once, last)", e.Name, mine, want)
		}
	}
	switch {
	case r.Returner.Name != "returner" || r.Exiter.Name != "exiter" || r.Stoppable.Name != "stoppable":
		return fmt.Errorf("threads %q, %q, %q; want returner, exiter, stoppable", r.Returner.Name, r.Exiter.Name, r.Stoppable.Name)
	case r.Returner.Steps != cfg.Steps || r.Returner.ExitThread:
		return fmt.Errorf("returner: %d steps, ExitThread %v; want %d, false", r.Returner.Steps, r.Returner.ExitThread, cfg.Steps)
	case r.Exiter.Steps != cfg.ExitAfter || !r.Exiter.ExitThread:
		return fmt.Errorf("exiter: %d steps, ExitThread %v; want %d, true", r.Exiter.Steps, r.Exiter.ExitThread, cfg.ExitAfter)
	case r.Stoppable.ExitThread:
		return fmt.Errorf("stoppable called ExitThread; want a return")
	case r.Stoppable.CleanedUpAt < r.StopSetAt || r.StopSetAt < cfg.StopAfter || r.JoinedAt < r.StopSetAt:
		return fmt.Errorf("stop set at %v, stoppable cleaned up at %v, joined at %v; want stop >= %v, clean-up and join after the stop",
			r.StopSetAt, r.Stoppable.CleanedUpAt, r.JoinedAt, cfg.StopAfter)
	}
	return nil
}

// stepEvents returns the events of n steps: "step 0" .. "step n-1".
func stepEvents(n int) []string {
	steps := []string{}
	for i := range n {
		steps = append(steps, "step "+strconv.Itoa(i))
	}
	return steps
}

// threadExitRun is one run of S18: its printout and the record the threads
// fill in.
type threadExitRun struct {
	p    *tprinter
	cfg  ThreadExitConfig
	stop primitives.Event // the cooperative stop

	mu     sync.Mutex // guards events and ends
	events []string
	ends   map[string]*ThreadEnd
}

func (r *threadExitRun) event(name, what string) {
	r.mu.Lock()
	r.events = append(r.events, name+": "+what)
	r.mu.Unlock()
	r.p.printf("%s: %s at: %s", name, what, r.p.stamp())
}

// update changes the record of the calling thread under mu.
func (r *threadExitRun) update(name string, f func(e *ThreadEnd)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.ends[name])
}

// begin is the common start of every S18 thread: it checks that the
// registry lists the thread and returns the deferred clean-up.
func (r *threadExitRun) begin() (name string, cleanup func()) {
	me := primitives.CurrentThread()
	name = me.Name()
	listed := slices.Contains(primitives.Enumerate(), me)
	r.update(name, func(e *ThreadEnd) { e.ListedWhileLive = listed })
	return name, func() {
		at := r.p.elapsed()
		r.update(name, func(e *ThreadEnd) { e.CleanedUp, e.CleanedUpAt = true, at })
		r.event(name, "cleanup")
	}
}

// step is one unit of a thread's work.
func (r *threadExitRun) step(name string, i int) {
	r.event(name, "step "+strconv.Itoa(i))
	r.update(name, func(e *ThreadEnd) { e.Steps++ })
	failpoints.Hit(failpoints.ScenarioStep, nil)
}

// returner ends by returning.
func (r *threadExitRun) returner() {
	name, cleanup := r.begin()
	defer cleanup()
	for i := range r.cfg.Steps {
		r.step(name, i)
		primitives.Sleep(r.cfg.StepTime)
	}
	r.event(name, "return")
}

// exiter ends in the middle, with ExitThread (Python's thread.exit()).
func (r *threadExitRun) exiter() {
	name, cleanup := r.begin()
	defer cleanup()
	for i := range r.cfg.Steps + 1 {
		if i == r.cfg.ExitAfter {
			r.update(name, func(e *ThreadEnd) { e.ExitThread = true })
			r.event(name, "ExitThread")
			primitives.ExitThread() // unwinds: cleanup runs, nothing below does
		}
		r.step(name, i)
		primitives.Sleep(r.cfg.StepTime)
	}
	r.event(name, "return") // unreachable: ExitAfter <= Steps
}

// stoppable works until asked to stop: the cooperative stop that Go (like
// Python) offers instead of killing a thread.
func (r *threadExitRun) stoppable() {
	name, cleanup := r.begin()
	defer cleanup()
	for i := 0; !r.stop.IsSet(); i++ {
		r.step(name, i)
		if r.stop.WaitTimeout(r.cfg.StepTime) { // a sleep that the stop cuts short
			break
		}
	}
	r.event(name, "stop seen")
}

// ThreadExit runs S18: a thread that returns, one that calls ExitThread in
// the middle, and one stopped cooperatively by an Event at cfg.StopAfter;
// main joins them all. It prints every step, exit and clean-up, and the
// registry before and after.
func ThreadExit(w io.Writer, cfg ThreadExitConfig) (ThreadExitResult, error) {
	if err := cfg.validate(); err != nil {
		return ThreadExitResult{}, err
	}
	r := &threadExitRun{p: newTprinter(w), cfg: cfg, ends: map[string]*ThreadEnd{}}
	threads := []*primitives.Thread{
		primitives.NewThread(r.returner, primitives.WithName("returner")),
		primitives.NewThread(r.exiter, primitives.WithName("exiter")),
		primitives.NewThread(r.stoppable, primitives.WithName("stoppable")),
	}
	for _, t := range threads {
		r.ends[t.Name()] = &ThreadEnd{Name: t.Name()}
	}
	r.p.printf("start at: %s", r.p.stamp())
	for _, t := range threads {
		t.Start()
	}
	var res ThreadExitResult
	res.RegistryBefore = threadNames(primitives.Enumerate())
	r.p.printf("threads: %v", res.RegistryBefore)

	primitives.Sleep(cfg.StopAfter)
	res.StopSetAt = r.p.elapsed()
	r.p.printf("main: stop at: %s", r.p.stamp())
	r.stop.Set()

	for _, t := range threads {
		t.Join()
		alive, listed := t.IsAlive(), slices.Contains(primitives.Enumerate(), t)
		r.update(t.Name(), func(e *ThreadEnd) {
			e.Err, e.AliveAfterJoin, e.ListedAfterJoin = t.Err(), alive, listed
		})
	}
	res.JoinedAt = r.p.elapsed()
	res.RegistryAfter = threadNames(primitives.Enumerate())
	r.p.printf("all joined at: %s; threads: %v", r.p.stamp(), res.RegistryAfter)

	r.mu.Lock()
	defer r.mu.Unlock()
	res.Events = r.events
	res.Returner, res.Exiter, res.Stoppable = *r.ends["returner"], *r.ends["exiter"], *r.ends["stoppable"]
	return res, nil
}
