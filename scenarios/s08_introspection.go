package scenarios

// S08 introspection: the threading module's functions that the tutorial
// lists after the flag downloads, without code:
//
//	active_count(): the number of live Thread objects
//	current_thread(): the calling thread's Thread object
//	enumerate(): the list of live Thread objects
//	settrace(func): set a trace function for every thread
//	setprofile(func): set a profile function for every thread
//
// The port exercises all five: it installs a trace and a profile hook,
// starts Threads threads that each note current_thread().name, report that
// they are ready and block on an Event, and takes a snapshot of
// active_count() and enumerate() after each start, once all are blocked,
// and after each join once the event released them. In Python 3.13 the
// equivalent program prints
//
//	current_thread: MainThread
//	start: active_count 1 ['MainThread']
//	started Thread-1 (worker): active_count 2 ['MainThread', 'Thread-1 (worker)']
//	...
//	all waiting: active_count 4 ['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']
//	joined Thread-1 (worker): active_count 3 ['MainThread', 'Thread-2 (worker)', 'Thread-3 (worker)']
//	...
//
// (after the release, which threads are still alive at each join depends
// on the schedule; the all-zero schedule lets each thread end only when the
// main thread joins it). The threads keep the automatic names of Python 3
// ("Thread-1 (worker)"); the tutorial printed nothing here to match.
//
// Differences from Python: a hook is a func(t *Thread, event string) that
// sees each thread's "call" before its target runs and "return" after it
// ended, not Python's frame-level events for every call and line. Python's
// settrace and setprofile are process-wide; primitives' are per model run
// in a model run (so tests running this scenario in parallel under the
// explorer do not see each other's hooks) and process-wide in real mode.
// Either way the scenario installs its hooks only while it starts its
// threads (a thread takes the hooks installed when it starts), passes
// events of threads that are not its own to the hooks it replaced, and
// puts those back before it starts waiting. In real mode active_count()
// and enumerate() count every thread of the process (other tests' threads
// too); Snapshot.Alive lists the scenario's own.

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/interleave-lab/interleave/primitives"
)

// IntrospectionConfig is the shape of S08.
type IntrospectionConfig struct {
	// Threads is how many threads block on the event. 1 to 100.
	Threads int
}

// DefaultIntrospectionConfig returns three threads.
func DefaultIntrospectionConfig() IntrospectionConfig { return IntrospectionConfig{Threads: 3} }

func (c IntrospectionConfig) validate() error {
	if c.Threads < 1 || c.Threads > 100 {
		return paramError("Threads", c.Threads, "must be between 1 and 100")
	}
	return nil
}

// IntrospectionSnapshot is what the main thread saw at one step.
type IntrospectionSnapshot struct {
	Step        string   // "start", "started Thread-1 (worker)", "all waiting", "joined Thread-1 (worker)"
	ActiveCount int      // active_count()
	Names       []string // the names of enumerate(), in its order
	Alive       []string // the scenario's threads that were alive (IsAlive), in start order, read just after Names
	Current     string   // current_thread().name in the main thread
}

// HookEvent is one call of a trace or profile hook.
type HookEvent struct {
	Thread string // the thread the hook ran in
	Event  string // "call", "return" (and "exception" for a trace hook if the target panicked)
}

// IntrospectionResult is what S08 leaves behind.
type IntrospectionResult struct {
	// Threads holds the names of the threads started, in start order.
	Threads []string
	// Snapshots holds the main thread's snapshots, in order: "start", one
	// "started" per thread, "all waiting", one "joined" per thread.
	Snapshots []IntrospectionSnapshot
	// Current holds what each thread saw as current_thread().name, in
	// start order.
	Current []string
	// Trace and Profile hold what the trace and profile hooks saw of the
	// scenario's threads, in the order the hooks ran.
	Trace, Profile []HookEvent
}

// introspectionDemo is one run of S08.
type introspectionDemo struct {
	w       io.Writer
	cond    *primitives.Condition // guards ready
	ready   int
	release primitives.Event
	ours    map[*primitives.Thread]int // the scenario's threads; read-only once they start
	current []string                   // current[k] written by thread k before it reports ready

	mu  sync.Mutex // guards res.Trace and res.Profile: the hooks run in the threads
	res IntrospectionResult
}

// Introspection runs S08: it installs a trace and a profile hook, starts
// cfg.Threads threads that block on an Event, snapshots active_count() and
// enumerate() after each start, once every thread is blocked, and after
// each join once the event was set, and prints the snapshots, what each
// thread saw as current_thread(), and the hooks' events.
//
// Introspection ports the tutorial's list of threading functions; see the
// file comment for how it differs.
func Introspection(w io.Writer, cfg IntrospectionConfig) (IntrospectionResult, error) {
	if err := cfg.validate(); err != nil {
		return IntrospectionResult{}, err
	}
	w = orDiscard(w)
	d := &introspectionDemo{
		w:       w,
		cond:    primitives.NewCondition(nil),
		ours:    make(map[*primitives.Thread]int, cfg.Threads),
		current: make([]string, cfg.Threads),
	}
	threads := make([]*primitives.Thread, cfg.Threads)
	for k := range threads {
		threads[k] = primitives.NewThread(d.worker)
		d.ours[threads[k]] = k
		d.res.Threads = append(d.res.Threads, threads[k].Name())
	}

	fmt.Fprintln(w, "current_thread:", primitives.CurrentThread().Name())
	d.snapshot("start", threads)
	prevTrace, prevProfile := primitives.GetTrace(), primitives.GetProfile()
	primitives.SetTrace(d.hook(&d.res.Trace, prevTrace))
	primitives.SetProfile(d.hook(&d.res.Profile, prevProfile))
	for _, t := range threads {
		t.Start()
		d.snapshot("started "+t.Name(), threads)
	}
	primitives.SetTrace(prevTrace)
	primitives.SetProfile(prevProfile)

	d.cond.Acquire()
	d.cond.WaitFor(func() bool { return d.ready == cfg.Threads })
	d.cond.Release()
	d.snapshot("all waiting", threads)
	d.release.Set()
	for _, t := range threads {
		t.Join()
		d.snapshot("joined "+t.Name(), threads)
	}
	for _, t := range threads {
		if err := t.Err(); err != nil {
			return d.res, err
		}
	}

	d.res.Current = d.current
	for k, name := range d.current {
		fmt.Fprintf(w, "%s saw current_thread: %s\n", d.res.Threads[k], name)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range d.res.Trace {
		fmt.Fprintf(w, "trace: %s %s\n", e.Thread, e.Event)
	}
	for _, e := range d.res.Profile {
		fmt.Fprintf(w, "profile: %s %s\n", e.Thread, e.Event)
	}
	return d.res, nil
}

// worker notes current_thread().name, reports that it is ready, and blocks
// until the main thread sets the event.
func (d *introspectionDemo) worker() {
	me := primitives.CurrentThread()
	d.current[d.ours[me]] = me.Name()
	d.cond.Acquire()
	d.ready++
	d.cond.NotifyAll()
	d.cond.Release()
	d.release.Wait()
}

// hook returns a hook that records the scenario's threads' events in
// *into and passes other threads' events to prev.
func (d *introspectionDemo) hook(into *[]HookEvent, prev primitives.TraceFunc) primitives.TraceFunc {
	return func(t *primitives.Thread, event string) {
		if _, ok := d.ours[t]; !ok {
			if prev != nil {
				prev(t, event)
			}
			return
		}
		d.mu.Lock()
		*into = append(*into, HookEvent{Thread: t.Name(), Event: event})
		d.mu.Unlock()
	}
}

// snapshot records and prints active_count() and enumerate() as the main
// thread sees them now.
func (d *introspectionDemo) snapshot(step string, threads []*primitives.Thread) {
	s := IntrospectionSnapshot{Step: step, ActiveCount: primitives.ActiveCount(), Current: primitives.CurrentThread().Name()}
	for _, t := range primitives.Enumerate() {
		s.Names = append(s.Names, t.Name())
	}
	for _, t := range threads {
		if t.IsAlive() {
			s.Alive = append(s.Alive, t.Name())
		}
	}
	d.res.Snapshots = append(d.res.Snapshots, s)
	fmt.Fprintf(d.w, "%s: active_count %d %s\n", step, s.ActiveCount, pyList(s.Names))
}

// pyList formats names as Python prints a list of strings.
func pyList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "'" + n + "'"
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// Check checks S08's invariants on a model run's result for cfg: the
// result has cfg.Threads threads and 2·Threads+2 snapshots; in every
// snapshot current_thread() is MainThread, enumerate() lists MainThread
// and then exactly the threads alive, in start order, and active_count()
// is its length; the threads alive are none, then the 1..n started, then
// all n (every one waits for the release), and after joining thread j
// only threads after j (never j); each thread saw itself as
// current_thread(); and the trace and profile hooks each saw exactly one
// "call" then one "return" of every thread, 2·n events in all.
func (r IntrospectionResult) Check(cfg IntrospectionConfig) error {
	n := cfg.Threads
	if len(r.Threads) != n || len(r.Snapshots) != 2*n+2 {
		return fmt.Errorf("got %d threads, %d snapshots; want %d, %d", len(r.Threads), len(r.Snapshots), n, 2*n+2)
	}
	for k, s := range r.Snapshots {
		want := append([]string{"MainThread"}, s.Alive...)
		if s.Current != "MainThread" || s.ActiveCount != len(want) || !slices.Equal(s.Names, want) {
			return fmt.Errorf("snapshot %d (%s): got current %q, active_count %d, enumerate %q with alive %q; want MainThread, %d, %q",
				k, s.Step, s.Current, s.ActiveCount, s.Names, s.Alive, len(want), want)
		}
		switch {
		case k <= n:
			if !slices.Equal(s.Alive, r.Threads[:k]) {
				return fmt.Errorf("snapshot %q: got alive %q; want %q", s.Step, s.Alive, r.Threads[:k])
			}
		case k == n+1:
			if !slices.Equal(s.Alive, r.Threads) {
				return fmt.Errorf("snapshot %q (all waiting): got alive %q; want every thread %q", s.Step, s.Alive, r.Threads)
			}
		default:
			j := k - n - 2
			if s.Step != "joined "+r.Threads[j] {
				return fmt.Errorf("snapshot %d: got step %q; want %q", k, s.Step, "joined "+r.Threads[j])
			}
			for _, a := range s.Alive {
				if !slices.Contains(r.Threads[j+1:], a) {
					return fmt.Errorf("snapshot %q: got %s alive; want only threads not joined yet", s.Step, a)
				}
			}
		}
	}
	if !slices.Equal(r.Current, r.Threads) {
		return fmt.Errorf("got current_thread() in the threads %q; want %q", r.Current, r.Threads)
	}
	for _, h := range []struct {
		name   string
		events []HookEvent
	}{{"trace", r.Trace}, {"profile", r.Profile}} {
		seen := map[string][]string{}
		for _, e := range h.events {
			seen[e.Thread] = append(seen[e.Thread], e.Event)
		}
		if len(h.events) != 2*n {
			return fmt.Errorf("%s hook: got %d events %v; want %d", h.name, len(h.events), h.events, 2*n)
		}
		for _, name := range r.Threads {
			if got := seen[name]; !slices.Equal(got, []string{"call", "return"}) {
				return fmt.Errorf("%s hook: got events %v of %s; want [call return]", h.name, got, name)
			}
		}
	}
	return nil
}
