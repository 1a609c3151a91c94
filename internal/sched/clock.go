package sched

import "time"

// Epoch is the instant a model run starts at: Now in model mode returns
// Epoch plus the virtual time elapsed, so printed times are deterministic.
var Epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Tick is the smallest virtual delay the explorer draws: one step of a
// preemption that lets another thread run first.
const Tick = time.Microsecond

// Now returns the current time: virtual in model mode (Epoch plus the run's
// elapsed virtual time), the wall clock otherwise.
func Now() time.Time { return now(self()) }

func now(th *thread) time.Time {
	if th != nil {
		return Epoch.Add(th.run.now)
	}
	return time.Now()
}

// Deadline returns the instant a wait of timeout from now ends, or the zero
// time (no deadline) when timeout is negative.
func Deadline(timeout time.Duration) time.Time {
	if timeout < 0 {
		return time.Time{}
	}
	return Now().Add(timeout)
}

// Sleep pauses the calling thread for d (Python's time.sleep). In model
// mode it takes no wall time: the thread is parked on the virtual clock and
// others run; Sleep(0) is a plain scheduling point. In real mode a daemon
// thread sleeping through a Shutdown unwinds.
func Sleep(d time.Duration) {
	if th := self(); th != nil {
		th.run.sleep(th, d)
		return
	}
	checkUnwind()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-daemonUnwind():
		panic(unwinding{})
	}
}
