// Package failpoints is the bridge between interleave's primitives and a
// schedule: the catalogue of named failpoints, the blocking layer every
// primitive parks and wakes through, the clock, and the explorer that turns
// failpoint hits into a controlled interleaving on virtual time.
//
// # Two modes, one implementation
//
// A goroutine that an exploration did not start runs in real mode: [Hit] is
// a no-op unless a failpoint was enabled with [Enable] or GO_FAILPOINTS
// (stress mode, not replayable), [Now] and [Sleep] use the wall clock, and
// [WaitQueue] parks on a channel. A thread started inside [Explore] or [Run]
// runs in model mode: exactly one such thread runs at a time, every [Hit],
// every park, every [Sleep], and every thread start and exit is a scheduling
// point, and time is virtual. The primitives do not branch on the mode; the
// functions of this package do.
//
// # Scheduling
//
// At a scheduling point the strategy chooses a virtual delay for the running
// thread (0 means keep running); the thread becomes ready again at now+delay.
// The ready thread with the earliest ready time runs next, ties going to the
// thread already running and then to the thread started first. When no
// thread is ready the clock jumps to the earliest timeout or sleep; when
// nothing is left to wake, the run is a deadlock and the report names every
// thread and the operation it waits on.
//
// # Strategies
//
// [Explore] draws each delay from a [rapid.T], so a rapid seed or fail file
// replays the same interleaving and rapid's shrinker minimises the schedule.
// [Run] takes a [Fixed] schedule (the all-zero schedule by default), a [PCT]
// strategy, or, through [Exhaustive], enumerates every schedule of a small
// body up to a preemption bound.
package failpoints
