package sched

import (
	"slices"
	"time"
)

// optTimer is the option "delay the running thread past the next pending
// timer" at a delay node; every other option is a thread order (or, at a
// data node, a value).
const optTimer = -1

type nodeKind uint8

const (
	nodeDelay nodeKind = iota // the running thread is at a scheduling point: keep it, yield to another ready thread, or delay it past a timer
	nodeTie                   // the running thread blocked or ended: which of the threads ready at this instant runs
	nodeData                  // a Choose among n values (chans.Select): every value is explored, no reduction
)

// A dporNode is one scheduling decision of the DPOR search's current run:
// the state before it (as far as the search needs it) and the bookkeeping
// of which options were and are still to be explored from that state.
//
// Invariant: chosen ∈ done ⊆ backtrack ∪ {chosen}; every option in
// backtrack is in enabled (or optTimer with timer set), except at data
// nodes where options are 0..len(enabled)-1; pre + cost(chosen) <= the
// bound (cost 1 for a delay node option other than cur, else 0); explored
// holds, for each thread option in done other than a data node's, the label
// of the first event that option ran from this state (filled once that
// event is seen); at a delay node with timer set, optTimer is in backtrack
// (delays past timers are never reduced); every sleeper's thread is in
// enabled and not chosen, its label was recorded from an ancestor's state
// along the current path, where it passed sleepSafe, and no event since
// then is dependent with it; sleep is empty when virtual time differs
// from the previous thread decision's.
type dporNode struct {
	kind     nodeKind
	cur      int           // delay: the thread at the point
	enabled  []int         // delay: cur first, then the other threads ready now; tie: the tied threads; data: 0..n-1
	timer    bool          // delay: a timer is pending, so optTimer is an option
	pre      int           // preemptions the run made before this node
	objs     int           // trace objects known at this state: the base of fresh indices (depLabel)
	thrs     int           // threads started by this state: the base of fresh thread orders
	now      time.Duration // virtual time at this state
	chosen   int           // the option the current run takes here
	switched bool          // the chosen thread is not the one that ran last before the node (a context switch)

	backtrack []int            // options that must be explored from this state
	done      []int            // options explored, or being explored, from this state
	explored  map[int]depLabel // thread option -> label of the first event it ran from here
	parked    map[int]bool     // thread option -> that first event ended with the thread blocked, asleep or exited (not at a point)
	sleep     []sleeper        // the sleep set of this state
	seenFirst bool             // the first event after this node has been labelled in this run
}

// A sleeper is a thread whose next event from a state was already explored
// from that state or an ancestor, and which stays asleep while the events
// run since are independent of it: running it now would only repeat
// interleavings already covered.
//
// Invariant: l is the label of th's first event from the ancestor state
// the sleeper was recorded at, and objs, thrs that state's counts.
type sleeper struct {
	th         int
	l          depLabel
	objs, thrs int // objects and threads known where l was recorded (depLabel.dependentAcross)
}

// cost is the number of preemptions option o costs at n.
func (n *dporNode) cost(o int) int {
	if n.kind == nodeDelay && o != n.cur {
		return 1
	}
	return 0
}

// sleepSafe reports whether option u, explored from n before the option
// the run takes now (chosen), may sleep in chosen's subtree without losing
// a schedule within the preemption bound. A sleeping u prunes a run
// n·chosen·E·u·C whose representative n·u·E·C (u's event moved first,
// which commutes with E) was explored from n; that is sound under a bound
// only if the representative needs no more preemptions than the pruned
// run. Counting the choices that differ (at n; after u's event, where the
// representative switches to E's first thread; at the node where the
// pruned run ran u; at the start of C), the representative needs at most
// cost(u) - cost(chosen) more when u's event ended with u blocked or gone
// (the switch after it is free), and cost(u) - cost(chosen) + 1 more when
// it ended at a point. So u may sleep when it ended blocked and costs no
// more than chosen here, or when it is the thread chosen preempted here
// (u = cur, chosen a preemption). Sleep sets without this check are unsound
// under a bound: the differential test found a program whose outcome they
// lost at bound 0.
func (n *dporNode) sleepSafe(u int) bool {
	if n.parked[u] {
		return n.cost(u) <= n.cost(n.chosen)
	}
	return n.cost(u) == 0 && n.cost(n.chosen) == 1
}

func (n *dporNode) asleep(th int) bool {
	for _, s := range n.sleep {
		if s.th == th {
			return true
		}
	}
	return false
}

// addBacktrack adds option o (if it is one of n's) to the options to
// explore.
func (n *dporNode) addBacktrack(o int) {
	if n.kind == nodeData || slices.Contains(n.backtrack, o) {
		return
	}
	if o == optTimer && !n.timer {
		return
	}
	if o != optTimer && !slices.Contains(n.enabled, o) {
		return
	}
	n.backtrack = append(n.backtrack, o)
}

// next returns the next option to explore from n within bound: in
// backtrack, not done, not asleep.
func (n *dporNode) next(bound int) (int, bool) {
	for _, o := range n.backtrack {
		if slices.Contains(n.done, o) || n.pre+n.cost(o) > bound {
			continue
		}
		if o != optTimer && n.kind != nodeData && n.asleep(o) {
			continue
		}
		return o, true
	}
	return 0, false
}
