package sched

import (
	"sync"
	"testing"
)

// BenchmarkUnmanagedRunCost is what the uncontrolled-goroutine checks add
// to a passing run, outside the run itself: the label, two reads of the
// goroutines-created counter (start and end), the registration of the
// label set, the look-up of the body's record (is the run to be traced?),
// and a label set and cleared for each of three threads.
func BenchmarkUnmanagedRunCost(b *testing.B) {
	cfg := NewConfig()
	b.ReportAllocs()
	for range b.N {
		r := &run{cfg: cfg}
		r.unmanagedStart(benchBody, false)
		for range 3 {
			r.label()
			unlabel()
		}
		r.checkEnd()
		r.unmanagedStop()
	}
}

// BenchmarkUnmanagedBodyRecord is what the tracer's confirmation adds to a
// passing run that was not suspicious: the look-up of the body's record,
// whether to trace the run.
func BenchmarkUnmanagedBodyRecord(b *testing.B) {
	for range b.N {
		if tr, _ := bodyOf(benchBody).traceNext(false); tr {
			b.Fatal("a body never suspected is to be traced")
		}
	}
}

// BenchmarkUnmanagedHandoff is the check at one hand-off of the baton when
// no goroutine was created.
func BenchmarkUnmanagedHandoff(b *testing.B) {
	r := &run{cfg: NewConfig()}
	r.unmanagedStart(benchBody, false)
	for range b.N {
		r.checkHandoff()
	}
}

// BenchmarkUnmanagedGateExact is one read of the goroutines-created counter.
func BenchmarkUnmanagedGateExact(b *testing.B) {
	r := &run{cfg: NewConfig()}
	r.unmanagedStart(benchBody, false)
	for range b.N {
		r.um.gate(true)
	}
}

// BenchmarkUnmanagedPassingRun is a whole passing run of three threads
// (the baseline of the next two).
func BenchmarkUnmanagedPassingRun(b *testing.B) {
	cfg := NewConfig()
	for range b.N {
		if tr := Execute(threeThreads, cfg, NewFixed(nil)); tr.Failure != nil {
			b.Fatal(tr.Failure)
		}
	}
}

// BenchmarkUnmanagedTracedRun is the same run under Go's execution tracer:
// what a run traced from its start costs (the run after a suspicious one
// under Explore, every run of a body known to start goroutines).
func BenchmarkUnmanagedTracedRun(b *testing.B) {
	cfg := NewConfig()
	for range b.N {
		if r := execute(threeThreads, cfg, NewFixed(nil), true); r.trace.Failure != nil {
			b.Fatal(r.trace.Failure)
		}
	}
}

// BenchmarkUnmanagedConfirmByReplay is a run whose thread starts a
// goroutine that ends before any check, confirmed by a traced replay of
// its schedule (Run, Exhaustive): the run, the profile that finds nothing,
// and the replay.
func BenchmarkUnmanagedConfirmByReplay(b *testing.B) {
	cfg := NewConfig()
	cfg.ConfirmByReplay = true
	for range b.N {
		if tr := Execute(benchEnded, cfg, NewFixed(nil)); tr.Failure == nil {
			b.Fatal("the run passed; want ErrUnmanaged")
		}
	}
}

func benchBody() {}

// benchEnded's thread starts a goroutine and waits for it outside the
// explorer.
func benchEnded() {
	Spawn(named("A"), false, func() {
		Point("p", nil)
		var wg sync.WaitGroup
		wg.Add(1)
		go wg.Done()
		wg.Wait()
	})
	Point("main", nil)
}
