package scenarios

// S16 thread-pool: the tutorial's FAQ exercise ("modify the
// producer-consumer code so that there is not one consumer but any number
// of consumer threads, a thread pool, each of which may process or consume
// any number of items at any time"). The tutorial gives no solution; the
// port is the standard one: Workers consumer threads share one queue, main
// produces Items items (blocking while a bounded queue is full), and the
// pool shuts down in order, in one of two ways:
//
//   - ShutdownSentinel: after the items, main puts one sentinel per worker
//     (Python's None); a worker that gets a sentinel exits. Each worker gets
//     exactly one, since it stops getting after it;
//   - ShutdownJoin: every worker calls task_done() after each item; main
//     waits in queue.join() until every item is done, then shuts the queue
//     down (Python 3.13's queue.shutdown()), which makes every worker's get
//     fail so that it exits.
//
// In both, main also calls join() before it joins the workers, and records
// how many items were done when join() returned (all of them).
//
// The deliberate bug, TooFewSentinels, puts one sentinel fewer than there
// are workers: one worker waits in get() forever, and as it is not a
// daemon, process exit waits for it forever.

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// ShutdownMode is how S16 stops its workers.
type ShutdownMode int

const (
	// ShutdownSentinel puts one sentinel per worker after the items.
	ShutdownSentinel ShutdownMode = iota
	// ShutdownJoin waits for every task with Queue.Join, then shuts the
	// queue down.
	ShutdownJoin
)

// String returns the shutdown's name, for test and demo messages.
func (m ShutdownMode) String() string {
	switch m {
	case ShutdownSentinel:
		return "sentinel"
	case ShutdownJoin:
		return "join"
	}
	return fmt.Sprintf("ShutdownMode(%d)", int(m))
}

// ThreadPoolConfig is the shape of S16.
type ThreadPoolConfig struct {
	Workers   int           // W, the consumer threads (>= 1)
	Items     int           // the items main produces (>= 0)
	QueueSize int           // the queue's maxsize; 0 is unbounded (>= 0)
	Work      time.Duration // how long a worker takes for an item (>= 0)
	Mode      ShutdownMode  // how the pool shuts down
}

// DefaultThreadPoolConfig returns 3 workers, 8 items of 1s each through a
// queue of 4, shut down with sentinels.
func DefaultThreadPoolConfig() ThreadPoolConfig {
	return ThreadPoolConfig{Workers: 3, Items: 8, QueueSize: 4, Work: time.Second, Mode: ShutdownSentinel}
}

func (c ThreadPoolConfig) validate() error {
	switch {
	case c.Workers < 1:
		return paramError("Workers", c.Workers, "a pool needs at least one worker")
	case c.Items < 0:
		return paramError("Items", c.Items, "must be >= 0")
	case c.QueueSize < 0:
		return paramError("QueueSize", c.QueueSize, "must be >= 0 (0: unbounded)")
	case c.Work < 0:
		return paramError("Work", c.Work, "must be >= 0")
	case c.Mode != ShutdownSentinel && c.Mode != ShutdownJoin:
		return paramError("Mode", c.Mode, "must be ShutdownSentinel or ShutdownJoin")
	}
	return nil
}

// ThreadPoolResult is what S16 leaves behind.
type ThreadPoolResult struct {
	Workers  []string // the workers' names
	Counts   []int    // Counts[i]: how many times item i was consumed
	ByWorker [][]int  // the items each worker consumed, in order
	// Exited lists the workers that had exited when main was done with the
	// pool, in the order they exited.
	Exited []string
	// JoinedAt is when queue.join() returned; DoneAtJoin how many items
	// had been processed (and marked done) by then.
	JoinedAt   time.Duration
	DoneAtJoin int
}

// Check reports whether r keeps S16's invariants for cfg, the one check
// the scenario's tests, properties and demo share: every item consumed
// exactly once, each worker's items in FIFO (queue) order, every worker
// exited exactly once, and join() returned only once every item was done.
func (r ThreadPoolResult) Check(cfg ThreadPoolConfig) error {
	for item, n := range r.Counts {
		if n != 1 {
			return fmt.Errorf("item %d consumed %d times; want once (counts %v)", item, n, r.Counts)
		}
	}
	n := 0
	for w, items := range r.ByWorker {
		if !slices.IsSorted(items) {
			return fmt.Errorf("worker %d consumed %v; want FIFO order", w, items)
		}
		n += len(items)
	}
	if len(r.Counts) != cfg.Items || n != cfg.Items {
		return fmt.Errorf("%d items counted, %d consumed; want %d", len(r.Counts), n, cfg.Items)
	}
	exited := slices.Sorted(slices.Values(r.Exited))
	if want := slices.Sorted(slices.Values(r.Workers)); len(r.Workers) != cfg.Workers || !slices.Equal(exited, want) {
		return fmt.Errorf("workers exited %v; want each of %d workers once", r.Exited, cfg.Workers)
	}
	if r.DoneAtJoin != cfg.Items {
		return fmt.Errorf("join() returned with %d of %d items done", r.DoneAtJoin, cfg.Items)
	}
	return nil
}

// poolSentinel is the item that tells a worker to exit (Python's None); real
// items are 0..Items-1.
const poolSentinel = -1

// poolRun is one run of S16.
type poolRun struct {
	p   *tprinter
	cfg ThreadPoolConfig
	q   *primitives.Queue[int]

	mu   sync.Mutex // guards res and done
	res  ThreadPoolResult
	done int // items processed and marked done
}

// ThreadPool runs S16: cfg.Workers workers consume cfg.Items items from one
// queue, and the pool shuts down as cfg.Mode says. It prints each item
// consumed, join()'s return and each worker's exit.
func ThreadPool(w io.Writer, cfg ThreadPoolConfig) (ThreadPoolResult, error) {
	return runThreadPool(w, cfg, false)
}

// TooFewSentinels is S16's deliberate bug: main puts Workers-1 sentinels
// (cfg.Mode is ignored), waits in queue.join() until they and the items are
// done, and returns without joining the workers, as if the pool had shut
// down. One worker never gets a sentinel: it waits in get() forever. It is
// not a daemon, so process exit waits for it forever: run under the
// explorer, the run fails with a deadlock report naming that worker and
// "Queue.Get" (every schedule breaks, the all-zero one included); in real
// mode its goroutine leaks, which goleak reports. The result, returned
// before exit, lists Workers-1 exited workers.
func TooFewSentinels(w io.Writer, cfg ThreadPoolConfig) (ThreadPoolResult, error) {
	return runThreadPool(w, cfg, true)
}

func runThreadPool(w io.Writer, cfg ThreadPoolConfig, tooFew bool) (ThreadPoolResult, error) {
	if err := cfg.validate(); err != nil {
		return ThreadPoolResult{}, err
	}
	r := &poolRun{p: newTprinter(w), cfg: cfg, q: primitives.NewQueue[int](cfg.QueueSize)}
	r.res.Counts = make([]int, cfg.Items)
	r.res.ByWorker = make([][]int, cfg.Workers)
	mode := cfg.Mode
	if tooFew {
		mode = ShutdownSentinel
	}
	r.p.printf("start at: %s: %d workers, %d items, shutdown by %v", r.p.stamp(), cfg.Workers, cfg.Items, mode)

	workers := make([]*primitives.Thread, cfg.Workers)
	for i := range workers {
		// Not daemons (whoever calls ThreadPool): exit must wait for them.
		workers[i] = primitives.NewThread(func() { r.worker(i) },
			primitives.WithName(fmt.Sprintf("worker-%d", i)), primitives.WithDaemon(false))
		r.res.Workers = append(r.res.Workers, workers[i].Name())
		workers[i].Start()
	}
	for item := range cfg.Items {
		_ = r.q.Put(item) // the queue is shut down only after join(): Put cannot fail
	}
	if mode == ShutdownSentinel {
		n := cfg.Workers
		if tooFew {
			n-- // BUG: one worker gets no sentinel
		}
		for range n {
			_ = r.q.Put(poolSentinel)
		}
	}

	r.q.Join()
	r.mu.Lock()
	r.res.JoinedAt, r.res.DoneAtJoin = r.p.elapsed(), r.done
	r.mu.Unlock()
	r.p.printf("join() returned at: %s: %d of %d items done", r.p.stamp(), r.res.DoneAtJoin, cfg.Items)
	if mode == ShutdownJoin {
		r.q.Shutdown(false)
	}
	if !tooFew {
		for _, t := range workers {
			t.Join()
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.res
	res.Counts, res.Exited = append([]int(nil), r.res.Counts...), append([]string(nil), r.res.Exited...)
	res.ByWorker = make([][]int, len(r.res.ByWorker))
	for i, b := range r.res.ByWorker {
		res.ByWorker[i] = append([]int(nil), b...)
	}
	r.p.printf("done at: %s: workers exited: %v", r.p.stamp(), res.Exited)
	return res, nil
}

// worker is worker i's target: get items and process them until told to
// stop (a sentinel, or a shut-down queue).
func (r *poolRun) worker(i int) {
	name := primitives.CurrentThread().Name()
	for {
		item, err := r.q.Get()
		if err != nil { // ShutdownJoin: the queue was shut down and is empty
			r.exit(name)
			return
		}
		if item == poolSentinel {
			r.q.TaskDone()
			r.exit(name)
			return
		}
		r.p.printf("%s consumes item %d at: %s", name, item, r.p.stamp())
		failpoints.Hit(failpoints.ScenarioStep, nil)
		primitives.Sleep(r.cfg.Work)
		r.mu.Lock()
		r.res.Counts[item]++
		r.res.ByWorker[i] = append(r.res.ByWorker[i], item)
		r.done++
		r.mu.Unlock()
		r.q.TaskDone()
	}
}

// exit records that a worker exits. (Not deferred: a worker unwound by a
// failed run must not count as exited.)
func (r *poolRun) exit(name string) {
	r.mu.Lock()
	r.res.Exited = append(r.res.Exited, name)
	r.mu.Unlock()
	r.p.printf("%s exits at: %s", name, r.p.stamp())
}
