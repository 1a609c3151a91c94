package sched

// A depLabel is the dependency label of one event of a DPOR search (see
// dpor.go): what the code a thread ran between two scheduling decisions
// may have touched, as far as the trace can tell. Two events are dependent
// (they may not commute) when their labels share a resource, or when
// either is all.
//
// The resources, and why each is there (the dependency relation):
//
//   - resObject+i: the primitive trace.Objects[i]. A failpoint hit with an
//     object (failpoints.Hit(name, obj), every catalogue point of
//     primitives) announces an operation on obj, and the code between the
//     hit and the thread's next scheduling point performs it; the hit is
//     also the end of the code before it, which the primitive's own
//     bookkeeping may have touched. So both the event that ends at the hit
//     and the event that starts there carry the object (the start through
//     the thread's carry, see DPOR.flush).
//   - resName(i), or resMemory: the user's own memory, which the explorer
//     cannot see. A failpoint hit without an object marks an access to
//     it. With DPOR.ByName (the root package's default) the i-th name met
//     is its own resource resName(i): hits of the same name conflict,
//     sound when names partition the memory they guard. Without it (the
//     ConservativeReduction option) every such hit touches the one
//     resMemory and conflicts with every other, whatever their names, for
//     code where two names guard the same variables (as the seqlock's
//     writer and reader do).
//   - resThread(t): thread t's life. Its exit touches it, and so does
//     every operation on the primitive that is t's Thread (Join,
//     IsAlive, ...: they observe the exit). It is keyed by the thread's
//     order, not the object's index, because a thread may end before the
//     trace first names its Thread. The catalogue's thread-start point is
//     the exception: the starter hits it after the start, and it observes
//     nothing the exit changes (the start itself is ordered by the
//     happens-before edge below).
//   - all: an anonymous scheduling point (a Hit with no name, Sleep(0)), a
//     sleep on the virtual clock, a panic: code around these may touch
//     anything, so the event conflicts with every other event. So does
//     code that runs from a thread's start to its exit without any
//     failpoint in between: snapshot reads such as Queue.Empty or
//     Lock.Locked are not scheduling points, and they may be all that code
//     did.
//
// A thread start is not a resource but a happens-before edge (the child's
// first event follows the spawning event); a wake needs none, because the
// waker and the woken thread both touch the primitive the wait is on.
//
// Object indices are the run's order of first appearance, and thread
// orders the order of the starts: both are stable along a shared prefix of
// two runs but not beyond it. A label kept in a sleep set across runs
// therefore carries the numbers of objects and threads known at the state
// it was recorded in: an object index or a thread order at or above them
// is "fresh", and a fresh resource conflicts with every fresh resource of
// the other label (it may be the same primitive or thread under another
// number). Failpoint names (resName) are stable: the search keeps one
// table for all its runs.
//
// Invariant: res is sorted ascending without duplicates; all == true makes
// res irrelevant.
type depLabel struct {
	all bool
	res []int32
}

const (
	resMemory int32 = 0
	resObject int32 = 1 // resObject+i is trace.Objects[i]
)

// resName is the resource of the i-th failpoint name a ByName search met:
// negative, below every thread's.
func resName(i int) int32 { return -1<<24 - int32(i) }

// resThread is the resource of thread t's life: negative, below every
// other resource.
func resThread(t int) int32 { return -1 - int32(t) }

// add puts r into l, keeping res sorted.
func (l *depLabel) add(r int32) {
	i := 0
	for i < len(l.res) && l.res[i] < r {
		i++
	}
	if i < len(l.res) && l.res[i] == r {
		return
	}
	l.res = append(l.res, 0)
	copy(l.res[i+1:], l.res[i:])
	l.res[i] = r
}

// union adds every resource of o to l.
func (l *depLabel) union(o depLabel) {
	if o.all {
		l.all = true
	}
	for _, r := range o.res {
		l.add(r)
	}
}

func (l depLabel) clone() depLabel {
	return depLabel{all: l.all, res: append([]int32(nil), l.res...)}
}

// dependent reports whether two labels of the same run conflict.
func (l depLabel) dependent(o depLabel) bool {
	if l.all || o.all {
		return true
	}
	i, j := 0, 0
	for i < len(l.res) && j < len(o.res) {
		switch {
		case l.res[i] == o.res[j]:
			return true
		case l.res[i] < o.res[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// dependentAcross reports whether l, recorded in an earlier run at a state
// that knew objs objects and thrs threads, conflicts with o of the current
// run (see the type's doc: fresh resources conflict with fresh ones).
func (l depLabel) dependentAcross(o depLabel, objs, thrs int) bool {
	return l.dependent(o) || (l.hasFresh(objs, thrs) && o.hasFresh(objs, thrs))
}

// hasFresh reports whether l names an object index >= objs or a thread
// order >= thrs.
func (l depLabel) hasFresh(objs, thrs int) bool {
	for _, r := range l.res {
		if r >= resObject+int32(objs) || (r > resName(0) && r <= resThread(thrs)) {
			return true
		}
	}
	return false
}
