package scenarios

// S13 daemon: the tutorial's "daemon threads" section ("a daemon thread is
// usually a server waiting for client requests; setting a thread as a
// daemon says it is unimportant, and the process need not wait for it to
// exit. Set the daemon flag before start(). New child threads inherit their
// parent's daemon flag. Python exits once no non-daemon thread is left").
// The tutorial shows no code; the port builds that process:
//
//   - Workers non-daemon workers; worker-i works (i+1)*Work and starts a
//     helper that inherits its non-daemon flag and works half a Work longer;
//   - Daemons daemon servers that serve requests from a queue forever; each
//     starts a heartbeat thread that inherits its daemon flag and beats every
//     Work/2 forever;
//   - main sends Requests requests, tries to make worker-0 a daemon after it
//     started (refused: ErrThreadState), and exits: it waits for every
//     non-daemon thread (as threading._shutdown does), notes the moment of
//     exit and what is still alive, then calls primitives.Shutdown.
//
// Exit waits for every non-daemon thread (including the helpers, which
// main never started itself) and for no daemon thread. The daemons are
// still alive at exit; they are unwound when the process ends, and their
// deferred clean-up records it. A daemon that never got to run before exit
// is neither finished nor unwound: its target never started.
//
// "Process exit" is the end of the model run under the explorer, and
// primitives.Shutdown in real mode. Go cannot kill a goroutine: a daemon
// unwinds at its next blocking point, failpoint or sleep, running its
// deferred calls, where Python's daemons die without clean-up. In a model
// run the daemons unwind when the run ends, after Daemon returned: read
// DaemonResult.Unwound once interleave.Run returned. In real mode Shutdown
// unwinds them (every daemon of the process, not only S13's) before Daemon
// returns.

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"

	"github.com/interleave-lab/interleave/primitives"
)

// DaemonConfig is the shape of S13.
type DaemonConfig struct {
	Workers  int           // non-daemon workers, each with a helper (>= 0)
	Daemons  int           // daemon servers, each with a heartbeat (>= 0)
	Work     time.Duration // worker-i works (i+1)*Work, its helper half a Work longer; heartbeats beat every Work/2 (> 0)
	Requests int           // requests main sends the servers (>= 0)
}

// DefaultDaemonConfig returns one worker of 2s (its helper: 3s), one server
// with a heartbeat every second, and two requests.
func DefaultDaemonConfig() DaemonConfig {
	return DaemonConfig{Workers: 1, Daemons: 1, Work: 2 * time.Second, Requests: 2}
}

func (c DaemonConfig) validate() error {
	switch {
	case c.Workers < 0:
		return paramError("Workers", c.Workers, "must be >= 0")
	case c.Daemons < 0:
		return paramError("Daemons", c.Daemons, "must be >= 0")
	case c.Work <= 0:
		return paramError("Work", c.Work, "must be > 0 (a heartbeat of Work/2 = 0 would spin)")
	case c.Work/2 <= 0:
		return paramError("Work", c.Work, "Work/2 must be > 0")
	case c.Requests < 0:
		return paramError("Requests", c.Requests, "must be >= 0")
	}
	return nil
}

// DaemonThread is one thread of S13.
type DaemonThread struct {
	Name    string
	Parent  string // the thread that created it
	Daemon  bool   // its daemon flag
	Inherit bool   // the flag was inherited from Parent, not given
}

// A DaemonEnd is how a thread of S13 ended: its target returned
// (Unwound false) or process exit unwound it (Unwound true: its deferred
// clean-up ran).
type DaemonEnd struct {
	Name    string
	Daemon  bool
	Unwound bool
	At      time.Duration
}

// DaemonResult is what S13 leaves behind.
type DaemonResult struct {
	Threads []DaemonThread // every thread, in creation order
	// SetDaemonErr is what setting worker-0's daemon flag after its start
	// panicked with (it wraps primitives.ErrThreadState); nil without
	// workers.
	SetDaemonErr error
	ExitAt       time.Duration // when exit had waited for every non-daemon thread
	// FinishedBeforeExit lists the threads that ended before exit, in the
	// order they ended; AliveAtExit the threads still alive at exit
	// (daemons only, since exit waits for the others).
	FinishedBeforeExit []string
	AliveAtExit        []string
	Served             int // requests served before exit

	ends *daemonLog // filled in as threads end, including after Daemon returned
}

// Ends returns how every thread that has ended so far ended, in order. Once
// the process exited (interleave.Run returned, or Daemon returned in real
// mode) it lists every thread.
func (r DaemonResult) Ends() []DaemonEnd {
	if r.ends == nil {
		return nil
	}
	r.ends.mu.Lock()
	defer r.ends.mu.Unlock()
	return slices.Clone(r.ends.ends)
}

// Unwound returns the names of the threads that process exit unwound, in
// the order their clean-up ran: only daemons, once the process exited.
func (r DaemonResult) Unwound() []string {
	var out []string
	for _, e := range r.Ends() {
		if e.Unwound {
			out = append(out, e.Name)
		}
	}
	return out
}

// Check reports whether r keeps S13's invariant for cfg on any schedule,
// the one check the scenario's tests and property share. Call it once the
// process exited (interleave.Run returned, or Daemon in real mode), when
// Ends lists every thread. Exit waited for every non-daemon thread (each
// worker-i and the worker-i-helper it started, which inherits its flag),
// no earlier than the last helper's work, and for no daemon (only daemons
// are alive at exit); the servers are daemons and nothing else is; the
// helpers and heartbeats inherited the flag of the worker or server that
// created them, and main created the others and gave them theirs; main created the workers, helpers and servers, and the servers
// up to one heartbeat each; setting worker-0's flag after its start was
// refused with primitives.ErrThreadState (exactly if there is a worker); at
// most Requests requests were served; and every thread ended at most once,
// unwound exactly if it is a daemon alive at exit, no earlier than exit.
func (r DaemonResult) Check(cfg DaemonConfig) error {
	daemon := map[string]bool{}
	for _, th := range r.Threads {
		daemon[th.Name] = th.Daemon
	}
	for _, th := range r.Threads {
		if want := strings.HasPrefix(th.Name, "server"); th.Daemon != want {
			return fmt.Errorf("thread %s: daemon %v; want %v", th.Name, th.Daemon, want)
		}
		// Main (MainThread in a model run, a Dummy-N in real mode) created
		// Threads[0] and every thread whose flag was given.
		// worker-i-helper and server-i-heartbeat are created by worker-i
		// and server-i.
		creator, helper := strings.CutSuffix(th.Name, "-helper")
		if !helper {
			creator, helper = strings.CutSuffix(th.Name, "-heartbeat")
		}
		if !helper {
			creator = r.Threads[0].Parent
		}
		if th.Inherit != helper || th.Parent != creator {
			return fmt.Errorf("thread %s (created by %s): inherited %v; want %v, created by %s",
				th.Name, th.Parent, th.Inherit, helper, creator)
		}
		if parent, ok := daemon[th.Parent]; th.Inherit && (!ok || parent != th.Daemon) {
			return fmt.Errorf("%s inherited daemon %v from %s; want its parent's flag", th.Name, th.Daemon, th.Parent)
		}
	}
	if n := len(r.Threads); n > 2*(cfg.Workers+cfg.Daemons) || n < 2*cfg.Workers+cfg.Daemons {
		return fmt.Errorf("%d threads; want %d workers and helpers, %d servers and up to as many heartbeats",
			n, 2*cfg.Workers, cfg.Daemons)
	}
	for name, d := range daemon {
		if !d && !slices.Contains(r.FinishedBeforeExit, name) {
			return fmt.Errorf("exit did not wait for non-daemon %s: finished before exit %v", name, r.FinishedBeforeExit)
		}
	}
	for i := range cfg.Workers {
		for _, name := range []string{fmt.Sprintf("worker-%d", i), fmt.Sprintf("worker-%d-helper", i)} {
			if !slices.Contains(r.FinishedBeforeExit, name) {
				return fmt.Errorf("exit did not wait for non-daemon %s: finished before exit %v", name, r.FinishedBeforeExit)
			}
		}
	}
	for _, name := range r.AliveAtExit {
		if !daemon[name] {
			return fmt.Errorf("%s alive at exit; want only daemons (alive %v)", name, r.AliveAtExit)
		}
	}
	if longest := time.Duration(cfg.Workers)*cfg.Work + cfg.Work/2; cfg.Workers > 0 && r.ExitAt < longest {
		return fmt.Errorf("exit at %v; want no earlier than the last helper's end, %v", r.ExitAt, longest)
	}
	if (cfg.Workers > 0) != errors.Is(r.SetDaemonErr, primitives.ErrThreadState) {
		return fmt.Errorf("SetDaemon after start = %v; want ErrThreadState iff there is a worker (%d)", r.SetDaemonErr, cfg.Workers)
	}
	if r.Served > cfg.Requests {
		return fmt.Errorf("served %d requests; want at most %d", r.Served, cfg.Requests)
	}
	ended := map[string]bool{}
	for _, e := range r.Ends() {
		if ended[e.Name] {
			return fmt.Errorf("%s ended twice", e.Name)
		}
		ended[e.Name] = true
		d, known := daemon[e.Name]
		alive := slices.Contains(r.AliveAtExit, e.Name)
		if !known || e.Daemon != d || e.Unwound != (e.Daemon && alive) || (e.Unwound && e.At < r.ExitAt) {
			return fmt.Errorf("end %+v: want a thread of the run, unwound exactly if a daemon alive at exit (%v), at or after exit (%v)",
				e, r.AliveAtExit, r.ExitAt)
		}
	}
	return nil
}

type daemonLog struct {
	mu   sync.Mutex
	ends []DaemonEnd
}

// daemonRun is one run of S13.
type daemonRun struct {
	p        *tprinter
	cfg      DaemonConfig
	requests *primitives.Queue[int]
	log      *daemonLog

	mu      sync.Mutex // guards threads, objs and served
	threads []DaemonThread
	objs    []*primitives.Thread // the threads of threads
	served  int
}

// Daemon runs S13: non-daemon workers (with inheriting helpers), daemon
// servers (with inheriting heartbeats), requests for the servers, a
// refused SetDaemon after start, and process exit. It prints each start,
// request, end and unwinding, and what exit waited for.
//
// In real mode it must be called from a goroutine that Thread did not
// start (process exit waits for every thread): otherwise it returns an
// error wrapping primitives.ErrThreadState.
func Daemon(w io.Writer, cfg DaemonConfig) (DaemonResult, error) {
	if err := cfg.validate(); err != nil {
		return DaemonResult{}, err
	}
	r := &daemonRun{p: newTprinter(w), cfg: cfg, requests: primitives.NewQueue[int](0), log: &daemonLog{}}
	res := DaemonResult{ends: r.log}
	r.p.printf("start at: %s", r.p.stamp())

	var workers []*primitives.Thread
	for i := range cfg.Workers {
		t := r.newThread(fmt.Sprintf("worker-%d", i), func() { r.worker(i) }, primitives.WithDaemon(false))
		workers = append(workers, t)
		t.Start()
	}
	for i := range cfg.Daemons {
		r.newThread(fmt.Sprintf("server-%d", i), func() { r.server(i) }, primitives.WithDaemon(true)).Start()
	}
	for i := range cfg.Requests {
		_ = r.requests.Put(i) // unbounded and never shut down: cannot fail
	}
	if len(workers) > 0 {
		res.SetDaemonErr = trySetDaemon(workers[0])
		outcome := "accepted"
		if errors.Is(res.SetDaemonErr, primitives.ErrThreadState) {
			outcome = "refused (ErrThreadState)"
		}
		r.p.printf("main: %s.SetDaemon(true) after start: %s", workers[0].Name(), outcome)
	}

	r.p.printf("main: exit at: %s: waiting for the non-daemon threads", r.p.stamp())
	r.joinNonDaemons()
	res.ExitAt = r.p.elapsed()
	r.mu.Lock()
	for _, t := range primitives.Enumerate() {
		if slices.Contains(r.objs, t) { // not the main thread, nor other threads of the process
			res.AliveAtExit = append(res.AliveAtExit, t.Name())
		}
	}
	r.mu.Unlock()
	for _, e := range res.Ends() {
		res.FinishedBeforeExit = append(res.FinishedBeforeExit, e.Name)
	}
	r.mu.Lock()
	res.Threads, res.Served = slices.Clone(r.threads), r.served
	r.mu.Unlock()
	r.p.printf("exit at: %s: finished %v; daemons left running %v", r.p.stamp(), res.FinishedBeforeExit, res.AliveAtExit)
	// The rest of exit: in a model run, Shutdown finds no non-daemon thread
	// left and the daemons unwind when the run ends; in real mode it
	// unwinds them now.
	if err := processExit(); err != nil {
		return res, err
	}
	return res, nil
}

// joinNonDaemons is the first half of process exit: join every non-daemon
// thread of S13, including those started meanwhile by the threads joined,
// until none is alive. It is what Shutdown does first; doing it here lets
// Daemon see the moment of exit, between that wait and the unwinding of
// the daemons.
func (r *daemonRun) joinNonDaemons() {
	for {
		var next *primitives.Thread
		r.mu.Lock()
		for _, t := range r.objs {
			if !t.Daemon() && t.IsAlive() {
				next = t
				break
			}
		}
		r.mu.Unlock()
		if next == nil {
			return
		}
		next.Join()
	}
}

// newThread creates a thread of S13 (not started) and records its flag:
// given by WithDaemon in opts, or else inherited from the creator.
func (r *daemonRun) newThread(name string, target func(), opts ...primitives.ThreadOption) *primitives.Thread {
	t := primitives.NewThread(func() { r.run(target) }, append(opts, primitives.WithName(name))...)
	r.mu.Lock()
	r.threads = append(r.threads, DaemonThread{
		Name: name, Parent: primitives.CurrentThread().Name(), Daemon: t.Daemon(), Inherit: len(opts) == 0,
	})
	r.objs = append(r.objs, t)
	r.mu.Unlock()
	return t
}

// run is every S13 thread's body: the target, and a deferred record of how
// it ended. A thread that process exit unwinds never reaches the end of
// target, so the deferred call knows it was unwound.
func (r *daemonRun) run(target func()) {
	me := primitives.CurrentThread()
	returned := false
	defer func() {
		e := DaemonEnd{Name: me.Name(), Daemon: me.Daemon(), Unwound: !returned, At: r.p.elapsed()}
		r.log.mu.Lock()
		r.log.ends = append(r.log.ends, e)
		r.log.mu.Unlock()
		if e.Unwound {
			r.p.printf("%s unwound at exit at: %s: clean-up ran", e.Name, r.p.stamp())
		}
	}()
	target()
	returned = true
	r.p.printf("%s done at: %s", me.Name(), r.p.stamp())
}

// worker is worker-i's target: start a helper, which inherits the
// non-daemon flag, and work.
func (r *daemonRun) worker(i int) {
	work := time.Duration(i+1) * r.cfg.Work
	r.newThread(fmt.Sprintf("worker-%d-helper", i), func() {
		primitives.Sleep(work + r.cfg.Work/2)
	}).Start()
	primitives.Sleep(work)
}

// server is server-i's target: start a heartbeat, which inherits the daemon
// flag, and serve requests forever (a daemon: nobody waits for it).
func (r *daemonRun) server(i int) {
	r.newThread(fmt.Sprintf("server-%d-heartbeat", i), r.heartbeat).Start()
	for {
		req, err := r.requests.Get()
		if err != nil {
			return // shut down: never, in S13
		}
		r.mu.Lock()
		r.served++
		r.mu.Unlock()
		r.p.printf("server-%d serves request %d at: %s", i, req, r.p.stamp())
		failpoints.Hit(failpoints.ScenarioStep, nil)
	}
}

// heartbeat beats every Work/2, forever.
func (r *daemonRun) heartbeat() {
	for {
		primitives.Sleep(r.cfg.Work / 2)
	}
}

// trySetDaemon sets t's daemon flag and returns what SetDaemon panicked
// with (ErrThreadState once t started).
func trySetDaemon(t *primitives.Thread) (err error) {
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(error)
			if !ok || !errors.Is(e, primitives.ErrThreadState) {
				panic(v)
			}
			err = e
		}
	}()
	t.SetDaemon(true)
	return nil
}

// processExit is process exit (primitives.Shutdown), with its misuse (a call
// from a started thread, in real mode) returned instead of panicking.
func processExit() (err error) {
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(error)
			if !ok || !errors.Is(e, primitives.ErrThreadState) {
				panic(v)
			}
			err = e
		}
	}()
	primitives.Shutdown()
	return nil
}
