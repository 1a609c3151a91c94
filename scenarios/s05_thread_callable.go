package scenarios

// S05 thread-callable: the second way to make a threading.Thread
// ("创建一个 Thread 的实例，传给它一个可调用的类对象"), a Thread whose target is
// an instance of a callable class.
//
//	class ThreadFunc(object):
//	    def __init__(self, func, args, name=""):
//	        self.name = name; self.func = func; self.args = args
//	    def __call__(self):
//	        self.func(*self.args)
//	...
//	for i in nloops:
//	    t = Thread(target=ThreadFunc(loop, (i, loops[i]), loop.__name__))
//
// The rest is S04: start all, join all, "all DONE" at the longest loop.
//
// How it differs from the Python: Go has no __call__; ThreadFunc's Call
// method is the callable, and the method value tf.Call is the Thread's
// target. ThreadFunc is generic in its arguments (a struct holds the
// tuple). The name the object carries ("loop") is not printed by the
// tutorial either; the result carries it (LoopRun.Name). Times print as
// seconds since the start and lines as Python 3 prints them.

import (
	"io"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// A ThreadFunc is a function bundled with its arguments and a name: a value
// whose Call method is a Thread's target, carrying more than a bare
// function can.
//
// ThreadFunc ports the tutorial's ThreadFunc class; Call is its __call__,
// which calls Func(*Args).
type ThreadFunc[A any] struct {
	Name string  // a name for the callable (the tutorial passes loop.__name__)
	Func func(A) // the function to call
	Args A       // its arguments
}

// NewThreadFunc returns a ThreadFunc calling fn(args), named name.
//
// NewThreadFunc ports ThreadFunc(func, args, name).
func NewThreadFunc[A any](fn func(A), args A, name string) *ThreadFunc[A] {
	return &ThreadFunc[A]{Name: name, Func: fn, Args: args}
}

// Call calls tf.Func(tf.Args). tf.Call is meant as a Thread's target.
func (tf *ThreadFunc[A]) Call() { tf.Func(tf.Args) }

// ThreadCallableConfig is S05's parameters.
type ThreadCallableConfig struct {
	Loops []time.Duration // each thread's sleep, each >= 0, at most 1000 (tutorial: [4 s, 2 s])
}

// DefaultThreadCallableConfig returns the tutorial's loops, [4 s, 2 s].
func DefaultThreadCallableConfig() ThreadCallableConfig {
	return ThreadCallableConfig{Loops: []time.Duration{4 * time.Second, 2 * time.Second}}
}

// loopArgs is the tutorial's argument tuple (i, loops[i]).
type loopArgs struct {
	nloop int
	nsec  time.Duration
}

// ThreadCallable runs S05: one Thread per loop whose target is a
// ThreadFunc named "loop" calling the loop with (i, loops[i]), all started,
// then all joined, then "all DONE at:". The result's LoopRun names are the
// ThreadFuncs' names.
func ThreadCallable(w io.Writer, cfg ThreadCallableConfig) (LoopsResult, error) {
	if err := checkLoops("Loops", cfg.Loops); err != nil {
		return LoopsResult{}, err
	}
	s := newLoopScenario(w, cfg.Loops)
	loop := func(a loopArgs) { s.loop(a.nloop, a.nsec) }
	s.out.println("starting at:", s.c.stamp())
	threads := make([]*primitives.Thread, len(cfg.Loops))
	for i := range threads {
		tf := NewThreadFunc(loop, loopArgs{i, cfg.Loops[i]}, "loop") // ThreadFunc(loop, (i, loops[i]), loop.__name__)
		threads[i] = primitives.NewThread(tf.Call)
		s.runs[i].Name = tf.Name
	}
	startAll(threads)
	for i, t := range threads {
		s.join(i, t)
	}
	return s.done()
}
