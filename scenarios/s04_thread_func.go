package scenarios

// S04 thread-func: the first of the tutorial's three ways to make a
// threading.Thread ("创建一个Thread的实例，传给它一个函数"), a Thread given a
// function and its arguments.
//
//	loops = [4, 2]
//	def loop(nloop, nsec):
//	    print('start loop %s at: %s' % (nloop, time()))
//	    sleep(nsec)
//	    print('loop %s done at: %s' % (nloop, time()))
//	def main():
//	    print('starting at:', time())
//	    threads = []
//	    for i in nloops: t = threading.Thread(target=loop, args=(i, loops[i])); threads.append(t)
//	    for i in nloops: threads[i].start()
//	    for i in nloops: threads[i].join()
//	    print('all DONE at:', time())
//
// join replaces S03's locks and spin: main blocks until each thread ended,
// so "all DONE" comes exactly when the longest loop does (4 s).
//
// How it differs from the Python: a primitives.Thread's target takes no
// arguments, so a closure carries (i, loops[i]); times print as seconds
// since the start and lines as Python 3 prints them (the tutorial ran
// Python 2, where print('starting at:', t) shows a tuple).

import (
	"io"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// ThreadFunctionConfig is S04's parameters.
type ThreadFunctionConfig struct {
	Loops []time.Duration // each thread's sleep, each >= 0, at most 1000 (tutorial: [4 s, 2 s])
}

// DefaultThreadFunctionConfig returns the tutorial's loops, [4 s, 2 s].
func DefaultThreadFunctionConfig() ThreadFunctionConfig {
	return ThreadFunctionConfig{Loops: []time.Duration{4 * time.Second, 2 * time.Second}}
}

// ThreadFunction runs S04: one Thread per loop with the loop as its
// target, all started, then all joined in order, then "all DONE at:". The
// result's LoopRun names are the threads' automatic names.
func ThreadFunction(w io.Writer, cfg ThreadFunctionConfig) (LoopsResult, error) {
	if err := checkLoops("Loops", cfg.Loops); err != nil {
		return LoopsResult{}, err
	}
	s := newLoopScenario(w, cfg.Loops)
	s.out.println("starting at:", s.c.stamp())
	threads := make([]*primitives.Thread, len(cfg.Loops))
	for i := range threads {
		threads[i] = primitives.NewThread(func() { s.loop(i, cfg.Loops[i]) }) // Thread(target=loop, args=(i, loops[i]))
		s.runs[i].Name = threads[i].Name()
	}
	startAll(threads)
	for i, t := range threads {
		s.join(i, t)
	}
	return s.done()
}
