package primitives_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/internal/bounded"
	"github.com/interleave-lab/interleave/primitives"
	"pgregory.net/rapid"
)

// Ports of CPython 3.13's Lib/test/test_threading.py (ThreadTests,
// ThreadJoinOnShutdown, ThreadingExceptionTests, ExceptHookTests), plus the
// contract's Go-specific promises (Err, ExitThread, idents, Observe).

func hTarget() {}

type hRunner struct{}

func (hRunner) Run() {}

func hGeneric[T any]() {}

func TestThread_test_name(t *testing.T) {
	hModel(t, func(e *hEnv) {
		nested := func() func() { return func() {} }()
		cases := []struct {
			th   *primitives.Thread
			want string
		}{
			{primitives.NewThread(nil, primitives.WithName("myname1")), "myname1"},
			{primitives.NewThread(hTarget, primitives.WithName("myname2")), "myname2"},
			{primitives.NewThread(nil, primitives.WithName("")), "Thread-1"},
			{primitives.NewThread(nil), "Thread-2"},
			{primitives.NewThread(hTarget), "Thread-3 (hTarget)"},
			{primitives.NewThread(func() {}), "Thread-4 (<lambda>)"},
			{primitives.NewThread(nested), "Thread-5 (<lambda>)"},
			{primitives.NewThread(hRunner{}.Run), "Thread-6 (Run)"},
			{primitives.NewThread(hGeneric[int]), "Thread-7 (hGeneric)"},
			{primitives.NewThread(runtime.Gosched), "Thread-8 (Gosched)"},
		}
		for i, c := range cases {
			if got := c.th.Name(); got != c.want {
				e.Errorf("case %d: Name() = %q; want %q", i, got, c.want)
			}
		}
		th := cases[0].th
		th.SetName("renamed")
		if got := th.Name(); got != "renamed" {
			e.Errorf("after SetName: Name() = %q; want %q", got, "renamed")
		}
	})
}

func TestThread_test_various_ops(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		const numTasks = 10
		sema := primitives.NewBoundedSemaphore(3) // no more than 3 of the 10 can run at once
		var mutex primitives.RLock
		numrunning := 0 // guarded by mutex
		initial := regexp.MustCompile(`^<Thread\(<thread \d>, initial( daemon)?\)>$`)
		stopped := regexp.MustCompile(`^<Thread\(<thread \d>, stopped( daemon)? \d+\)>$`)
		threads := make([]*primitives.Thread, numTasks)
		for i := range threads {
			th := primitives.NewThread(func() {
				sema.Acquire()
				defer sema.Release()
				mutex.Acquire()
				numrunning++
				if numrunning > 3 {
					e.Errorf("%d tasks running; want <= 3", numrunning)
				}
				mutex.Release()
				if e.model {
					primitives.Sleep(time.Duration(i%4) * time.Millisecond)
				} else {
					runtime.Gosched()
				}
				mutex.Acquire()
				numrunning--
				if numrunning < 0 {
					e.Errorf("%d tasks running; want >= 0", numrunning)
				}
				mutex.Release()
			}, primitives.WithName(fmt.Sprintf("<thread %d>", i)))
			threads[i] = th
			if id := th.Ident(); id != 0 {
				e.Errorf("Ident() before Start = %d; want 0", id)
			}
			if s := th.String(); !initial.MatchString(s) {
				e.Errorf("String() before Start = %q; want it to match %v", s, initial)
			}
			th.Start()
		}
		idents := map[uint64]bool{primitives.CurrentThread().Ident(): true}
		for _, th := range threads {
			e.Join(th)
			if th.IsAlive() {
				e.Errorf("%v: IsAlive() after Join = true", th)
			}
			if th.Ident() == 0 {
				e.Errorf("%v: Ident() = 0 after Start", th)
			}
			if s := th.String(); !stopped.MatchString(s) {
				e.Errorf("String() after Join = %q; want it to match %v", s, stopped)
			}
			idents[th.Ident()] = true
		}
		if len(idents) != numTasks+1 {
			e.Errorf("%d distinct idents among %d threads and the current one; want all distinct", len(idents), numTasks)
		}
		if numrunning != 0 {
			e.Errorf("numrunning = %d at the end; want 0", numrunning)
		}
	})
}

func TestThread_test_ident_of_no_threading_threads(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		if primitives.CurrentThread().Ident() == 0 {
			e.Errorf("CurrentThread().Ident() = 0; want non-zero")
		}
		var done primitives.Event
		var ident atomic.Uint64
		var self atomic.Pointer[primitives.Thread]
		tid := primitives.StartNewThread(func() {
			self.Store(primitives.CurrentThread())
			ident.Store(primitives.CurrentThread().Ident())
			done.Set()
		})
		if !done.WaitTimeout(e.deadline()) {
			e.Fatalf("the StartNewThread thread never ran")
		}
		if got := ident.Load(); got != tid {
			e.Errorf("the thread's ident = %d; StartNewThread returned %d", got, tid)
		}
		// threading_helper.wait_threads_exit polls the thread count: the
		// thread is a dummy thread to threading, which cannot be joined.
		e.WaitUntil("the StartNewThread thread ended", func() bool { return !self.Load().IsAlive() })
	})
}

func TestThread_test_join_with_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		lock := primitives.AllocateLock()
		lock.Acquire()
		th := e.Start(func() { lock.Acquire() })
		start := sched.Now()
		if th.JoinTimeout(e.Dur(10 * time.Millisecond)) {
			e.Errorf("JoinTimeout of a blocked thread = true; want false")
		}
		if el := sched.Now().Sub(start); e.model && el != 10*time.Millisecond {
			e.Errorf("JoinTimeout(10ms) took %v of virtual time; want exactly 10ms", el)
		}
		if !th.IsAlive() {
			e.Errorf("IsAlive() after a timed-out join = false; want true")
		}
		lock.Release()
		e.Join(th)
		if th.IsAlive() {
			e.Errorf("IsAlive() after Join = true; want false")
		}
	})
}

func TestThread_JoinTimeout_virtualTime(t *testing.T) {
	hModel(t, func(e *hEnv) {
		th := e.Start(func() { primitives.Sleep(5 * time.Second) })
		start := sched.Now()
		for _, d := range []time.Duration{-time.Second, 0} {
			if th.JoinTimeout(d) {
				e.Errorf("JoinTimeout(%v) = true; want false", d)
			}
		}
		if th.JoinTimeout(2 * time.Second) {
			e.Errorf("JoinTimeout(2s) = true at %v; want false", sched.Now().Sub(start))
		}
		if el := sched.Now().Sub(start); el != 2*time.Second {
			e.Errorf("after JoinTimeout(2s): %v elapsed; want 2s", el)
		}
		if !th.JoinTimeout(10 * time.Second) {
			e.Errorf("JoinTimeout(10s) = false; want true")
		}
		if el := sched.Now().Sub(start); el != 5*time.Second {
			e.Errorf("JoinTimeout returned at %v; want at 5s, when the thread ended", el)
		}
		if !th.JoinTimeout(0) {
			e.Errorf("JoinTimeout(0) of an ended thread = false; want true")
		}
	})
}

func TestThread_test_join_from_multiple_threads(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		for n := 2; n < 20; n++ {
			var release primitives.Event
			worker := e.Start(func() { release.WaitTimeout(e.deadline()) })
			joiners := make([]*primitives.Thread, n)
			for i := range joiners {
				joiners[i] = e.Start(worker.Join)
			}
			e.WaitUntil("every joiner parked", func() bool { return worker.Observe().Waiters == n })
			release.Set()
			e.Join(worker)
			for _, j := range joiners {
				e.Join(j) // fails on a joiner's panic, Python's errors list
			}
		}
	})
}

func TestThread_test_enumerate_after_join(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		for i := range 100 {
			th := e.Start(func() {})
			e.Join(th)
			if slices.Contains(primitives.Enumerate(), th) {
				e.Fatalf("trial %d: %v still listed by Enumerate after Join", i, th)
			}
		}
	})
}

// hSelfRef is CPython's RunSelfFunction: an object whose thread's target
// refers back to it.
type hSelfRef struct {
	thread      *primitives.Thread
	shouldRaise bool
}

func hStartSelfRef(shouldRaise bool) (weak.Pointer[hSelfRef], *primitives.Thread) {
	o := &hSelfRef{shouldRaise: shouldRaise}
	o.thread = primitives.NewThread(func() {
		if o.shouldRaise {
			primitives.ExitThread() // Python raises SystemExit
		}
	})
	o.thread.Start()
	return weak.Make(o), o.thread
}

func TestThread_test_no_refcycle_through_target(t *testing.T) {
	for _, shouldRaise := range []bool{false, true} {
		wp, th := hStartSelfRef(shouldRaise)
		if !th.JoinTimeout(hRealDeadline()) {
			bounded.Overran()
			t.Fatalf("%v did not end", th)
		}
		deadline := time.Now().Add(hRealDeadline())
		for wp.Value() != nil {
			if time.Now().After(deadline) {
				t.Fatalf("shouldRaise=%v: the target's object is still referenced after Join", shouldRaise)
			}
			runtime.GC()
		}
	}
}

func TestThread_test_main_thread(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		main := primitives.MainThread()
		if main.Name() != "MainThread" {
			e.Errorf("MainThread().Name() = %q; want MainThread", main.Name())
		}
		if primitives.MainThread() != main {
			e.Errorf("MainThread() returned two different objects")
		}
		if !main.IsAlive() || main.Daemon() || main.Ident() == 0 {
			e.Errorf("MainThread: IsAlive %v, Daemon %v, Ident %d; want true, false, non-zero",
				main.IsAlive(), main.Daemon(), main.Ident())
		}
		if !slices.Contains(primitives.Enumerate(), main) {
			e.Errorf("Enumerate() = %v lacks the main thread", primitives.Enumerate())
		}
		// In a model run the body is the main thread; a real-mode test runs
		// in a goroutine of its own, a dummy thread.
		if isMain := primitives.CurrentThread() == main; isMain != e.model {
			e.Errorf("CurrentThread() == MainThread() is %v; want %v", isMain, e.model)
		}
		var same atomic.Bool
		e.Join(e.Start(func() {
			same.Store(primitives.MainThread().Ident() == primitives.CurrentThread().Ident())
		}))
		if same.Load() {
			e.Errorf("in a thread, MainThread().Ident() == CurrentThread().Ident()")
		}
	})
}

func TestThread_test_daemon_param(t *testing.T) {
	hModel(t, func(e *hEnv) {
		if primitives.NewThread(nil).Daemon() {
			e.Errorf("NewThread(nil).Daemon() = true in the main thread; want false")
		}
		if primitives.NewThread(nil, primitives.WithDaemon(false)).Daemon() {
			e.Errorf("WithDaemon(false): Daemon() = true")
		}
		if !primitives.NewThread(nil, primitives.WithDaemon(true)).Daemon() {
			e.Errorf("WithDaemon(true): Daemon() = false")
		}
	})
}

func TestThread_test_repr_daemon(t *testing.T) {
	hModel(t, func(e *hEnv) {
		th := primitives.NewThread(nil)
		if s := th.String(); strings.Contains(s, "daemon") {
			e.Errorf("String() = %q; want no daemon", s)
		}
		th.SetDaemon(true)
		if s := th.String(); !strings.Contains(s, "daemon") {
			e.Errorf("String() after SetDaemon(true) = %q; want daemon", s)
		}
	})
}

func TestThread_daemonInherited(t *testing.T) {
	hModel(t, func(e *hEnv) {
		var child, explicit atomic.Bool
		if th := e.Start(nil); th.Daemon() {
			e.Errorf("a thread of the model run's main thread is a daemon")
		}
		d := e.Start(func() {
			child.Store(primitives.NewThread(nil).Daemon())
			explicit.Store(primitives.NewThread(nil, primitives.WithDaemon(false)).Daemon())
		}, primitives.WithDaemon(true))
		e.Join(d)
		if !child.Load() {
			e.Errorf("a daemon thread's child is not a daemon")
		}
		if explicit.Load() {
			e.Errorf("WithDaemon(false) in a daemon thread gave a daemon")
		}
	})
	// A plain goroutine is a dummy thread, which is a daemon.
	if !primitives.NewThread(nil).Daemon() {
		t.Errorf("a thread created by a plain goroutine is not a daemon")
	}
}

func TestThread_test_start_thread_again(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		th := primitives.NewThread(nil)
		th.Start()
		hPanicErr(e.t, "second Start", primitives.ErrThreadState, th.Start)
		e.Join(th)
		hPanicErr(e.t, "Start after the thread ended", primitives.ErrThreadState, th.Start)
		hPanicErr(e.t, "Start of the main thread", primitives.ErrThreadState, primitives.MainThread().Start)
	})
}

func TestThread_test_joining_current_thread(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		hPanicErr(e.t, "CurrentThread().Join", primitives.ErrThreadState, primitives.CurrentThread().Join)
		var got atomic.Value
		var self *primitives.Thread
		ready := make(chan struct{})
		self = e.Start(func() {
			<-ready
			got.Store(hRecover(self.Join))
		})
		close(ready)
		e.Join(self)
		if err, _ := got.Load().(error); !errors.Is(err, primitives.ErrThreadState) {
			e.Errorf("a thread joining itself: recovered %v; want ErrThreadState", got.Load())
		}
	})
}

func TestThread_test_joining_inactive_thread(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		th := primitives.NewThread(nil)
		hPanicErr(e.t, "Join before Start", primitives.ErrThreadState, th.Join)
		hPanicErr(e.t, "JoinTimeout before Start", primitives.ErrThreadState, func() { th.JoinTimeout(time.Second) })
	})
}

func TestThread_test_daemonize_active_thread(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		th := primitives.NewThread(nil)
		th.Start()
		hPanicErr(e.t, "SetDaemon after Start", primitives.ErrThreadState, func() { th.SetDaemon(true) })
		e.Join(th)
		hPanicErr(e.t, "SetDaemon after the end", primitives.ErrThreadState, func() { th.SetDaemon(false) })
	})
}

func TestThread_NewThreadNil(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		th := primitives.NewThread(nil)
		th.Start()
		// A target that ends at once may already be over when Start
		// returns (in Python too): IsAlive promises only "from Start
		// until the target ends", so it is not checked here.
		e.Join(th)
		if th.IsAlive() || th.Err() != nil {
			e.Errorf("after Join: IsAlive %v, Err %v; want false, nil", th.IsAlive(), th.Err())
		}
	})
}

// TestThread_IsAliveUntilTargetEnds: a thread whose target has not ended
// is alive right after Start (the target here cannot end before the
// event is set), and not alive once Join returned.
func TestThread_IsAliveUntilTargetEnds(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var ev primitives.Event
		th := primitives.NewThread(ev.Wait)
		if th.IsAlive() {
			e.Errorf("IsAlive() before Start = true; want false")
		}
		th.Start()
		if !th.IsAlive() {
			e.Errorf("IsAlive() after Start, target blocked = false; want true")
		}
		ev.Set()
		e.Join(th)
		if th.IsAlive() {
			e.Errorf("IsAlive() after Join = true; want false")
		}
	})
}

// hErrBody makes threads end in each possible way and checks Err.
func hErrBody(e *hEnv) {
	h := hSilence(e.t)
	boom := errors.New("boom")
	var deferred, after atomic.Int32
	threads := map[string]*primitives.Thread{
		"error": e.Start(func() { panic(boom) }),
		"string": e.Start(func() {
			panic("a string value")
		}),
		"int": e.Start(func() { panic(42) }),
		"runtime": e.Start(func() {
			var s []int
			_ = s[len(s)] // index out of range: a runtime.Error
		}),
		"exit": e.Start(func() {
			defer deferred.Add(1)
			func() {
				defer deferred.Add(1)
				primitives.ExitThread()
			}()
			after.Add(1)
		}),
		"return": e.Start(func() {}),
	}
	for _, th := range threads {
		if !th.JoinTimeout(e.deadline()) {
			e.Fatalf("%v did not end", th)
		}
	}
	check := func(kind string, ok bool) {
		if !ok {
			e.Errorf("%s: Err() = %v", kind, threads[kind].Err())
		}
	}
	check("error", errors.Is(threads["error"].Err(), boom))
	check("string", threads["string"].Err() != nil && strings.Contains(threads["string"].Err().Error(), "a string value"))
	check("int", threads["int"].Err() != nil && strings.Contains(threads["int"].Err().Error(), "42"))
	var rerr runtime.Error
	check("runtime", errors.As(threads["runtime"].Err(), &rerr))
	check("exit", threads["exit"].Err() == nil)
	check("return", threads["return"].Err() == nil)
	var pe *primitives.PanicError
	if !errors.As(threads["error"].Err(), &pe) || pe.Value != boom || pe.Thread != threads["error"].Name() ||
		!bytes.Contains(pe.Stack, []byte("thread_test.go")) {
		e.Errorf("Err() = %#v; want a *PanicError with the value, the thread's name and the stack", threads["error"].Err())
	}
	if deferred.Load() != 2 || after.Load() != 0 {
		e.Errorf("ExitThread: %d deferred calls ran, code after it ran %d times; want 2 and 0", deferred.Load(), after.Load())
	}
	calls := h.get()
	if len(calls) != 4 {
		e.Errorf("ExceptHook called %d times; want 4 (not for ExitThread or return)", len(calls))
	}
	for _, c := range calls {
		if c.Thread.Err() != c.Err || c.Value == nil || len(c.Stack) == 0 {
			e.Errorf("ExceptHook args %+v do not match the thread's Err %v", c, c.Thread.Err())
		}
	}
}

func TestThread_Err(t *testing.T) {
	t.Run("model", func(t *testing.T) { hModel(t, hErrBody, interleave.ExpectPanics()) })
	t.Run("real", func(t *testing.T) { hReal(t, hErrBody) })
}

func TestThread_panicFailsModelRun(t *testing.T) {
	hSilence(t)
	boom := errors.New("boom")
	_, err := interleave.Run(func() {
		th := primitives.NewThread(func() { panic(boom) }, primitives.WithName("bad"))
		th.Start()
		th.Join()
	})
	if !errors.Is(err, interleave.ErrThreadPanic) || !errors.Is(err, boom) || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("Run err = %v; want ErrThreadPanic wrapping boom, naming the thread", err)
	}
}

func TestThread_test_excepthook(t *testing.T) {
	var buf bytes.Buffer
	defer primitives.SetExceptHookOutput(&buf)()
	old := primitives.ExceptHook
	primitives.ExceptHook = primitives.DefaultExceptHook
	defer func() { primitives.ExceptHook = old }()

	th := primitives.NewThread(func() { panic(errors.New("run failed")) }, primitives.WithName("excepthook thread"))
	th.Start()
	if !th.JoinTimeout(hRealDeadline()) {
		bounded.Overran()
		t.Fatalf("thread did not end")
	}
	out := buf.String()
	for _, want := range []string{"Exception in thread excepthook thread:\n", "panic: run failed", "thread_test.go"} {
		if !strings.Contains(out, want) {
			t.Errorf("DefaultExceptHook output lacks %q:\n%s", want, out)
		}
	}
}

// TestDefaultExceptHookSilentInModelRun: inside a model run a thread's
// panic is a step of the trace and the run's failure, so DefaultExceptHook
// prints nothing; a property that finds the panic and shrinks it would
// otherwise print one dump per schedule tried. The failing report carries
// the schedule once and no unlabelled "[rapid] draw #N" lines.
func TestDefaultExceptHookSilentInModelRun(t *testing.T) {
	var buf bytes.Buffer
	defer primitives.SetExceptHookOutput(&buf)()
	old := primitives.ExceptHook
	primitives.ExceptHook = primitives.DefaultExceptHook
	defer func() { primitives.ExceptHook = old }()

	runs := 0
	res := interleave.Hunt(t, func(rt *rapid.T) {
		runs++
		interleave.Explore(rt, func() {
			x := 0
			th := primitives.NewThread(func() {
				x++
				failpoints.Hit(failpoints.ScenarioReadWrite, nil)
				if x == 1 { // the main thread was preempted before its x++
					panic("boom")
				}
			}, primitives.WithName("panicker"))
			th.Start()
			failpoints.Hit(failpoints.ScenarioReadWrite, nil)
			x++
			th.Join()
		})
	})
	if !res.Found || !strings.Contains(res.Message, "boom") {
		t.Fatalf("Hunt found = %v, message %q; want the thread's panic", res.Found, res.Message)
	}
	if !strings.Contains(res.Log, "panicker") || !strings.Contains(res.Log, "panics: boom") {
		t.Errorf("the failing run's log lacks the trace's panic step:\n%s", res.Log)
	}
	if runs < 2 {
		t.Fatalf("Hunt ran %d schedules; the test needs a failure after a success, then shrinking", runs)
	}
	if buf.Len() != 0 {
		t.Errorf("DefaultExceptHook printed inside model runs (%d runs):\n%s", runs, buf.String())
	}
	if strings.Contains(res.Log, "[rapid] draw #") || strings.Count(res.Log, "[rapid] draw schedule:") != 1 {
		t.Errorf("log wants one labelled schedule draw and no unlabelled draws:\n%s", res.Log)
	}
}

func TestThread_test_system_exit(t *testing.T) {
	var buf bytes.Buffer
	defer primitives.SetExceptHookOutput(&buf)()
	th := primitives.NewThread(primitives.ExitThread)
	th.Start()
	if !th.JoinTimeout(hRealDeadline()) {
		bounded.Overran()
		t.Fatalf("thread did not end")
	}
	if buf.Len() != 0 || th.Err() != nil {
		t.Errorf("ExitThread: output %q, Err %v; want nothing", buf.String(), th.Err())
	}
}

func TestThread_test_custom_excepthook(t *testing.T) {
	h := hSilence(t)
	runFailed := errors.New("run failed")
	th := primitives.NewThread(func() { panic(runFailed) })
	th.Start()
	if !th.JoinTimeout(hRealDeadline()) {
		bounded.Overran()
		t.Fatalf("thread did not end")
	}
	calls := h.get()
	if len(calls) != 1 {
		t.Fatalf("ExceptHook called %d times; want 1", len(calls))
	}
	a := calls[0]
	if a.Thread != th || a.Value != runFailed || !errors.Is(a.Err, runFailed) || !bytes.Contains(a.Stack, []byte("thread_test.go")) {
		t.Errorf("ExceptHook args = %+v; want the thread, its panic value, its Err and the stack", a)
	}
}

func TestThread_test_custom_excepthook_fail(t *testing.T) {
	var buf bytes.Buffer
	defer primitives.SetExceptHookOutput(&buf)()
	old := primitives.ExceptHook
	primitives.ExceptHook = func(primitives.ExceptHookArgs) { panic("threading_hook failed") }
	defer func() { primitives.ExceptHook = old }()

	th := primitives.NewThread(func() { panic("run failed") })
	th.Start()
	if !th.JoinTimeout(hRealDeadline()) {
		bounded.Overran()
		t.Fatalf("thread did not end")
	}
	out := buf.String()
	if !strings.HasPrefix(out, "Exception in ExceptHook:\n") || !strings.Contains(out, "threading_hook failed") {
		t.Errorf("output = %q; want the hook's own panic reported", out)
	}
	if th.Err() == nil || !strings.Contains(th.Err().Error(), "run failed") {
		t.Errorf("Err() = %v; want the target's panic", th.Err())
	}
}

func TestThread_test_1_join_on_shutdown(t *testing.T) {
	var out hList[string]
	hModel(t, func(e *hEnv) {
		main := primitives.CurrentThread()
		e.Start(func() {
			main.Join() // waits for the main program to terminate
			out.Append("end of thread")
		})
		primitives.Sleep(100 * time.Millisecond)
		out.Append("end of main")
		primitives.Shutdown()
	})
	if got := out.String(); got != "[end of main end of thread]" {
		t.Errorf("output = %s; want [end of main end of thread]", got)
	}
}

func TestThread_test_thread_from_thread(t *testing.T) {
	var out hList[string]
	hModel(t, func(e *hEnv) {
		e.Start(func() {
			primitives.Sleep(50 * time.Millisecond)
			primitives.NewThread(func() {
				primitives.Sleep(50 * time.Millisecond)
				out.Append("OK")
			}).Start()
		})
		// No join: the run's exit waits for non-daemon threads.
	})
	if got := out.String(); got != "[OK]" {
		t.Errorf("output = %s; want [OK]", got)
	}
}

func TestThread_test_4_daemon_threads(t *testing.T) {
	const count = 40
	var hasRun, unwound atomic.Int32
	var threads []*primitives.Thread
	hModel(t, func(e *hEnv) {
		for i := range count {
			threads = append(threads, e.Start(func() {
				defer unwound.Add(1)
				first := true
				for {
					primitives.Sleep(time.Duration(1+i%7) * time.Millisecond)
					if first {
						hasRun.Add(1)
						first = false
					}
				}
			}, primitives.WithDaemon(true)))
		}
		e.WaitUntil("every daemon ran", func() bool { return hasRun.Load() == count })
		// Returning is process exit: the daemons are abandoned (unwound).
	})
	if unwound.Load() != count {
		t.Errorf("%d daemon threads ran their deferred calls at exit; want %d", unwound.Load(), count)
	}
	for _, th := range threads {
		if th.IsAlive() || th.Err() != nil {
			t.Fatalf("%v after the run: IsAlive %v, Err %v; want false, nil", th, th.IsAlive(), th.Err())
		}
	}
}

func TestThread_daemonBlockedInJoinUnwinds(t *testing.T) {
	var unwound atomic.Int32
	hModel(t, func(e *hEnv) {
		var never primitives.Event
		d := e.Start(func() {
			defer unwound.Add(1)
			never.Wait()
		}, primitives.WithDaemon(true))
		e.Start(func() {
			defer unwound.Add(1)
			d.Join()
		}, primitives.WithDaemon(true))
		primitives.Sleep(time.Second)
	})
	if unwound.Load() != 2 {
		t.Errorf("%d daemon threads unwound; want 2", unwound.Load())
	}
}

func TestShutdown_real(t *testing.T) {
	var ev, never primitives.Event
	var nonDaemonDone, joinerDone, daemonUnwound atomic.Bool
	n := primitives.NewThread(func() {
		ev.WaitTimeout(hRealDeadline())
		nonDaemonDone.Store(true)
	}, primitives.WithDaemon(false))
	j := primitives.NewThread(func() {
		primitives.MainThread().Join()
		joinerDone.Store(true)
	}, primitives.WithDaemon(false))
	d := primitives.NewThread(func() {
		defer daemonUnwound.Store(true)
		ev.Set()
		never.Wait()
	}, primitives.WithDaemon(true))
	for _, th := range []*primitives.Thread{n, j, d} {
		th.Start()
	}
	shut := make(chan struct{})
	go func() { defer close(shut); primitives.Shutdown() }()
	select {
	case <-shut:
	case <-time.After(hRealDeadline()):
		bounded.Overran()
		t.Fatalf("Shutdown did not return: n %v, j %v, d %v", n, j, d)
	}
	if !nonDaemonDone.Load() || !joinerDone.Load() || !daemonUnwound.Load() {
		t.Errorf("after Shutdown: non-daemon done %v, main joiner done %v, daemon unwound %v; want all true",
			nonDaemonDone.Load(), joinerDone.Load(), daemonUnwound.Load())
	}
	for _, th := range []*primitives.Thread{n, j, d} {
		if th.IsAlive() || th.Err() != nil {
			t.Errorf("%v after Shutdown: IsAlive %v, Err %v; want false, nil", th, th.IsAlive(), th.Err())
		}
	}
	if !primitives.MainThread().IsAlive() {
		t.Errorf("MainThread().IsAlive() = false after Shutdown; want true")
	}

	// Shutdown from a thread it would wait for is refused.
	var got atomic.Value
	th := primitives.NewThread(func() { got.Store(hRecover(primitives.Shutdown)) })
	th.Start()
	if !th.JoinTimeout(hRealDeadline()) {
		bounded.Overran()
		t.Fatalf("thread did not end")
	}
	if err, _ := got.Load().(error); !errors.Is(err, primitives.ErrThreadState) {
		t.Errorf("Shutdown in a Thread: recovered %v; want ErrThreadState", got.Load())
	}
}

func TestCurrentThread_dummy(t *testing.T) {
	ready := make(chan *primitives.Thread)
	release, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		a, b := primitives.CurrentThread(), primitives.CurrentThread()
		if a != b {
			t.Errorf("CurrentThread() returned %v, then %v; want the same object", a, b)
		}
		ready <- a
		<-release
	}()
	var d *primitives.Thread
	select {
	case d = <-ready:
	case <-time.After(hRealDeadline()):
		bounded.Overran()
		t.Fatal("goroutine never reported its thread")
	}
	if !d.IsAlive() || !d.Daemon() || !strings.HasPrefix(d.Name(), "Dummy-") || d.Ident() == 0 {
		t.Errorf("dummy %v: IsAlive %v, Daemon %v, Ident %d; want alive, daemon, Dummy-N, non-zero",
			d, d.IsAlive(), d.Daemon(), d.Ident())
	}
	if !slices.Contains(primitives.Enumerate(), d) {
		t.Errorf("Enumerate() lacks the live dummy %v", d)
	}
	if n := primitives.ActiveCount(); n != len(primitives.Enumerate()) {
		t.Errorf("ActiveCount() = %d; len(Enumerate()) = %d", n, len(primitives.Enumerate()))
	}
	hPanicErr(t, "Join of a dummy", primitives.ErrThreadState, d.Join)
	close(release)
	<-done
	deadline := time.Now().Add(hRealDeadline())
	for slices.Contains(primitives.Enumerate(), d) {
		if time.Now().After(deadline) {
			t.Fatalf("Enumerate() still lists the dummy of an ended goroutine")
		}
		runtime.Gosched()
	}
}

func hDummies() map[*primitives.Thread]bool {
	m := map[*primitives.Thread]bool{}
	for _, th := range primitives.Enumerate() {
		if strings.HasPrefix(th.Name(), "Dummy-") {
			m[th] = true
		}
	}
	return m
}

func TestCurrentThread_usingPrimitivesRegistersNothing(t *testing.T) {
	before := hDummies()
	used, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		var l primitives.Lock
		l.Acquire()
		l.Release()
		var r primitives.RLock
		r.Acquire()
		r.Release()
		q := primitives.NewQueue[int](1)
		_ = q.Put(1)
		_, _ = q.Get()
		th := primitives.NewThread(nil)
		th.Start()
		th.Join()
		close(used)
		<-release
	}()
	select {
	case <-used:
	case <-time.After(hRealDeadline()):
		bounded.Overran()
		t.Fatal("goroutine never finished using the primitives")
	}
	for th := range hDummies() {
		if !before[th] {
			t.Errorf("using primitives from a plain goroutine registered %v", th)
		}
	}
	close(release)
	<-done
}

func TestSetTrace(t *testing.T) {
	var events hList[string]
	hModel(t, func(e *hEnv) {
		early := e.Start(func() {}, primitives.WithName("early"))
		primitives.SetTrace(func(th *primitives.Thread, ev string) {
			if primitives.CurrentThread() != th {
				e.Errorf("trace hook for %v runs in %v", th, primitives.CurrentThread())
			}
			events.Append("trace " + th.Name() + " " + ev)
		})
		primitives.SetProfile(func(th *primitives.Thread, ev string) {
			events.Append("profile " + th.Name() + " " + ev)
		})
		if primitives.GetTrace() == nil || primitives.GetProfile() == nil {
			e.Errorf("GetTrace or GetProfile = nil after Set")
		}
		e.Join(early)
		e.Join(e.Start(func() {}, primitives.WithName("late")))
		primitives.SetTrace(nil)
		primitives.SetProfile(nil)
		e.Join(e.Start(func() {}, primitives.WithName("after")))
	})
	want := "[profile late call trace late call trace late return profile late return]"
	if got := events.String(); got != want {
		t.Errorf("events = %s; want %s", got, want)
	}
	if primitives.GetTrace() != nil {
		t.Errorf("a model run's SetTrace leaked into real mode")
	}
}

func TestSetTrace_panicEvents(t *testing.T) {
	hSilence(t)
	var events hList[string]
	primitives.SetTrace(func(th *primitives.Thread, ev string) { events.Append(ev) })
	t.Cleanup(func() { primitives.SetTrace(nil) })
	th := primitives.NewThread(func() { panic("x") })
	th.Start()
	if !th.JoinTimeout(hRealDeadline()) {
		bounded.Overran()
		t.Fatal("thread did not end")
	}
	if got := events.String(); got != "[call exception return]" {
		t.Errorf("events = %s; want [call exception return]", got)
	}
}

func TestStartNewThread(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		var started, release primitives.Event
		var inside atomic.Pointer[primitives.Thread]
		id := primitives.StartNewThread(func() {
			inside.Store(primitives.CurrentThread())
			started.Set()
			release.WaitTimeout(e.deadline())
		})
		if !started.WaitTimeout(e.deadline()) {
			e.Fatalf("the thread never started")
		}
		th := inside.Load()
		if th.Ident() != id || !th.Daemon() || !th.IsAlive() {
			e.Errorf("%v: Ident %d (StartNewThread returned %d), Daemon %v, IsAlive %v", th, th.Ident(), id, th.Daemon(), th.IsAlive())
		}
		if !slices.Contains(primitives.Enumerate(), th) {
			e.Errorf("Enumerate() lacks the running StartNewThread thread")
		}
		thWantJoinPanics(e, "Join of a StartNewThread thread", th)
		release.Set()
		e.WaitUntil("the StartNewThread thread ended", func() bool { return !th.IsAlive() })
		if slices.Contains(primitives.Enumerate(), th) {
			e.Errorf("Enumerate() still lists the ended thread")
		}
	})
}

// thWantJoinPanics checks that Join and JoinTimeout of th panic with an
// error wrapping ErrThreadState (Python: "cannot join a dummy thread").
func thWantJoinPanics(e *hEnv, what string, th *primitives.Thread) {
	e.t.Helper()
	for name, join := range map[string]func(){"Join": th.Join, "JoinTimeout": func() { th.JoinTimeout(0) }} {
		func() {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, primitives.ErrThreadState) {
					e.Errorf("%s (%s) recovered %v; want an error wrapping ErrThreadState", what, name, err)
				}
			}()
			join()
		}()
	}
}

// TestThread_JoinDummyOfForeignGoroutine: the thread CurrentThread()
// returns in a goroutine that Thread did not start (a plain go statement)
// or that StartNewThread started is a dummy thread; joining it panics, as
// CPython's _DummyThread.join raises RuntimeError, even after it ended.
func TestThread_JoinDummyOfForeignGoroutine(t *testing.T) {
	t.Run("StartNewThread", func(t *testing.T) {
		hBoth(t, func(e *hEnv) {
			var done primitives.Event
			var self atomic.Pointer[primitives.Thread]
			primitives.StartNewThread(func() { self.Store(primitives.CurrentThread()); done.Set() })
			if !done.WaitTimeout(e.deadline()) {
				e.Fatalf("the thread never ran")
			}
			thWantJoinPanics(e, "Join of a StartNewThread thread", self.Load())
			e.WaitUntil("the thread ended", func() bool { return !self.Load().IsAlive() })
			thWantJoinPanics(e, "Join of an ended StartNewThread thread", self.Load())
		})
	})
	t.Run("go", func(t *testing.T) {
		ch := make(chan *primitives.Thread)
		go func() { ch <- primitives.CurrentThread() }()
		hReal(t, func(e *hEnv) { thWantJoinPanics(e, "Join of a goroutine's dummy thread", <-ch) })
	})
	t.Run("StartNewThread inside", func(t *testing.T) {
		// Joining itself from inside is the same error.
		hBoth(t, func(e *hEnv) {
			var done primitives.Event
			primitives.StartNewThread(func() {
				defer done.Set()
				thWantJoinPanics(e, "Join of itself", primitives.CurrentThread())
			})
			if !done.WaitTimeout(e.deadline()) {
				e.Fatalf("the thread never ran")
			}
		})
	})
}

func TestExitThread_plainGoroutine(t *testing.T) {
	var deferred, after atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer deferred.Store(true)
		primitives.ExitThread()
		after.Store(true)
	}()
	select {
	case <-done:
	case <-time.After(hRealDeadline()):
		bounded.Overran()
		t.Fatal("goroutine did not end")
	}
	if !deferred.Load() || after.Load() {
		t.Errorf("ExitThread in a goroutine: deferred ran %v, code after ran %v; want true, false", deferred.Load(), after.Load())
	}
}

func TestThread_ObserveAndTrace(t *testing.T) {
	tr := hModel(t, func(e *hEnv) {
		var release primitives.Event
		th := primitives.NewThread(func() { release.Wait() }, primitives.WithName("w"))
		if s := th.Observe(); s.Kind != "Thread" || s.State != "new" {
			e.Errorf("Observe() before Start = %+v; want Kind Thread, State new", s)
		}
		th.Start()
		j := e.Start(th.Join)
		e.WaitUntil("joiner parked", func() bool { return th.Observe().Waiters == 1 })
		if s := th.Observe(); s.State != "alive" {
			e.Errorf("Observe() of a live thread = %+v; want State alive", s)
		}
		release.Set()
		e.Join(j)
		if s := th.Observe(); s.State != "stopped" || s.Waiters != 0 {
			e.Errorf("Observe() after the end = %+v; want State stopped, no waiters", s)
		}
	})
	out := tr.String()
	for _, want := range []string{"thread-start", "thread-join", "blocks on Thread.Join", "Thread#1{alive}"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestExitThread_modelMainWaitsForNonDaemons(t *testing.T) {
	var out hList[string]
	hModel(t, func(e *hEnv) {
		e.Start(func() {
			primitives.Sleep(time.Second)
			out.Append("worker done")
		})
		primitives.ExitThread()
		out.Append("unreachable")
	})
	if got := out.String(); got != "[worker done]" {
		t.Errorf("output = %s; want [worker done]", got)
	}
}

// Concurrent real-mode Shutdowns do not overlap (sched.Shutdown alone
// would close its unwind channel twice).
func TestShutdown_concurrentCalls(t *testing.T) {
	for range 2000 {
		done := make(chan struct{})
		for range 4 {
			go func() {
				defer func() { done <- struct{}{} }()
				primitives.Shutdown()
			}()
		}
		for range 4 {
			select {
			case <-done:
			case <-time.After(hRealDeadline()):
				bounded.Overran()
				t.Fatal("Shutdown did not return")
			}
		}
	}
}

// On schedules drawn by rapid: Join returns only after the target ended,
// an ended thread is neither alive nor listed, and ActiveCount matches
// Enumerate, whoever joins (the main thread or another thread).
func TestThread_exploreJoin(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 3).Draw(rt, "threads")
		order := rapid.Permutation(hRange(n)).Draw(rt, "join order")
		var bad []string
		interleave.Explore(rt, func() {
			done := make([]bool, n)
			threads := make([]*primitives.Thread, n)
			for i := range threads {
				threads[i] = primitives.NewThread(func() {
					primitives.Sleep(time.Duration(i) * time.Millisecond)
					done[i] = true
				})
				threads[i].Start()
			}
			check := func(who string, i int) {
				th := threads[i]
				if !done[i] || th.IsAlive() || slices.Contains(primitives.Enumerate(), th) {
					bad = append(bad, fmt.Sprintf("%s joined thread %d: done %v, alive %v", who, i, done[i], th.IsAlive()))
				}
				if a, l := primitives.ActiveCount(), len(primitives.Enumerate()); a != l {
					bad = append(bad, fmt.Sprintf("ActiveCount %d != len(Enumerate) %d", a, l))
				}
			}
			other := primitives.NewThread(func() { threads[0].Join(); check("other", 0) })
			other.Start()
			for _, i := range order {
				threads[i].Join()
				check("main", i)
			}
			other.Join()
		})
		if len(bad) > 0 {
			rt.Fatalf("%v", bad)
		}
	})
}

func hRange(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
