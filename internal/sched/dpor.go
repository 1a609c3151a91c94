package sched

import (
	"slices"
	"strings"
)

// DPOR is the reduced exhaustive search: dynamic partial-order reduction
// with sleep sets, its races reversed as source-DPOR does (Abdulla,
// Aronis, Jonsson and Sagonas, POPL 2014) and bounded by preemptions with
// the conservative backtrack points of Bounded Partial-Order Reduction
// (Coons, Musuvathi and McKinley, OOPSLA 2013). One DPOR value drives every
// run of a search: run the body under it with Execute, then call Next until
// it reports false.
//
// # Events and decisions
//
// A run is a sequence of decisions (a thread at a scheduling point may keep
// running, yield to another ready thread, or be delayed past the next
// pending timer; when the running thread blocks or ends, one of the threads
// ready at that instant runs; a Choose picks a value) and, between two
// decisions, events: the code one thread ran, cut where the trace shows
// another thread taking over without a decision (the only candidate). Each
// event has a dependency label (depLabel: the relation and why it is what
// it is), read from the trace steps the event recorded. Two more events
// are made up when a run ends: the code the last chosen thread ran without
// recording a step (main's end, when its exit unwinds the daemons), and,
// for every thread that never exited, the event it was cut short before;
// both touch everything.
//
// # The search
//
// Happens-before is program order, thread starts and dependency,
// transitively. Event i races with a later event j of another thread when
// they are dependent and nothing else orders them (i happens before
// neither j's thread's previous event nor another event j depends on).
// For each race the search takes the decision n that let i run (the last
// decision before i when i started without one) and the initials of the
// reversal: the threads of the events after i that do not depend on it,
// and of j, that nothing among those events precedes. If none of them is
// to be explored at n or asleep there, the first that can run at n is
// added to n's backtrack set; when none can run at n, every thread n could
// choose is added, and the delay past a timer at the latest delay decision
// at or before n that had one pending, and at the latest one where i's
// thread was held (the thread j needs may be asleep on the clock). At BPOR's
// conservative point, the latest decision before n that was a context
// switch, an initial that can run there is added too (or, when none can,
// the delay past a pending timer): there the reversal may fit in the bound
// when it does not at n.
//
// Delays past a timer are never reduced: at every delay decision with a
// timer pending, the delay is in the backtrack set (within the bound). A
// timer expires only once every thread is blocked, a dependency on all of
// them that no label shows; the differential test found outcomes lost
// without this.
//
// Sleep sets prune the rest: option u explored from a decision sleeps in
// the later siblings' runs until an event dependent with u's first event
// (or u itself) runs, and a sleeping thread is never chosen. Under a
// preemption bound plain sleep sets are unsound (the pruned run's
// representative, u moved first, may need more preemptions than the bound
// allows), so u only sleeps where dporNode.sleepSafe shows the
// representative needs no more preemptions than the pruned run. A run
// whose every option at a decision is asleep or over the bound is
// redundant: it is finished with default choices (keep running, the first
// tied thread), so its body ends normally, and adds nothing to the search.
// Sleep sets are emptied whenever virtual time moves: a thread's next event
// may read the clock, so a sleeper recorded at another instant proves
// nothing.
//
// # What it covers
//
// Let U(k) be the runs of the unreduced search (Exhaustive) at bound k.
// For bodies that keep the label contract (memory shared without a
// primitive is touched only next to a failpoint without an object, an
// anonymous point or a sleep), the claim is BPOR's: every Mazurkiewicz
// trace (class of runs equal up to swapping adjacent independent events)
// with a member in U(k) has a member among the runs explored. BPOR's proof
// is for DPOR without sleep sets and with persistent-set backtracking; the
// search here adds source-DPOR's initials and bound-safe sleep sets, so
// the claim is checked rather than inherited: the root package's tests
// compare the outcomes of the reduced and the unreduced search on random
// programs (two or three threads, shared variables, a lock, events, sleeps
// and timed waits; 1,500 programs passed while it was developed, 100 per
// test run) and the bugs both find on the measurement kernels.
type DPOR struct {
	bound  int
	timers bool

	// ByName makes a failpoint hit without an object touch only what
	// other hits of the same name touch (depLabel's resName), instead of
	// all the user's memory: a finer relation, sound only for programs
	// whose failpoint names partition the memory they guard (set it
	// before the first run).
	ByName bool
	names  map[string]int32 // failpoint name -> its resource; kept across runs so the ids are stable

	// stack is the exploration stack: stack[i] is the i-th decision of the
	// current run. Invariant: between runs, stack[:len-1] is the prefix the
	// next run replays (every node's chosen option), and the last node's
	// chosen option is the one Next just picked (marked done); during a run,
	// pos nodes have been reached, and nodes at pos and beyond belong to
	// the previous run until the run reaches them.
	stack []*dporNode
	runs  int // runs started
	dead  int // runs that were redundant (sleep-set blocked)

	// The current run. Invariant: r is the run of the current Execute
	// (nil before its first decision); events[:] are the events labelled
	// so far, hb[j] is the set of events that happen before events[j] (a
	// bitset over event indices), lastOf[q] the index of thread q's last
	// event, parentEv[q] the event that started thread q, carry[q] the
	// resources q's pending operation touches (those of the point it
	// stopped at); seen is how many trace steps have been read and
	// lastSteps the run's step count when they were; lastNode is the index
	// in stack of the last thread decision (delay or tie) reached, -1 for
	// none; pre counts the run's preemptions; prefer is the thread a
	// yielding delay chose, for the tie that follows, -1 for none; blocked
	// says the run became redundant.
	r        *run
	pos      int
	lastNode int
	pre      int
	prefer   int
	blocked  bool
	// overflow is set when the run recorded more than MaxDPOREvents
	// events: the race analysis, whose cost grows with the events before
	// each one, stops, and at the end of the run every option of every
	// decision on the stack is scheduled, as the unreduced search would
	// (sleep sets, which need no race analysis, still prune).
	overflow  bool
	seen      int
	lastSteps int
	starts    int
	events    []dporEvent
	hb        [][]uint64
	lastOf    map[int]int
	parentEv  map[int]int
	exited    map[int]bool // threads whose exit the trace recorded
	carry     map[int]depLabel
	byRes     map[int32][]int
	allEv     []int
	fresh     []int // events labelled by the last flush
}

// A dporEvent is the code one thread ran between two decisions (or until
// another thread took over without one).
type dporEvent struct {
	th     int
	l      depLabel
	node   int  // the last thread decision before it in stack, -1 for none
	direct bool // it is the first event after that decision
}

// NewDPOR returns the reduced search with at most bound preemptions;
// timers adds the delay past the next pending timer as an option at every
// scheduling point where one is pending (a preemption too).
func NewDPOR(bound int, timers bool) *DPOR {
	d := &DPOR{bound: bound, timers: timers}
	d.reset()
	return d
}

// Runs returns how many runs the search started; Redundant how many of
// them the sleep sets found redundant part-way.
func (d *DPOR) Runs() int { return d.runs }

// Redundant returns how many runs ended in a state whose every option was
// asleep: they finished with default choices and added nothing.
func (d *DPOR) Redundant() int { return d.dead }

// MaxDPOREvents bounds the events of one run that the race analysis
// looks at: each event's analysis reads every earlier event it depends on
// (and a happens-before set as long as the run), so a run of n events
// costs O(n²). A longer run (a livelock running to its step budget, a body
// far larger than exhaustive search can cover anyway) falls back to the
// unreduced search for its decisions. A variable so that tests can make
// every run overflow.
var MaxDPOREvents = 10_000

func (d *DPOR) reset() {
	d.r = nil
	d.pos, d.lastNode, d.pre, d.prefer = 0, -1, 0, -1
	d.blocked, d.overflow = false, false
	d.seen, d.lastSteps, d.starts = 0, 0, 0
	d.events = d.events[:0]
	d.hb = d.hb[:0]
	d.lastOf = map[int]int{}
	d.parentEv = map[int]int{}
	d.exited = map[int]bool{}
	d.carry = map[int]depLabel{}
	d.byRes = map[int32][]int{}
	d.allEv = d.allEv[:0]
}

// Delay makes a delay decision.
func (d *DPOR) Delay(v *View) int {
	d.r = v.r
	if d.blocked {
		return 0
	}
	d.flush(v.Current(), true)
	n := d.node(v, nodeDelay)
	if n == nil {
		return 0
	}
	switch o := n.chosen; {
	case o == n.cur:
		return 0
	case o == optTimer:
		return TimerFrom
	default:
		if len(n.enabled) > 2 {
			d.prefer = o // the scheduler asks for a tie only when several others are ready
		}
		return YieldCode
	}
}

// Tie makes a tie decision, follows a yield's preferred thread, or makes a
// data decision for Choose (the running thread is still running then).
func (d *DPOR) Tie(v *View) int {
	d.r = v.r
	if d.prefer >= 0 {
		p := d.prefer
		d.prefer = -1
		return max(slices.Index(v.tied, p), 0)
	}
	if d.blocked {
		return 0
	}
	kind := nodeTie
	if v.r.cur != nil && v.r.cur.state == running {
		kind = nodeData
	} else {
		d.flush(-1, false)
	}
	n := d.node(v, kind)
	if n == nil {
		return 0
	}
	if kind == nodeData {
		return n.chosen
	}
	return max(slices.Index(v.tied, n.chosen), 0)
}

// node returns the decision the run reaches now: the stored one while the
// run replays the prefix, a new one past it (nil when the run has just
// become redundant).
func (d *DPOR) node(v *View, kind nodeKind) *dporNode {
	r := v.r
	var n *dporNode
	if d.pos < len(d.stack) {
		n = d.stack[d.pos]
	} else {
		n = &dporNode{kind: kind, pre: d.pre, objs: len(r.trace.Objects), thrs: len(r.threads), now: r.now}
		switch kind {
		case nodeDelay:
			n.cur = v.Current()
			n.enabled = v.ReadyOthers(append(n.enabled, n.cur))
			n.timer = d.timers && v.TimerPending()
		default:
			n.enabled = append(n.enabled, v.tied...)
		}
		if kind != nodeData {
			n.sleep = d.propagate(n)
		}
		c, ok := d.firstChoice(n)
		if !ok {
			d.blocked = true
			d.dead++
			return nil
		}
		n.chosen = c
		n.done = []int{c}
		n.backtrack = []int{c}
		if kind == nodeData {
			n.backtrack = slices.Clone(n.enabled) // every value is explored
		}
		if n.timer && c != optTimer {
			// Delays past a timer are not reduced: a timer's expiry
			// depends on every thread's being blocked, which no label
			// shows, so each one is explored as the unreduced search does.
			n.backtrack = append(n.backtrack, optTimer)
		}
		d.stack = append(d.stack, n)
	}
	if kind != nodeData {
		last := -1
		if len(d.events) > 0 {
			last = d.events[len(d.events)-1].th
		}
		n.switched = n.chosen != optTimer && n.chosen != last
		d.lastNode = d.pos
		n.seenFirst = false
	}
	d.pre += n.cost(n.chosen)
	d.pos++
	return n
}

// firstChoice is the option a new node takes: the cheapest one not asleep.
func (d *DPOR) firstChoice(n *dporNode) (int, bool) {
	if n.kind == nodeData {
		return 0, true
	}
	for _, o := range n.enabled {
		if n.pre+n.cost(o) <= d.bound && !n.asleep(o) {
			return o, true
		}
	}
	return 0, false
}

// propagate returns the sleep set of the new node n: the sleepers of the
// last thread decision and the options explored there before the one the
// run took, less those the events since then woke (dependent with them,
// or the thread itself ran). It is empty when virtual time moved.
func (d *DPOR) propagate(n *dporNode) []sleeper {
	if d.lastNode < 0 {
		return nil
	}
	p := d.stack[d.lastNode]
	if p.now != n.now {
		return nil
	}
	cand := slices.Clone(p.sleep)
	for _, o := range p.done {
		if o == p.chosen || o == optTimer || p.chosen == optTimer || !p.sleepSafe(o) {
			continue
		}
		if l, ok := p.explored[o]; ok {
			cand = append(cand, sleeper{th: o, l: l, objs: p.objs, thrs: p.thrs})
		}
	}
	var out []sleeper
	for _, s := range cand {
		awake := !slices.Contains(n.enabled, s.th)
		for _, j := range d.fresh {
			e := d.events[j]
			if e.th == s.th || s.l.dependentAcross(e.l, s.objs, s.thrs) {
				awake = true
				break
			}
		}
		if !awake {
			out = append(out, s)
		}
	}
	return out
}

// flush labels the trace steps recorded since the last decision as events
// and runs the race analysis on them. cur is the thread at a delay
// decision (it ran up to the point even if it recorded nothing), -1 at a
// tie or at the end of the run.
func (d *DPOR) flush(cur int, atPoint bool) {
	r := d.r
	steps := r.trace.recs[d.seen:]
	d.seen = len(r.trace.recs)
	// Every point (named or not), sleep and park counts a step (countStep,
	// overBudget); named points, sleeps, parks and spawns (whose point is
	// anonymous) are recorded. More counted than recorded means an
	// anonymous point ran: its surroundings may touch anything.
	counted := r.steps - d.lastSteps
	d.lastSteps = r.steps
	recorded := 0
	for _, s := range steps {
		switch s.kind {
		case StepPoint, StepSleep, StepStart, StepBlock:
			recorded++
		}
	}
	anon := counted > recorded
	d.fresh = d.fresh[:0]
	var cut []int // start index in steps of each group
	th := -2
	for i, s := range steps {
		if s.kind == StepDelay {
			continue
		}
		if int(s.thread) != th {
			cut = append(cut, i)
			th = int(s.thread)
		}
	}
	for g, start := range cut {
		end := len(steps)
		if g+1 < len(cut) {
			end = cut[g+1]
		}
		d.addEvent(int(steps[start].thread), steps[start:end], anon, g == 0)
	}
	if atPoint && th != cur {
		d.addEvent(cur, nil, anon, len(cut) == 0)
	}
}

// addEvent labels one event of thread th made of steps and analyses it.
func (d *DPOR) addEvent(th int, steps []rec, anon, first bool) {
	l := d.carry[th].clone()
	carry := d.carry[th]
	if anon {
		l.all = true
		carry = depLabel{all: true}
	}
	j := len(d.events)
	for _, s := range steps {
		switch s.kind {
		case StepPoint:
			var pl depLabel
			if s.object >= 0 {
				pl.add(resObject + s.object)
				if t := d.threadOf(int(s.object)); t >= 0 && !strings.HasSuffix(d.r.trace.op(s), "/thread-start") {
					pl.add(resThread(t))
				}
			} else if d.ByName {
				pl.add(d.nameResource(d.r.trace.op(s)))
			} else {
				pl.add(resMemory)
			}
			l.union(pl)
			carry = pl
			if anon {
				carry.all = true
			}
		case StepExit:
			d.exited[th] = true
			if len(l.res) == 0 {
				// No failpoint bounds this code (start, or a wake, to
				// exit): a snapshot read such as Queue.Empty, which is not
				// a scheduling point, may be all it did.
				l.all = true
			}
			d.exitResource(&l, th)
		case StepSleep, StepPanic:
			l.all = true
			carry = depLabel{all: true}
		case StepStart:
			d.starts++
			d.parentEv[d.starts] = j
		}
	}
	d.carry[th] = carry
	node := d.lastNode
	e := dporEvent{th: th, l: l, node: node, direct: first}
	d.events = append(d.events, e)
	d.fresh = append(d.fresh, j)
	if node >= 0 && first {
		if n := d.stack[node]; !n.seenFirst && n.chosen == th {
			n.seenFirst = true
			if n.explored == nil {
				n.explored = map[int]depLabel{}
			}
			if _, ok := n.explored[th]; !ok {
				n.explored[th] = l.clone()
				if len(steps) > 0 {
					switch steps[len(steps)-1].kind {
					case StepBlock, StepExit, StepSleep:
						if n.parked == nil {
							n.parked = map[int]bool{}
						}
						n.parked[th] = true
					}
				}
			}
		}
	}
	if j >= MaxDPOREvents {
		d.overflow = true
	} else {
		d.analyse(j)
	}
}

// nameResource returns the resource of failpoint name (ByName).
func (d *DPOR) nameResource(name string) int32 {
	if d.names == nil {
		d.names = map[string]int32{}
	}
	r, ok := d.names[name]
	if !ok {
		r = resName(len(d.names))
		d.names[name] = r
	}
	return r
}

// exitResource adds to l what thread th's exit touches: the thread itself,
// which operations on its Thread observe (Join, IsAlive).
func (d *DPOR) exitResource(l *depLabel, th int) { l.add(resThread(th)) }

// threadOf returns the order of the thread whose info is the trace object
// with index obj, -1 for none.
func (d *DPOR) threadOf(obj int) int {
	if obj >= len(d.r.trace.Objects) || d.r.trace.Objects[obj].Kind != "Thread" {
		return -1
	}
	for o, i := range d.r.objects {
		if i != obj {
			continue
		}
		for _, th := range d.r.threads {
			if th.info != nil && any(th.info) == any(o) {
				return th.order
			}
		}
	}
	return -1
}

func hbHas(b []uint64, i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

// hbJoin adds to dst the events before event i and i itself.
func hbJoin(dst []uint64, hb [][]uint64, i int) []uint64 {
	for len(dst) <= i/64 {
		dst = append(dst, 0)
	}
	for w, x := range hb[i] {
		dst[w] |= x
	}
	dst[i/64] |= 1 << (i % 64)
	return dst
}

// analyse computes the happens-before set of event j and reverses each
// of its races (see the type's doc).
func (d *DPOR) analyse(j int) {
	e := d.events[j]
	var clock []uint64 // what happens before j through thread order and starts
	if p, ok := d.lastOf[e.th]; ok {
		clock = hbJoin(clock, d.hb, p)
	} else if p, ok := d.parentEv[e.th]; ok {
		clock = hbJoin(clock, d.hb, p)
	}
	hb := slices.Clone(clock)
	var deps []int
	visit := func(i int) {
		if i >= j || d.events[i].th == e.th || !d.events[i].l.dependent(e.l) || slices.Contains(deps, i) {
			return
		}
		deps = append(deps, i)
		hb = hbJoin(hb, d.hb, i)
	}
	if e.l.all {
		for i := range j {
			visit(i)
		}
	} else {
		for _, i := range d.allEv {
			visit(i)
		}
		for _, res := range e.l.res {
			for _, i := range d.byRes[res] {
				visit(i)
			}
		}
	}
	// i races with j when nothing else orders them: i is neither before
	// j's thread (clock) nor before another event j depends on.
	indirect := slices.Clone(clock)
	for _, i := range deps {
		for len(indirect) < len(d.hb[i]) {
			indirect = append(indirect, 0)
		}
		for w, x := range d.hb[i] {
			indirect[w] |= x
		}
	}
	d.hb = append(d.hb, hb)
	d.lastOf[e.th] = j
	if e.l.all {
		d.allEv = append(d.allEv, j)
	} else {
		for _, res := range e.l.res {
			d.byRes[res] = append(d.byRes[res], j)
		}
	}
	for _, i := range deps {
		if !hbHas(indirect, i) {
			d.reverse(i, j)
		}
	}
}

// reverse schedules the other order of the race between events i and j:
// at the decision n that let i run, one of the threads that can start the
// events after i that do not depend on it, followed by j (the initials of
// source-DPOR, Abdulla et al. 2014), unless one of them is already to be
// explored there or asleep; every option of n when none of them could run
// at n. The same is done at BPOR's conservative point, the latest context
// switch before n.
func (d *DPOR) reverse(i, j int) {
	n := d.events[i].node
	if n < 0 {
		return
	}
	var v []int // notdep(i).j: the events after i not ordered after it, then j
	for k := i + 1; k < j; k++ {
		if !hbHas(d.hb[k], i) {
			v = append(v, k)
		}
	}
	v = append(v, j)
	var initials []int // threads of the events of v that nothing in v precedes
	for x, k := range v {
		first := true
		for _, k2 := range v[:x] {
			if hbHas(d.hb[k], k2) {
				first = false
				break
			}
		}
		if th := d.events[k].th; first && !slices.Contains(initials, th) {
			initials = append(initials, th)
		}
	}
	d.backtrackAt(n, d.events[i].th, initials)
	for m := n - 1; m >= 0; m-- {
		s := d.stack[m]
		if s.kind == nodeData || !s.switched {
			continue
		}
		// BPOR's conservative point: an initial that can run there, if
		// any; if none can (they are asleep on the clock, or not started),
		// the delay past the timer, when one pends there. The fallback to
		// every thread belongs to n alone.
		added := false
		for _, q := range initials {
			if slices.Contains(s.enabled, q) {
				if !s.asleep(q) {
					s.addBacktrack(q)
				}
				added = true
				break
			}
		}
		if !added && s.kind == nodeDelay && s.timer {
			s.addBacktrack(optTimer)
		}
		break
	}
}

// backtrackAt makes node n explore one of the threads in initials, unless
// one of them is already to be explored there or asleep; when none of
// them can run at n, every option of n, and the delay past a timer at the
// latest delay decision (at n or before) with a timer pending and at the
// latest one where ith (the thread of the race's first event) was held, in
// case the thread was asleep on the clock.
func (d *DPOR) backtrackAt(n, ith int, initials []int) {
	s := d.stack[n]
	for _, q := range initials {
		if slices.Contains(s.backtrack, q) || s.asleep(q) {
			return
		}
	}
	for _, q := range initials {
		if slices.Contains(s.enabled, q) {
			s.addBacktrack(q)
			return
		}
	}
	for _, o := range s.enabled {
		s.addBacktrack(o)
	}
	for m := n; m >= 0; m-- {
		if t := d.stack[m]; t.kind == nodeDelay && t.timer {
			t.addBacktrack(optTimer)
			break
		}
	}
	// The event that must move past the timer may have started without a
	// decision (its thread was the only one ready): delay its thread past
	// the timer at the last point where it was held and a timer pended.
	for m := n; m >= 0; m-- {
		if t := d.stack[m]; t.kind == nodeDelay && t.timer && t.cur == ith {
			t.addBacktrack(optTimer)
			break
		}
	}
}

// Next finishes the analysis of the run that just ended and sets up the
// next one; it reports false when the search is complete.
func (d *DPOR) Next() bool {
	d.runs++
	if d.r != nil && !d.blocked {
		d.flush(-1, false)
		if d.lastNode >= 0 {
			// The thread the last decision chose ran and recorded nothing
			// (main's code after its last point, when its exit unwinds
			// the daemons and no exit step is written): an event that may
			// have touched anything.
			if n := d.stack[d.lastNode]; !n.seenFirst && n.chosen != optTimer {
				d.addEvent(n.chosen, nil, true, true)
			}
		}
		// A thread that never exited was cut short when the run ended
		// (a daemon unwound at main's exit, or every thread after a
		// failure): its next event would have conflicted with whatever
		// ended the run, so it is analysed as an event that touches
		// everything, and the search tries running it earlier.
		for t := 1; t < len(d.r.threads); t++ {
			if !d.exited[t] {
				d.addEvent(t, nil, true, false)
			}
		}
	}
	d.stack = d.stack[:min(d.pos, len(d.stack))]
	if d.overflow {
		for _, n := range d.stack {
			for _, o := range n.enabled {
				n.addBacktrack(o)
			}
			n.addBacktrack(optTimer)
		}
	}
	for len(d.stack) > 0 {
		n := d.stack[len(d.stack)-1]
		if o, ok := n.next(d.bound); ok {
			n.chosen = o
			n.done = append(n.done, o)
			d.reset()
			return true
		}
		d.stack = d.stack[:len(d.stack)-1]
	}
	d.reset()
	return false
}
