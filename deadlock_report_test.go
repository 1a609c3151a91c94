package interleave_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
	"github.com/interleave-lab/interleave/primitives"
	isync "github.com/interleave-lab/interleave/sync"
)

// at returns "dir/deadlock_report_test.go:N" for the line of this file
// that carries the comment "// at:name" or "/* at:name */": where a deadlock report must say
// a thread called its blocking operation.
func at(t *testing.T, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Base(filepath.Dir(file)) + "/" + filepath.Base(file)
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(line, "// at:"+name) || strings.Contains(line, "/* at:"+name+" */") {
			return short + ":" + strconv.Itoa(i+1)
		}
	}
	t.Fatalf("no line marked at:%s", name)
	return ""
}

// deadlockReport runs body, which must deadlock, and returns the report.
func deadlockReport(t *testing.T, body func()) string {
	t.Helper()
	tr, err := interleave.Run(body)
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("Run error = %v; want ErrDeadlock", err)
	}
	if !errors.Is(tr.Failure, interleave.ErrDeadlock) {
		t.Fatalf("trace failure = %v; want ErrDeadlock", tr.Failure)
	}
	return tr.Failure.Error()
}

// helperAcquire is user code between the test and the primitive: a report
// must point at its call of Acquire, the innermost frame that is not the
// library's.
func helperAcquire(l *primitives.Lock) {
	l.Acquire() // at:helper
}

// TestDeadlockReportNamesHoldersAndCycles: for each family, crossed locks,
// a wait nobody can end and a three-thread cycle, the report names each
// thread, what it holds, what it waits on, who holds that, the cycle and
// the user's line, exactly.
func TestDeadlockReportNamesHoldersAndCycles(t *testing.T) {
	const head = "interleave: deadlock at 1s: no thread can run and no timer is pending\n"
	cases := []struct {
		name string
		body func()
		want func(t *testing.T) string
	}{{
		name: "crossed primitives.Lock",
		body: func() {
			var a, b primitives.Lock
			t1 := primitives.NewThread(func() { a.Acquire(); primitives.Sleep(time.Second); b.Acquire() /* at:lock-t1 */ }, primitives.WithName("T1"))
			t2 := primitives.NewThread(func() { b.Acquire(); primitives.Sleep(time.Second); a.Acquire() /* at:lock-t2 */ }, primitives.WithName("T2"))
			t1.Start()
			t2.Start()
			t1.Join() // at:lock-join
		},
		want: func(t *testing.T) string {
			return head +
				"  MainThread waits on T1 (Thread.Join) at " + at(t, "lock-join") + "\n" +
				"  T1 holds Lock#1 and waits on Lock#2 (Lock.Acquire) at " + at(t, "lock-t1") + ", held by T2\n" +
				"  T2 holds Lock#2 and waits on Lock#1 (Lock.Acquire) at " + at(t, "lock-t2") + ", held by T1\n" +
				"  cycle: T1 → Lock#2 → T2 → Lock#1 → T1"
		},
	}, {
		name: "crossed sync.Mutex",
		body: func() {
			var a, b isync.Mutex
			goroutine.GoNamed("ab", func() { a.Lock(); primitives.Sleep(time.Second); b.Lock() /* at:mutex-ab */ })
			goroutine.GoNamed("ba", func() { b.Lock(); primitives.Sleep(time.Second); a.Lock() /* at:mutex-ba */ })
		},
		want: func(t *testing.T) string {
			return head +
				"  MainThread waits on exit (waiting for non-daemon threads)\n" +
				"  ab holds Mutex#1 and blocks on Mutex#2 (Mutex.Lock) at " + at(t, "mutex-ab") + ", held by ba\n" +
				"  ba holds Mutex#2 and blocks on Mutex#1 (Mutex.Lock) at " + at(t, "mutex-ba") + ", held by ab\n" +
				"  cycle: ab → Mutex#2 → ba → Mutex#1 → ab"
		},
	}, {
		name: "three-thread cycle",
		body: func() {
			var a, b, c primitives.Lock
			locks := []*primitives.Lock{&a, &b, &c}
			for i := range 3 {
				first, second := locks[i], locks[(i+1)%3]
				primitives.NewThread(func() { first.Acquire(); primitives.Sleep(time.Second); helperAcquire(second) },
					primitives.WithName("T"+strconv.Itoa(i+1))).Start()
			}
		},
		want: func(t *testing.T) string {
			return head +
				"  MainThread waits on exit (waiting for non-daemon threads)\n" +
				"  T1 holds Lock#1 and waits on Lock#2 (Lock.Acquire) at " + at(t, "helper") + ", held by T2\n" +
				"  T2 holds Lock#2 and waits on Lock#3 (Lock.Acquire) at " + at(t, "helper") + ", held by T3\n" +
				"  T3 holds Lock#3 and waits on Lock#1 (Lock.Acquire) at " + at(t, "helper") + ", held by T1\n" +
				"  cycle: T1 → Lock#2 → T2 → Lock#3 → T3 → Lock#1 → T1"
		},
	}, {
		name: "condition with no notifier",
		body: func() {
			c := primitives.NewCondition(nil)
			primitives.Sleep(time.Second)
			c.Acquire()
			c.Wait() // at:cond
		},
		want: func(t *testing.T) string {
			return head + "  MainThread waits on Condition#1 (Condition.Wait) for a Notify at " + at(t, "cond") + ": unlocked"
		},
	}, {
		name: "semaphore and event with nobody to release or set",
		body: func() {
			s := primitives.NewSemaphore(0)
			var ev primitives.Event
			th := primitives.NewThread(func() { ev.Wait() /* at:event */ }, primitives.WithName("T1"))
			th.Start()
			primitives.Sleep(time.Second)
			s.Acquire() // at:sem
		},
		want: func(t *testing.T) string {
			return head + "  MainThread waits on Semaphore#1 (Semaphore.Acquire) for a Release at " + at(t, "sem") + ": value=0\n" +
				"  T1 waits on Event#1 (Event.Wait) for a Set at " + at(t, "event") + ": clear"
		},
	}, {
		name: "unbuffered send with no receiver",
		body: func() {
			ch := chans.Make[int](0)
			goroutine.GoNamed("worker-2", func() { primitives.Sleep(time.Second); ch.Send(1) /* at:send */ })
		},
		want: func(t *testing.T) string {
			return head +
				"  MainThread waits on exit (waiting for non-daemon threads)\n" +
				"  worker-2 blocks on chan send (cap 0, len 0) at " + at(t, "send")
		},
	}, {
		name: "lock held by a thread that ended",
		body: func() {
			var l primitives.Lock
			th := primitives.NewThread(func() { l.Acquire() }, primitives.WithName("leaver"))
			th.Start()
			th.Join()
			primitives.Sleep(time.Second)
			l.Acquire() // at:ended
		},
		want: func(t *testing.T) string {
			return head + "  MainThread waits on Lock#1 (Lock.Acquire) at " + at(t, "ended") + ", held by leaver (ended)"
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := deadlockReport(t, c.body)
			if want := c.want(t); got != want {
				t.Errorf("deadlock report:\n%s\nwant:\n%s", got, want)
			}
			for _, lib := range []string{"primitives/", "internal/sched/", "sync/mutex.go", "chans/"} {
				if strings.Contains(got, lib) {
					t.Errorf("report points into the library (%s):\n%s", lib, got)
				}
			}
		})
	}
}

// TestDeadlockReportIsCompleteWhenRunReturns: the locations are captured
// while the threads unwind, before Run returns, and the text is the same
// however often and from whichever goroutine it is read.
func TestDeadlockReportIsCompleteWhenRunReturns(t *testing.T) {
	tr, err := interleave.Run(func() {
		var l primitives.Lock
		l.Acquire()
		l.Acquire() // at:self
	})
	if !errors.Is(err, interleave.ErrDeadlock) {
		t.Fatalf("Run error = %v; want ErrDeadlock", err)
	}
	done := make(chan string)
	go func() { done <- tr.Failure.Error() }()
	first := <-done
	want := "interleave: deadlock at 0s: no thread can run and no timer is pending\n" +
		"  MainThread holds Lock#1 and waits on Lock#1 (Lock.Acquire) at " + at(t, "self") + ", held by MainThread\n" +
		"  cycle: MainThread → Lock#1 → MainThread"
	if first != want {
		t.Errorf("deadlock report:\n%s\nwant:\n%s", first, want)
	}
	if again := tr.Failure.Error(); again != first {
		t.Errorf("second Error() = %q; want the first %q", again, first)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Run's error lacks the report:\n%s", err)
	}
}
