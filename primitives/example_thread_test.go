package primitives_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// The tutorial's Thread(target=loop, args=...) program (S04) on the
// virtual clock of a model run: both loops run at once, so all is done at
// 4 s, not 6 s.
func ExampleThread() {
	_, err := interleave.Run(func() {
		start := sched.Now()
		elapsed := func() time.Duration { return sched.Now().Sub(start) }
		loop := func(nloop int, nsec time.Duration) {
			fmt.Printf("start loop %d at %v\n", nloop, elapsed())
			primitives.Sleep(nsec)
			fmt.Printf("loop %d done at %v\n", nloop, elapsed())
		}
		var threads []*primitives.Thread
		for i, nsec := range []time.Duration{4 * time.Second, 2 * time.Second} {
			threads = append(threads, primitives.NewThread(func() { loop(i, nsec) }))
		}
		for _, t := range threads {
			t.Start()
		}
		for _, t := range threads {
			t.Join()
		}
		fmt.Println("all DONE at", elapsed())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// start loop 0 at 0s
	// start loop 1 at 0s
	// loop 1 done at 2s
	// loop 0 done at 4s
	// all DONE at 4s
}

func ExampleThread_Err() {
	old := primitives.ExceptHook
	defer func() { primitives.ExceptHook = old }()
	primitives.ExceptHook = func(a primitives.ExceptHookArgs) {
		fmt.Println("ExceptHook:", a.Thread.Name(), a.Value)
	}
	errBoom := errors.New("boom")
	t := primitives.NewThread(func() { panic(errBoom) }, primitives.WithName("t"))
	t.Start()
	t.Join()
	fmt.Println(errors.Is(t.Err(), errBoom), t.Err())
	// Output:
	// ExceptHook: t boom
	// true thread t panicked: boom
}

func ExampleThread_String() {
	_, _ = interleave.Run(func() {
		t := primitives.NewThread(func() {}, primitives.WithName("worker"))
		fmt.Println(t)
		t.Start()
		fmt.Println(t)
		t.Join()
		fmt.Println(t)
		fmt.Println(primitives.MainThread())
	})
	// Output:
	// <Thread(worker, initial)>
	// <Thread(worker, started 2)>
	// <Thread(worker, stopped 2)>
	// <_MainThread(MainThread, started 1)>
}

func ExampleCurrentThread() {
	_, _ = interleave.Run(func() {
		fmt.Println(primitives.CurrentThread().Name())
		t := primitives.NewThread(func() {
			fmt.Println(primitives.CurrentThread().Name())
		}, primitives.WithName("worker"))
		t.Start()
		t.Join()
	})
	// A goroutine that Thread did not start gets a dummy thread.
	dummy := make(chan *primitives.Thread)
	go func() { dummy <- primitives.CurrentThread() }()
	d := <-dummy
	fmt.Println(strings.HasPrefix(d.Name(), "Dummy-"), d.Daemon(), d.IsAlive())
	// Output:
	// MainThread
	// worker
	// true true true
}

func ExampleMainThread() {
	_, _ = interleave.Run(func() {
		main := primitives.MainThread()
		fmt.Println(main.Name(), main == primitives.CurrentThread(), main.Daemon())
	})
	// Output: MainThread true false
}

func ExampleEnumerate() {
	_, _ = interleave.Run(func() {
		var release primitives.Event
		for _, name := range []string{"a", "b"} {
			primitives.NewThread(release.Wait, primitives.WithName(name)).Start()
		}
		for _, t := range primitives.Enumerate() {
			fmt.Println(t.Name())
		}
		fmt.Println("active:", primitives.ActiveCount())
		release.Set()
	})
	// Output:
	// MainThread
	// a
	// b
	// active: 3
}

func ExampleSetTrace() {
	_, _ = interleave.Run(func() {
		primitives.SetTrace(func(t *primitives.Thread, event string) {
			fmt.Println(t.Name(), event)
		})
		t := primitives.NewThread(func() { fmt.Println("working") }, primitives.WithName("worker"))
		t.Start()
		t.Join()
	})
	// Output:
	// worker call
	// working
	// worker return
}

// The tutorial's thread-module program (S02): the main thread "waits" for
// its two threads by sleeping longer than either.
func ExampleStartNewThread() {
	_, _ = interleave.Run(func() {
		start := sched.Now()
		elapsed := func() time.Duration { return sched.Now().Sub(start) }
		loop := func(nloop int, nsec time.Duration) {
			fmt.Printf("start loop %d at %v\n", nloop, elapsed())
			primitives.Sleep(nsec)
			fmt.Printf("loop %d done at %v\n", nloop, elapsed())
		}
		primitives.StartNewThread(func() { loop(0, 4*time.Second) })
		primitives.StartNewThread(func() { loop(1, 2*time.Second) })
		primitives.Sleep(6 * time.Second)
		fmt.Println("all DONE at", elapsed())
	})
	// Output:
	// start loop 0 at 0s
	// start loop 1 at 0s
	// loop 1 done at 2s
	// loop 0 done at 4s
	// all DONE at 6s
}

// The tutorial's lock-sync program (S03): the thread releases a lock when
// it is done, and the main thread polls the lock (with a virtual sleep: a
// busy spin would never let virtual time advance).
func ExampleAllocateLock() {
	_, _ = interleave.Run(func() {
		start := sched.Now()
		lock := primitives.AllocateLock()
		lock.Acquire()
		primitives.StartNewThread(func() {
			primitives.Sleep(2 * time.Second)
			fmt.Println("loop done")
			lock.Release()
		})
		for lock.Locked() {
			primitives.Sleep(500 * time.Millisecond)
		}
		fmt.Println("all DONE at", sched.Now().Sub(start))
	})
	// Output:
	// loop done
	// all DONE at 2.5s
}

func ExampleExitThread() {
	t := primitives.NewThread(func() {
		defer fmt.Println("deferred calls run")
		primitives.ExitThread()
		fmt.Println("never printed")
	})
	t.Start()
	t.Join()
	fmt.Println("Err:", t.Err())
	// Output:
	// deferred calls run
	// Err: <nil>
}

func ExampleSleep() {
	_, _ = interleave.Run(func() {
		start := sched.Now()
		primitives.Sleep(5 * time.Hour) // virtual: no wall time passes
		fmt.Println(sched.Now().Sub(start))
	})
	// Output: 5h0m0s
}

// Process exit waits for non-daemon threads and abandons daemon threads;
// here the model run's end unwinds the daemon, running its deferred calls.
func ExampleShutdown() {
	_, _ = interleave.Run(func() {
		primitives.NewThread(func() {
			primitives.Sleep(time.Second)
			fmt.Println("non-daemon done")
		}).Start()
		primitives.NewThread(func() {
			defer fmt.Println("daemon unwound")
			for {
				primitives.Sleep(300 * time.Millisecond)
			}
		}, primitives.WithDaemon(true)).Start()
		primitives.Shutdown()
		fmt.Println("after Shutdown")
	})
	// Output:
	// non-daemon done
	// after Shutdown
	// daemon unwound
}
