package sched

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petermattis/goid"
)

// TestReadGoTraceSeesACreationAndTheMark: the reader finds, in a real
// trace, the creation this goroutine made, with its own id as the creator,
// the function the new goroutine runs, the place of the go statement, and
// the step mark logged before it.
func TestReadGoTraceSeesACreationAndTheMark(t *testing.T) {
	fr := startGoTrace(true)
	if fr == nil {
		t.Fatal("startGoTrace: the flight recorder did not start")
	}
	me := uint64(goid.Get())
	trace.Log(context.Background(), stepLogKey, "7")
	done := make(chan uint64)
	_, _, line, _ := runtime.Caller(0)
	go func() { done <- uint64(goid.Get()) }()
	child := <-done
	var b bytes.Buffer
	_, err := fr.WriteTo(&b)
	fr.Stop()
	goTracer.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	creates, marks, err := readGoTrace(b.Bytes())
	if err != nil {
		t.Fatalf("readGoTrace: %v", err)
	}
	var c *goCreate
	for i := range creates {
		if creates[i].created == child {
			c = &creates[i]
		}
	}
	if c == nil {
		t.Fatalf("no creation of goroutine %d among %d", child, len(creates))
	}
	if c.creator != me {
		t.Errorf("creator = %d; want %d (this test's goroutine)", c.creator, me)
	}
	if len(c.newStack) == 0 || !strings.HasSuffix(c.newStack[0].fn, "TestReadGoTraceSeesACreationAndTheMark.func1") {
		t.Errorf("new goroutine's stack = %v; want its function first", c.newStack)
	}
	if len(c.stack) == 0 || !strings.HasSuffix(c.stack[0].file, "confirm_test.go") || c.stack[0].line != uint64(line+1) {
		t.Errorf("creation stack = %v; want confirm_test.go:%d first", c.stack, line+1)
	}
	found := false
	for _, m := range marks {
		found = found || (m.g == me && m.steps == 7 && m.at <= c.at)
	}
	if !found {
		t.Errorf("marks = %v; want goroutine %d's mark 7 before the creation", marks, me)
	}
}

// TestReadGoTraceRejectsWhatItCannotRead: a trace that is not one, of an
// unknown version, or cut short, is an error, never a verdict.
func TestReadGoTraceRejectsWhatItCannotRead(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not trace": []byte("hello, world, this is not a trace"),
		"version":   []byte("go 1.99 trace\x00\x00\x00"),
		"cut":       append([]byte("go 1.26 trace\x00\x00\x00"), evEventBatch, 1, 2, 3, 50, 14),
		"event":     append([]byte("go 1.26 trace\x00\x00\x00"), evEventBatch, 1, 2, 3, 2, 100, 0),
	} {
		if _, _, err := readGoTrace(data); !errors.Is(err, errTraceFormat) {
			t.Errorf("%s: err = %v; want errTraceFormat", name, err)
		}
	}
}

// TestTracedRunNamesTheThreadAndTheStep: a traced run fails naming the
// thread that started a goroutine, the go statement, and the step after
// which it ran it, though the goroutine ended before the run did.
func TestTracedRunNamesTheThreadAndTheStep(t *testing.T) {
	body := func() {
		Spawn(named("A"), false, func() {
			Point("before", nil)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { wg.Done() }()
			wg.Wait()
			Point("after", nil)
		})
		Point("main", nil)
	}
	r := execute(body, NewConfig(), NewFixed(nil), true)
	err := r.trace.Failure
	if !errors.Is(err, ErrUnmanaged) {
		t.Fatalf("Failure = %v; want ErrUnmanaged", err)
	}
	for _, w := range []string{"started by A at sched/confirm_test.go:", "(in sched.TestTracedRunNamesTheThreadAndTheStep.func1.1)",
		"after step 2 (A before)", "ended before the explorer could see it"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("report lacks %q:\n%v", w, err)
		}
	}
}

// TestTracedRunIgnoresOtherGoroutines: goroutines a goroutine outside the
// run creates while the run is traced, even at a thread's request, fail
// nothing; nor do the run's own threads.
func TestTracedRunIgnoresOtherGoroutines(t *testing.T) {
	asks := make(chan chan struct{})
	defer close(asks)
	go func() {
		for done := range asks {
			go close(done)
		}
	}()
	body := func() {
		for _, n := range []string{"A", "B"} {
			Spawn(named(n), false, func() {
				Point("p", nil)
				done := make(chan struct{})
				asks <- done
				<-done
				Point("q", nil)
			})
		}
		Point("main", nil)
	}
	_, traced0, _ := ConfirmStats()
	for range 3 {
		if r := execute(body, NewConfig(), NewFixed(nil), true); r.trace.Failure != nil {
			t.Fatalf("Failure = %v; want none", r.trace.Failure)
		}
	}
	if _, traced, _ := ConfirmStats(); traced-traced0 != 3 {
		t.Fatalf("%d runs were read from the tracer; want 3", traced-traced0)
	}
}

// TestBodyRecordBacksOff: confirmations that find nothing make the next
// ones rarer (one suspicious run in 2^f after f of them), one that finds a
// goroutine ends the back-off for good, and a body that cannot be replayed
// arms the trace of its next run instead.
func TestBodyRecordBacksOff(t *testing.T) {
	var b bodyRecord
	var got []int
	for i := range 40 {
		if b.suspect(true) {
			got = append(got, i)
			b.result(false, true)
		}
	}
	want := []int{0, 2, 6, 14, 30}
	if len(got) != len(want) {
		t.Fatalf("confirmed suspicious runs %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("confirmed suspicious runs %v; want %v", got, want)
		}
	}
	for range 1 << maxConfirmBackoff {
		b.result(false, true)
	}
	if b.skip != 1<<maxConfirmBackoff-1 {
		t.Fatalf("skip = %d after many fruitless confirmations; want the cap %d", b.skip, 1<<maxConfirmBackoff-1)
	}
	b.result(true, false)
	for i := range 10 {
		if !b.suspect(true) {
			t.Fatalf("suspicious run %d of a confirmed body was not confirmed", i)
		}
	}
	if tr, must := b.traceNext(false); !tr || !must {
		t.Fatalf("a confirmed body: Explore must trace its every run, waiting for the tracer")
	}
	if tr, _ := b.traceNext(true); tr {
		t.Fatalf("a confirmed body: traceNext(false) must be true (Explore traces it), traceNext(true) false (it replays)")
	}
	var e bodyRecord
	if e.suspect(false) {
		t.Fatalf("a suspicious run that cannot be replayed must not ask for a replay")
	}
	for i := range armRuns {
		if tr, must := e.traceNext(false); !tr || must {
			t.Fatalf("run %d after a suspicious one that cannot be replayed is not traced; want the next %d", i, armRuns)
		}
		e.result(false, false) // quiet and clean: the series goes on
	}
	if tr, _ := e.traceNext(false); tr {
		t.Fatalf("run %d after the suspicious one is traced; want only %d", armRuns, armRuns)
	}
	e.suspect(false)
	e.result(false, true) // a traced run saw others create goroutines: the series ends
	if tr, _ := e.traceNext(false); tr || e.skip != 1 {
		t.Fatalf("after a traced run saw other goroutines create goroutines: traced next = true or skip = %d; want false and 1", e.skip)
	}
}

// TestRuntimeGoroutinesAreNotUnmanaged: the goroutines the runtime starts
// on a thread's goroutine (the first garbage collection's mark workers)
// are not the thread's.
func TestRuntimeGoroutinesAreNotUnmanaged(t *testing.T) {
	for fn, want := range map[string]bool{
		"runtime.gcBgMarkWorker": true,
		"runtime.runFinalizers":  true,
		"runtime.main":           false,
		"main.main.func1":        false,
		"runtime/trace.f":        false,
	} {
		c := goCreate{newStack: []traceFrame{{fn: fn}}}
		if got := runtimeGoroutine(c); got != want {
			t.Errorf("runtimeGoroutine(%q) = %v; want %v", fn, got, want)
		}
	}
}

// TestTracedRunRunsThreadsOnTheirOwnGoroutines: a traced run's threads do
// not run on pooled workers (a worker may have run another run's thread
// during the trace), so each thread's goroutine ends with it.
func TestTracedRunRunsThreadsOnTheirOwnGoroutines(t *testing.T) {
	if tr := Execute(threeThreads, NewConfig(), NewFixed(nil)); tr.Failure != nil { // fill the pool
		t.Fatal(tr.Failure)
	}
	pool.mu.Lock()
	idle := len(pool.idle)
	pool.mu.Unlock()
	start := time.Now()
	r := execute(threeThreads, NewConfig(), NewFixed(nil), true)
	if r.trace.Failure != nil {
		t.Fatal(r.trace.Failure)
	}
	pool.mu.Lock()
	after := len(pool.idle)
	pool.mu.Unlock()
	if after < idle && time.Since(start) < idleTimeout {
		t.Fatalf("the traced run took %d pooled workers; want none", idle-after)
	}
}

// TestTracedRunNamesTheCallerOfWaitGroupGo: a goroutine started by a
// helper of the standard library (sync.WaitGroup.Go) is reported with the
// thread's own call of it.
func TestTracedRunNamesTheCallerOfWaitGroupGo(t *testing.T) {
	body := func() {
		var wg sync.WaitGroup
		wg.Go(func() {})
		wg.Wait()
	}
	r := execute(body, NewConfig(), NewFixed(nil), true)
	err := r.trace.Failure
	if !errors.Is(err, ErrUnmanaged) {
		t.Fatalf("Failure = %v; want ErrUnmanaged", err)
	}
	for _, w := range []string{"started by MainThread at sync/waitgroup.go:", "(in sync.(*WaitGroup).Go, called from sched.TestTracedRunNamesTheCallerOfWaitGroupGo.func1 at sched/confirm_test.go:"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("report lacks %q:\n%v", w, err)
		}
	}
	for fn, want := range map[string]bool{"sync.(*WaitGroup).Go": true, "runtime/trace.f": true, "main.main": false,
		"github.com/a/b.F": false, "golang.org/x/sync/errgroup.(*Group).Go": false} {
		if got := stdFunc(fn); got != want {
			t.Errorf("stdFunc(%q) = %v; want %v", fn, got, want)
		}
	}
}
