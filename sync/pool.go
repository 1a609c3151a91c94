package sync

import (
	"fmt"
	gosync "sync"

	"github.com/interleave-lab/interleave/internal/sched"
)

// A Pool is a set of temporary objects that may be individually saved and
// retrieved.
//
// Any item stored in the Pool may be removed automatically at any time
// without notification. If the Pool holds the only reference when this
// happens, the item might be deallocated.
//
// A Pool is safe for use by multiple goroutines simultaneously.
//
// A Pool must not be copied after first use.
//
// In the terminology of the Go memory model, a call to Put(x)
// "synchronizes before" a call to Get returning that same value x.
// Similarly, a call to New returning x "synchronizes before" a call to Get
// returning that same value x.
//
// In real mode Pool is the standard library's sync.Pool. In a model run
// it is a LIFO list that the garbage collector never empties, so a run
// replays exactly, and Get and Put are scheduling points.
type Pool struct {
	p gosync.Pool

	mu    gosync.Mutex // protects model
	model []any        // model mode: the pooled items, most recent last

	// New optionally specifies a function to generate a value when Get
	// would otherwise return nil. It may not be changed concurrently with
	// calls to Get.
	New func() any
}

// Put adds x to the pool.
func (p *Pool) Put(x any) {
	if x == nil {
		return
	}
	if sched.InModel() {
		sched.Point("Pool.Put", p)
		p.mu.Lock()
		p.model = append(p.model, x)
		p.mu.Unlock()
		return
	}
	p.p.Put(x)
}

// Get selects an arbitrary item from the Pool, removes it from the Pool,
// and returns it to the caller. Get may choose to ignore the pool and
// treat it as empty. Callers should not assume any relation between values
// passed to Put and the values returned by Get.
//
// If Get would otherwise return nil and p.New is non-nil, Get returns the
// result of calling p.New.
func (p *Pool) Get() any {
	var x any
	if sched.InModel() {
		sched.Point("Pool.Get", p)
		p.mu.Lock()
		if n := len(p.model); n > 0 {
			x = p.model[n-1]
			p.model[n-1] = nil
			p.model = p.model[:n-1]
		}
		p.mu.Unlock()
	} else {
		x = p.p.Get()
	}
	if x == nil && p.New != nil {
		x = p.New()
	}
	return x
}

// Observe reports what a trace shows of p: how many items it holds in a
// model run.
func (p *Pool) Observe() sched.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return sched.Snapshot{Kind: "Pool", State: fmt.Sprintf("items=%d", len(p.model))}
}
