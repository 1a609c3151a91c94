package scenarios

// S14 producer-consumer: the tutorial's "producer-consumer problem and the
// Queue module" section. writer puts nloops = randint(10, 20) objects into
// a Queue(32), sleeping 1s after each (writeQ prints "producing object for
// Q..." and "size now N"); reader gets as many, sleeping randint(2, 5)s
// after each (readQ prints "consumed object from Q... size now N"). Each
// runs in a MyThread that prints "starting NAME at: T" and "NAME finished
// at: T"; main joins them and prints "all DONE".
//
// The port keeps those names and that printout, on the virtual clock, with
// these differences:
//   - the randomness comes from a math/rand/v2 PCG seeded by the Config, so
//     a run (and the Example) is reproducible: nloops from the stream
//     (Seed, 0), reader i's sleeps from (Seed, i+1), so the draws do not
//     depend on the interleaving;
//   - the objects are the numbers 0..nloops-1 instead of 'xxx', so that the
//     result can show that nothing was lost or duplicated and that the order
//     was kept;
//   - Readers may be more than one (the tutorial's FAQ exercise); the
//     objects are dealt out so that the readers' shares add up to nloops
//     and every blocking get is eventually served;
//   - Python 2 prints readQ's print("...", qsize) as a tuple,
//     ('consumed object from Q... size now', 0); the port prints the line
//     the author meant (as Python 3 does), and leaves out main's printing
//     of each thread's getResult(), which is None.
//
// The deliberate bug, CheckThenAct, makes every reader check empty() and
// then get without blocking, as if the check still held.

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/primitives"
)

// ProducerConsumerConfig is the shape of S14. The sleeps are whole seconds,
// as the tutorial's sleep(1) and sleep(randint(2, 5)) are.
type ProducerConsumerConfig struct {
	Seed         uint64 // seeds nloops and the readers' sleeps
	MinItems     int    // nloops = randint(MinItems, MaxItems) (0 <= MinItems <= MaxItems)
	MaxItems     int
	QueueSize    int // Queue(QueueSize); 0 is unbounded, as in Python (>= 0)
	Readers      int // consumer threads (>= 1)
	WriteSleep   int // writer: sleep(WriteSleep) seconds after each put (>= 0)
	MinReadSleep int // reader: sleep(randint(MinReadSleep, MaxReadSleep)) seconds after each get
	MaxReadSleep int // (0 <= MinReadSleep <= MaxReadSleep)
}

// DefaultProducerConsumerConfig returns the tutorial's values (randint(10,
// 20) objects, Queue(32), sleep(1), sleep(randint(2, 5)), one reader) and a
// fixed seed, 20, which draws ten objects (the fewest randint(10, 20) can
// draw), so that the Example's printout stays short.
func DefaultProducerConsumerConfig() ProducerConsumerConfig {
	return ProducerConsumerConfig{
		Seed: 20, MinItems: 10, MaxItems: 20, QueueSize: 32, Readers: 1,
		WriteSleep: 1, MinReadSleep: 2, MaxReadSleep: 5,
	}
}

func (c ProducerConsumerConfig) validate() error {
	switch {
	case c.MinItems < 0:
		return paramError("MinItems", c.MinItems, "must be >= 0")
	case c.MaxItems < c.MinItems:
		return paramError("MaxItems", c.MaxItems, "must be >= MinItems")
	case c.QueueSize < 0:
		return paramError("QueueSize", c.QueueSize, "must be >= 0 (0: unbounded)")
	case c.Readers < 1:
		return paramError("Readers", c.Readers, "at least one reader must consume")
	case c.WriteSleep < 0:
		return paramError("WriteSleep", c.WriteSleep, "must be >= 0")
	case c.MinReadSleep < 0:
		return paramError("MinReadSleep", c.MinReadSleep, "must be >= 0")
	case c.MaxReadSleep < c.MinReadSleep:
		return paramError("MaxReadSleep", c.MaxReadSleep, "must be >= MinReadSleep")
	}
	return nil
}

// ProducerConsumerResult is what S14 leaves behind.
type ProducerConsumerResult struct {
	Items int     // nloops
	Put   []int   // the objects the writer put, in order (0..Items-1)
	Got   [][]int // the objects each reader got, in the order it got them
	// MinQsize and MaxQsize bound every qsize() the threads printed.
	MinQsize, MaxQsize int
	// Left is the number of objects still in the queue at the end.
	Left int
	// Failures lists the acts that failed after their check said they
	// could not (CheckThenAct only): "reader-1: get_nowait raised Empty
	// after empty() returned False".
	Failures []string
	Elapsed  time.Duration // when main printed "all DONE"
}

// Check reports whether r keeps S14's invariants for cfg, the one check
// the scenario's tests, property and demo share: no act failed after its
// check, the item count is within [MinItems, MaxItems], every item put once
// in order and got exactly once, each reader in FIFO order (so a single
// reader gets the put order), every qsize() within [0, QueueSize], nothing left.
func (r ProducerConsumerResult) Check(cfg ProducerConsumerConfig) error {
	if len(r.Failures) > 0 || r.Left != 0 {
		return fmt.Errorf("failures %v, %d items left; want none, 0", r.Failures, r.Left)
	}
	if r.Items < cfg.MinItems || r.Items > cfg.MaxItems {
		return fmt.Errorf("%d items; want %d..%d", r.Items, cfg.MinItems, cfg.MaxItems)
	}
	var all []int
	for i, got := range r.Got {
		if !slices.IsSorted(got) {
			return fmt.Errorf("reader %d got %v; want FIFO (increasing) order", i, got)
		}
		all = append(all, got...)
	}
	slices.Sort(all)
	want := make([]int, r.Items)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(r.Put, want) || !slices.Equal(all, want) {
		return fmt.Errorf("put %v, got (sorted) %v; want each of 0..%d once", r.Put, all, r.Items-1)
	}
	if r.MinQsize < 0 || r.MinQsize > r.MaxQsize || (cfg.QueueSize > 0 && r.MaxQsize > cfg.QueueSize) {
		return fmt.Errorf("qsize in [%d, %d]; want within [0, %d]", r.MinQsize, r.MaxQsize, cfg.QueueSize)
	}
	return nil
}

// pcRun is one run of S14.
type pcRun struct {
	p      *tprinter
	cfg    ProducerConsumerConfig
	q      *primitives.Queue[int]
	nloops int

	mu  sync.Mutex // guards res
	res ProducerConsumerResult
}

// ProducerConsumer runs S14: one writer putting nloops objects, cfg.Readers
// readers getting them, main joining both and printing "all DONE". It
// prints the tutorial's lines.
func ProducerConsumer(w io.Writer, cfg ProducerConsumerConfig) (ProducerConsumerResult, error) {
	return runProducerConsumer(w, cfg, false)
}

// CheckThenAct is S14's deliberate bug: each reader waits until empty()
// returns False (polling every 100ms of virtual time), then takes an object
// with get_nowait (TryGet), as if the check still held. With two readers it
// breaks when both see the queue non-empty with one object in it and one
// of them is preempted between its check and its get (at
// failpoints.ScenarioCheckAct): the other takes the object, and the first
// one's get_nowait raises Empty. Python's reader thread would die of the
// exception; this one records the failure and ends, so its share of the
// objects is never consumed (Left > 0). Under the all-zero schedule a
// reader is never preempted between check and act, and the bug stays
// hidden. With a blocking get after the check instead, the same
// interleaving leaves the last get blocked forever.
func CheckThenAct(w io.Writer, cfg ProducerConsumerConfig) (ProducerConsumerResult, error) {
	return runProducerConsumer(w, cfg, true)
}

func runProducerConsumer(w io.Writer, cfg ProducerConsumerConfig, checkThenAct bool) (ProducerConsumerResult, error) {
	if err := cfg.validate(); err != nil {
		return ProducerConsumerResult{}, err
	}
	r := &pcRun{p: newTprinter(w), cfg: cfg, q: primitives.NewQueue[int](cfg.QueueSize)}
	r.nloops = pyRandint(rand.New(rand.NewPCG(cfg.Seed, 0)), cfg.MinItems, cfg.MaxItems)
	r.res = ProducerConsumerResult{Items: r.nloops, Got: make([][]int, cfg.Readers), MinQsize: -1}

	threads := []*primitives.Thread{r.myThread("writer", func() { r.writer(r.nloops) })}
	for i := range cfg.Readers {
		loops := r.nloops / cfg.Readers // reader i's share
		if i < r.nloops%cfg.Readers {
			loops++
		}
		name := "reader"
		if cfg.Readers > 1 {
			name = "reader-" + strconv.Itoa(i)
		}
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1))
		threads = append(threads, r.myThread(name, func() {
			if checkThenAct {
				r.checkingReader(i, name, rng, loops)
			} else {
				r.reader(i, rng, loops)
			}
		}))
	}
	for _, t := range threads {
		t.Start()
	}
	for _, t := range threads {
		t.Join()
	}
	r.p.printf("all DONE")

	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Left = r.q.Qsize()
	r.res.Elapsed = r.p.elapsed()
	if r.res.MinQsize < 0 {
		r.res.MinQsize = 0
	}
	return r.res, nil
}

// pyRandint is Python's random.randint(a, b): a..b inclusive.
func pyRandint(rng *rand.Rand, a, b int) int { return a + rng.IntN(b-a+1) }

// wholeSeconds is sleep(n) of Python: n seconds.
func wholeSeconds(n int) time.Duration { return time.Duration(n) * time.Second }

// myThread is the tutorial's MyThread(func, args, name): a thread that
// prints when it starts and when it finishes.
func (r *pcRun) myThread(name string, fn func()) *primitives.Thread {
	return primitives.NewThread(func() {
		r.p.printf("starting %s at: %s", name, r.p.stamp())
		fn()
		r.p.printf("%s finished at: %s", name, r.p.stamp())
	}, primitives.WithName(name))
}

// qsize is queue.qsize(), recorded for the result's bounds.
func (r *pcRun) qsize() int {
	n := r.q.Qsize()
	r.mu.Lock()
	if r.res.MinQsize < 0 || n < r.res.MinQsize {
		r.res.MinQsize = n
	}
	r.res.MaxQsize = max(r.res.MaxQsize, n)
	r.mu.Unlock()
	return n
}

// writeQ puts one object.
func (r *pcRun) writeQ(obj int) {
	r.p.printf("producing object for Q...")
	r.mu.Lock()
	r.res.Put = append(r.res.Put, obj)
	r.mu.Unlock()
	_ = r.q.Put(obj) // the queue is never shut down: Put cannot fail
	r.p.printf("size now %d", r.qsize())
}

// readQ gets one object for reader i.
func (r *pcRun) readQ(i int) {
	obj, _ := r.q.Get() // never shut down: Get cannot fail
	r.got(i, obj)
	r.p.printf("consumed object from Q... size now %d", r.qsize())
}

func (r *pcRun) got(i, obj int) {
	r.mu.Lock()
	r.res.Got[i] = append(r.res.Got[i], obj)
	r.mu.Unlock()
}

// writer puts loops objects, sleeping between them.
func (r *pcRun) writer(loops int) {
	for i := range loops {
		r.writeQ(i)
		primitives.Sleep(wholeSeconds(r.cfg.WriteSleep))
	}
}

// reader gets loops objects, sleeping a random while after each.
func (r *pcRun) reader(i int, rng *rand.Rand, loops int) {
	for range loops {
		r.readQ(i)
		primitives.Sleep(wholeSeconds(pyRandint(rng, r.cfg.MinReadSleep, r.cfg.MaxReadSleep)))
	}
}

// checkActPoll is how often a CheckThenAct reader polls empty().
const checkActPoll = 100 * time.Millisecond

// checkingReader is CheckThenAct's reader: check, then act as if the check
// still held.
func (r *pcRun) checkingReader(i int, name string, rng *rand.Rand, loops int) {
	for range loops {
		for r.q.Empty() { // check ...
			primitives.Sleep(checkActPoll)
		}
		failpoints.Hit(failpoints.ScenarioCheckAct, r.q) // BUG: another reader may get the object here
		obj, err := r.q.TryGet()                         // ... then act: get_nowait()
		if errors.Is(err, primitives.ErrEmpty) {
			msg := name + ": get_nowait raised Empty after empty() returned False"
			r.mu.Lock()
			r.res.Failures = append(r.res.Failures, msg)
			r.mu.Unlock()
			r.p.printf("%s at: %s", msg, r.p.stamp())
			return // the exception ends the thread
		}
		r.got(i, obj)
		r.p.printf("consumed object from Q... size now %d", r.qsize())
		primitives.Sleep(wholeSeconds(pyRandint(rng, r.cfg.MinReadSleep, r.cfg.MaxReadSleep)))
	}
}
