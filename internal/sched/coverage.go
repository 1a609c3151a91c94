package sched

import (
	"fmt"
	"sync"
)

// Coverage counts the schedules a property ran and the distinct
// interleavings (trace fingerprints) they covered. It is safe for
// concurrent use.
type Coverage struct {
	mu       sync.Mutex
	runs     int                 // guarded by mu
	failures int                 // guarded by mu
	seen     map[uint64]struct{} // guarded by mu
}

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
}

// Runs returns how many schedules were counted.
func (c *Coverage) Runs() int { c.mu.Lock(); defer c.mu.Unlock(); return c.runs }

// Distinct returns how many distinct interleavings were seen.
func (c *Coverage) Distinct() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.seen) }

// Failures returns how many counted runs failed.
func (c *Coverage) Failures() int { c.mu.Lock(); defer c.mu.Unlock(); return c.failures }

// String returns "schedules=N distinct=M failures=F", the line make explore
// collects into its summary table.
func (c *Coverage) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("schedules=%d distinct=%d failures=%d", c.runs, len(c.seen), c.failures)
}
