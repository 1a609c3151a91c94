package properties_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/properties"
	"pgregory.net/rapid"
)

// Daemon choices for a thread of the Thread property.
const (
	daemonInherit = iota
	daemonTrue
	daemonFalse
)

// TestPropThreadRegistry: the main thread starts 1 to 3 threads (each a
// daemon, not one, or inheriting the main thread's flag, drawn); each may
// start a child that inherits its flag; all wait on a gate. While they
// wait, and after every start and join: ActiveCount() = len(Enumerate()),
// between 1 + the threads whose target is running and 1 + the threads not
// yet joined (exactly 1 at the end), every thread's IsAlive and Daemon
// are as the model says (a child's Daemon is its parent's), and
// JoinTimeout(0) of a waiting thread is false. Once the gate opens, each
// parent joins its child, the main thread joins the parents, and then
// only the main thread is left. Joining a thread before Start, or from
// itself, and starting it twice panic with ErrThreadState.
func TestPropThreadRegistry(t *testing.T) {
	t.Parallel()
	properties.Check(t, "ThreadRegistry", func(rt *rapid.T, cov *interleave.Coverage) {
		n := rapid.IntRange(1, 3).Draw(rt, "threads")
		daemon := rapid.SliceOfN(rapid.IntRange(0, 2), n, n).Draw(rt, "daemon: inherit, true, false")
		child := rapid.SliceOfN(rapid.Bool(), n, n).Draw(rt, "starts a child")
		explore(rt, cov, func(v *violations) {
			var gate primitives.Event
			// running counts the main thread and the threads whose target
			// has not returned; alive, those not yet joined. A thread is
			// listed from Start until it ends, somewhere in between.
			running, alive := 1, 1
			check := func(step string) {
				enum := primitives.Enumerate()
				if got := primitives.ActiveCount(); got != len(enum) || got < running || got > alive {
					v.Fatalf("after %s: ActiveCount() = %d, len(Enumerate()) = %d; want equal, in %d..%d", step, got, len(enum), running, alive)
				}
			}
			check("nothing")
			if primitives.CurrentThread() != primitives.MainThread() || primitives.MainThread().Daemon() {
				v.Fatalf("CurrentThread() in the main thread = %v, MainThread() = %v (daemon %v); want the same, not a daemon",
					primitives.CurrentThread(), primitives.MainThread(), primitives.MainThread().Daemon())
			}
			parents := make([]*primitives.Thread, n)
			children := make([]*primitives.Thread, n)
			childStarted := 0
			for i := range n {
				var opts []primitives.ThreadOption
				want := false // the main thread's flag
				switch daemon[i] {
				case daemonTrue:
					opts, want = append(opts, primitives.WithDaemon(true)), true
				case daemonFalse:
					opts = append(opts, primitives.WithDaemon(false))
				}
				parents[i] = primitives.NewThread(func() {
					defer func() { running-- }()
					me := primitives.CurrentThread()
					if me != parents[i] {
						v.Fatalf("CurrentThread() in thread %d = %v; want %v", i, me, parents[i])
					}
					if err := errOf(catchPanic(me.Join)); !errors.Is(err, primitives.ErrThreadState) {
						v.Fatalf("thread %d joining itself panicked with %v; want ErrThreadState", i, err)
					}
					if child[i] {
						c := primitives.NewThread(func() { gate.Wait(); running-- }, primitives.WithName(fmt.Sprintf("child%d", i)))
						if c.Daemon() != me.Daemon() {
							v.Fatalf("child of thread %d: Daemon() = %v; want its creator's %v", i, c.Daemon(), me.Daemon())
						}
						alive++ // before it is listed, counted in running after
						c.Start()
						running++
						children[i] = c
						childStarted++
						check(fmt.Sprintf("thread %d started its child", i))
					}
					gate.Wait()
					if c := children[i]; c != nil {
						c.Join()
						alive--
						if c.IsAlive() {
							v.Fatalf("child of thread %d: IsAlive() after Join = true; want false", i)
						}
						check(fmt.Sprintf("thread %d joined its child", i))
					}
				}, append(opts, primitives.WithName(fmt.Sprintf("t%d", i)))...)
				if got := parents[i].Daemon(); got != want {
					v.Fatalf("thread %d (daemon choice %d): Daemon() = %v; want %v", i, daemon[i], got, want)
				}
				if err := errOf(catchPanic(parents[i].Join)); !errors.Is(err, primitives.ErrThreadState) || parents[i].IsAlive() {
					v.Fatalf("thread %d: Join before Start panicked with %v (IsAlive %v); want ErrThreadState, not alive", i, err, parents[i].IsAlive())
				}
				alive++
				parents[i].Start()
				running++
				if err := errOf(catchPanic(parents[i].Start)); !errors.Is(err, primitives.ErrThreadState) {
					v.Fatalf("thread %d: second Start panicked with %v; want ErrThreadState", i, err)
				}
				check(fmt.Sprintf("starting thread %d", i))
			}
			wantChildren := 0
			for _, c := range child {
				if c {
					wantChildren++
				}
			}
			awaitModel(v, "every child started", func() bool { return childStarted == wantChildren })
			check("every thread started")
			for i, p := range parents {
				if !p.IsAlive() || p.JoinTimeout(0) {
					v.Fatalf("thread %d waiting on the gate: IsAlive() = %v, JoinTimeout(0) = %v; want true, false", i, p.IsAlive(), !p.IsAlive())
				}
			}
			gate.Set()
			for i, p := range parents {
				p.Join()
				alive--
				if children[i] != nil && children[i].IsAlive() {
					v.Fatalf("thread %d ended before its child", i)
				}
				check(fmt.Sprintf("joining thread %d", i))
				if p.IsAlive() || !p.JoinTimeout(0) {
					v.Fatalf("thread %d after Join: IsAlive() = %v; want false, and JoinTimeout(0) true", i, p.IsAlive())
				}
			}
			check("joining every thread")
			if got := primitives.ActiveCount(); got != 1 || running != 1 || alive != 1 {
				v.Fatalf("at the end: ActiveCount() = %d; want 1 (model: %d running, %d not joined)", got, running, alive)
			}
		})
	})
}
