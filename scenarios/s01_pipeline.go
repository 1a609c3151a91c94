package scenarios

// S01 pipeline: the tutorial's motivation ("引言&动机"). 10,000 records,
// reading one takes 0.1 s, processing one takes 1 s, and the records are
// independent. One thread doing everything takes
// 10000*0.1 + 10000*1 = 11,000 s; threads can read while others process.
//
// The tutorial gives no code for it. The port has a sequential version
// (PipelineSequential: one thread reads a record, processes it, reads the
// next) and a threaded one (Pipeline: the main thread is the reader and
// feeds W worker threads through an unbounded, or bounded, Queue; after the
// last record it puts one sentinel per worker, and each worker ends at its
// sentinel, so the shutdown is orderly and every thread is joined). Reading
// and processing are virtual sleeps, so under the explorer the makespan is
// exact and a run of 10,000 records takes a fraction of a second of wall
// time.

import (
	"fmt"
	"io"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// Bounds on the pipeline's parameters, so that a typo cannot allocate
// gigabytes or start a million threads.
const (
	MaxPipelineRecords = 1_000_000
	MaxPipelineWorkers = 10_000
)

// PipelineConfig is the motivation's workload.
type PipelineConfig struct {
	Records     int           // records to read and process, 0..MaxPipelineRecords (tutorial: 10,000)
	Workers     int           // worker threads, 1..MaxPipelineWorkers (not used by PipelineSequential)
	ReadTime    time.Duration // time to read one record, >= 0 (tutorial: 0.1 s)
	ProcessTime time.Duration // time to process one record, >= 0 (tutorial: 1 s)
	QueueSize   int           // the queue's maxsize, >= 0; 0 is unbounded (the default)
}

// DefaultPipelineConfig returns the tutorial's workload with 10 workers,
// the smallest count for which the reader, not the workers, is the
// bottleneck (ProcessTime/ReadTime).
func DefaultPipelineConfig() PipelineConfig {
	return PipelineConfig{
		Records:     10_000,
		Workers:     10,
		ReadTime:    100 * time.Millisecond,
		ProcessTime: time.Second,
	}
}

func (c PipelineConfig) check(sequential bool) error {
	switch {
	case c.Records < 0 || c.Records > MaxPipelineRecords:
		return paramError("Records", c.Records, fmt.Sprintf("must be in 0..%d", MaxPipelineRecords))
	case !sequential && (c.Workers < 1 || c.Workers > MaxPipelineWorkers):
		return paramError("Workers", c.Workers, fmt.Sprintf("must be in 1..%d", MaxPipelineWorkers))
	case c.QueueSize < 0:
		return paramError("QueueSize", c.QueueSize, "must not be negative (0 is unbounded)")
	}
	if err := checkDuration("ReadTime", c.ReadTime); err != nil {
		return err
	}
	return checkDuration("ProcessTime", c.ProcessTime)
}

// PipelineResult is what a pipeline run did.
type PipelineResult struct {
	Records   int           // the number of records
	Workers   int           // worker threads (1 for the sequential version)
	Processed []int         // Processed[i] counts how many times record i was processed: 1 each
	PerWorker []int         // how many records each worker processed
	Makespan  time.Duration // from the start until the last record was processed and every worker ended
}

// Check reports whether r keeps S01's invariant for a Pipeline run of cfg
// on any schedule, the one check the scenario's tests and property share:
// r has cfg's Records and Workers, every record was processed exactly
// once, the workers' shares add up to Records, and the makespan is no less
// than PipelineMakespan(cfg) (a schedule's delays only add to it; under the
// all-zero schedule it is equal: CheckAllZero).
func (r PipelineResult) Check(cfg PipelineConfig) error {
	bound, err := PipelineMakespan(cfg)
	if err != nil {
		return err
	}
	return r.check(cfg.Records, cfg.Workers, bound)
}

// CheckAllZero reports whether r has S01's exact makespan for a Pipeline
// run of cfg under the all-zero schedule: PipelineMakespan(cfg), the
// analytic bound that Check wants the makespan never to be below.
func (r PipelineResult) CheckAllZero(cfg PipelineConfig) error {
	bound, err := PipelineMakespan(cfg)
	if err != nil {
		return err
	}
	if r.Makespan != bound {
		return fmt.Errorf("makespan %v (all-zero schedule); want exactly PipelineMakespan %v", r.Makespan, bound)
	}
	return nil
}

// CheckSequential reports whether r keeps S01's invariant for a
// PipelineSequential run of cfg on any schedule: r has cfg's Records and
// one worker, every record was processed exactly once by it, and the
// makespan is no less than Records*(ReadTime+ProcessTime) (equal under the
// all-zero schedule, which the callers check).
func (r PipelineResult) CheckSequential(cfg PipelineConfig) error {
	if err := cfg.check(true); err != nil {
		return err
	}
	return r.check(cfg.Records, 1, time.Duration(cfg.Records)*(cfg.ReadTime+cfg.ProcessTime))
}

// check is Check's and CheckSequential's invariant for n records, workers
// workers and a makespan of at least bound.
func (r PipelineResult) check(n, workers int, bound time.Duration) error {
	if r.Records != n || r.Workers != workers || len(r.Processed) != n || len(r.PerWorker) != workers {
		return fmt.Errorf("%d records, %d workers, %d processed, %d per worker; want %d, %d, %d, %d",
			r.Records, r.Workers, len(r.Processed), len(r.PerWorker), n, workers, n, workers)
	}
	for i, c := range r.Processed {
		if c != 1 {
			return fmt.Errorf("record %d processed %d times; want 1", i, c)
		}
	}
	sum := 0
	for _, c := range r.PerWorker {
		sum += c
	}
	if sum != n {
		return fmt.Errorf("sum(PerWorker) = %d; want %d records", sum, n)
	}
	if r.Makespan < bound {
		return fmt.Errorf("makespan %v; want >= %v", r.Makespan, bound)
	}
	return nil
}

// sentinel is the record a worker stops at; real records are 0..n-1.
const sentinel = -1

// Pipeline runs the motivation's workload with cfg.Workers worker threads:
// the calling thread reads each record (ReadTime) and puts it in a queue;
// each worker gets records and processes them (ProcessTime) until it gets
// the sentinel; the caller puts one sentinel per worker after the last
// record and joins every worker. It prints one line, "N records, W
// workers: MAKESPAN", and returns what happened.
//
// With an unbounded queue the makespan is exactly PipelineMakespan(cfg)
// under the explorer's all-zero schedule, about max(n*ReadTime, n/W *
// ProcessTime); a schedule's delays can only add to it.
func Pipeline(w io.Writer, cfg PipelineConfig) (PipelineResult, error) {
	if err := cfg.check(false); err != nil {
		return PipelineResult{}, err
	}
	out := newLinePrinter(w)
	c := newClock()
	n, nworkers := cfg.Records, cfg.Workers
	q := primitives.NewQueue[int](cfg.QueueSize)

	// worker k appends the records it processed to done[k]; main reads
	// done after joining every worker, so no lock is needed.
	done := make([][]int, nworkers)
	worker := func(k int) {
		for {
			rec, err := q.Get()
			if err != nil || rec == sentinel { // err: never, the queue is not shut down
				return
			}
			primitives.Sleep(cfg.ProcessTime) // process the record
			done[k] = append(done[k], rec)
		}
	}
	threads := make([]*primitives.Thread, nworkers)
	for k := range threads {
		threads[k] = primitives.NewThread(func() { worker(k) }, primitives.WithName(fmt.Sprintf("worker-%d", k)))
		threads[k].Start()
	}

	// reader: the calling thread reads every record, then stops the workers.
	for i := range n {
		primitives.Sleep(cfg.ReadTime) // read record i
		_ = q.Put(i)                   // never fails: the queue is not shut down
	}
	for range nworkers {
		_ = q.Put(sentinel)
	}
	for _, t := range threads {
		t.Join()
	}

	res := PipelineResult{Records: n, Workers: nworkers, Processed: make([]int, n), PerWorker: make([]int, nworkers), Makespan: c.elapsed()}
	for k, recs := range done {
		res.PerWorker[k] = len(recs)
		for _, rec := range recs {
			res.Processed[rec]++
		}
	}
	out.println(fmt.Sprintf("%d records, %d workers: %s", n, nworkers, seconds(res.Makespan)))
	return res, out.close(nil)
}

// PipelineSequential runs the motivation's workload on the calling thread
// alone: read a record, process it, read the next. It prints "N records,
// sequential: MAKESPAN"; the makespan is Records*(ReadTime+ProcessTime),
// 11,000 s for the tutorial's workload. cfg.Workers is ignored.
func PipelineSequential(w io.Writer, cfg PipelineConfig) (PipelineResult, error) {
	if err := cfg.check(true); err != nil {
		return PipelineResult{}, err
	}
	out := newLinePrinter(w)
	c := newClock()
	n := cfg.Records
	res := PipelineResult{Records: n, Workers: 1, Processed: make([]int, n), PerWorker: make([]int, 1)}
	for i := range n {
		primitives.Sleep(cfg.ReadTime)    // read record i
		primitives.Sleep(cfg.ProcessTime) // process it
		res.Processed[i]++
		res.PerWorker[0]++
	}
	res.Makespan = c.elapsed()
	out.println(fmt.Sprintf("%d records, sequential: %s", n, seconds(res.Makespan)))
	return res, out.close(nil)
}

// PipelineMakespan returns the makespan Pipeline has under the explorer's
// all-zero schedule: the analytic bound, computed exactly.
//
// With read time r, processing time p, n records and W workers, record i
// (1-based) reaches the queue at a_i and starts being processed at
// s_i = max(a_i, s_{i-W} + p): workers all take p per record and take
// records in order, so the worker that gets record i is the one that
// finished record i-W. With an unbounded queue a_i = i*r, and unrolling
// the recurrence gives, for n >= 1 and K = ceil(n/W) - 1,
//
//	makespan = p + max(n*r, (n - K*W)*r + K*p)
//
// the later of "the last record, read at n*r, is processed at once" and
// "the busiest worker, whose first record came at (n - K*W)*r, processes K+1
// records back to back": about max(n*r, n/W*p). For the tutorial's 10,000
// records that is 10,000.1 s with 1 worker, 5,000.2 s with 2, and 1,001 s
// with 10 or more (the reader is then the bottleneck).
//
// With a bounded queue of size m, the reader reads record i once record
// i-1 is in the queue, and can put it only once record i-m was taken:
// a_i = max(a_{i-1} + r, s_{i-m}). PipelineMakespan follows that
// recurrence too.
//
// cfg is validated as Pipeline validates it.
func PipelineMakespan(cfg PipelineConfig) (time.Duration, error) {
	if err := cfg.check(false); err != nil {
		return 0, err
	}
	n, nw, r, p, m := cfg.Records, cfg.Workers, cfg.ReadTime, cfg.ProcessTime, cfg.QueueSize
	if n == 0 {
		return 0, nil
	}
	start := make([]time.Duration, n+1) // start[i]: record i (1-based) starts being processed
	var put time.Duration               // when the previous record went into the queue
	for i := 1; i <= n; i++ {
		a := put + r // read record i
		if m > 0 && i-m >= 1 {
			a = max(a, start[i-m]) // wait for room: record i-m must have been taken
		}
		put = a
		s := a
		if i-nw >= 1 {
			s = max(s, start[i-nw]+p) // wait for a free worker
		}
		start[i] = s
	}
	return start[n] + p, nil
}
