package broken

import "github.com/interleave-lab/interleave/primitives"

// Condition is a primitives.Condition whose Notify(n) wakes n+1 waiters:
// one too many.
type Condition struct {
	*primitives.Condition
}

// NewCondition returns a Condition over l (an RLock if l is nil) whose
// Notify wakes one waiter too many.
func NewCondition(l primitives.Locker) *Condition {
	return &Condition{primitives.NewCondition(l)}
}

// Notify wakes n+1 waiters instead of n (the bug); Notify(0) still wakes
// nobody.
func (c *Condition) Notify(n int) {
	if n <= 0 {
		c.Condition.Notify(n)
		return
	}
	c.Condition.Notify(n + 1)
}
