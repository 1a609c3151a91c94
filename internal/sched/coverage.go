package sched

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Coverage counts the schedules a property ran and the distinct
// interleavings (trace fingerprints) they covered. It is safe for
// concurrent use.
//
// Besides interleavings it counts what guides a search: at which failpoint
// each preemption happened (preempted) and which ordered pairs of
// failpoints of two different threads ran back to back (pairs: failpoint A
// of one thread, then failpoint B of another, with no failpoint between).
type Coverage struct {
	mu        sync.Mutex
	runs      int                    // guarded by mu
	failures  int                    // guarded by mu
	seen      map[uint64]struct{}    // guarded by mu
	preempted map[string]int         // failpoint -> preemptions there; guarded by mu
	pairs     map[[2]string]struct{} // interleaved failpoint pairs; guarded by mu
}

// shortOp is a failpoint's name as a trace shows it (after the last '/').
func shortOp(op string) string { return op[strings.LastIndexByte(op, '/')+1:] }

// Add counts one run.
func (c *Coverage) Add(tr *Trace) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[uint64]struct{}{}
	}
	c.runs++
	if tr.Failure != nil {
		c.failures++
	}
	c.seen[tr.Fingerprint()] = struct{}{}
	if c.preempted == nil {
		c.preempted = map[string]int{}
		c.pairs = map[[2]string]struct{}{}
	}
	last := -1 // index of the last failpoint step
	steps := tr.recs
	for i, st := range steps {
		switch st.kind {
		case StepDelay:
			// point records the failpoint step, then the delay it chose.
			op := "(unnamed point)"
			if i > 0 && steps[i-1].kind == StepPoint && steps[i-1].thread == st.thread {
				op = shortOp(tr.op(steps[i-1]))
			}
			c.preempted[op]++
		case StepPoint:
			if last >= 0 && steps[last].thread != st.thread {
				c.pairs[[2]string{shortOp(tr.op(steps[last])), shortOp(tr.op(st))}] = struct{}{}
			}
			last = i
		}
	}
}

// PreemptedAt returns, per failpoint (short name), how many preemptions
// of the counted runs happened there.
func (c *Coverage) PreemptedAt() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.preempted)
}

// Pairs returns how many distinct ordered pairs of failpoints were
// interleaved: failpoint A of one thread immediately followed by
// failpoint B of another.
func (c *Coverage) Pairs() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.pairs) }

// Interleaved reports whether failpoint a of one thread was immediately
// followed by failpoint b of another in some counted run (short names, as
// a trace shows them).
func (c *Coverage) Interleaved(a, b string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.pairs[[2]string{a, b}]
	return ok
}

// Runs returns how many schedules were counted.
func (c *Coverage) Runs() int { c.mu.Lock(); defer c.mu.Unlock(); return c.runs }

// Distinct returns how many distinct interleavings were seen.
func (c *Coverage) Distinct() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.seen) }

// Failures returns how many counted runs failed.
func (c *Coverage) Failures() int { c.mu.Lock(); defer c.mu.Unlock(); return c.failures }

// String returns "schedules=N distinct=M failures=F pairs=P preempted=Q
// preempted-at=a:3,b:2,c:1", the line make explore collects into its
// summary table: P is Pairs, Q the number of failpoints that were a
// preemption point at least once, and preempted-at (left out when Q is 0)
// the three most preempted of them with their counts (PreemptedAt), most
// first.
func (c *Coverage) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := fmt.Sprintf("schedules=%d distinct=%d failures=%d pairs=%d preempted=%d",
		c.runs, len(c.seen), c.failures, len(c.pairs), len(c.preempted))
	if len(c.preempted) == 0 {
		return s
	}
	ops := slices.Collect(maps.Keys(c.preempted))
	slices.SortFunc(ops, func(a, b string) int {
		if d := c.preempted[b] - c.preempted[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var top []string
	for _, op := range ops[:min(3, len(ops))] {
		// One field of a space-separated line: "(unnamed point)" is the
		// one name with a space.
		top = append(top, strings.ReplaceAll(op, " ", "-")+":"+itoa(c.preempted[op]))
	}
	return s + " preempted-at=" + strings.Join(top, ",")
}
