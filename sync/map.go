package sync

import (
	gosync "sync"

	"github.com/interleave-lab/interleave/internal/sched"
)

// Map is like a Go map[any]any but is safe for concurrent use by multiple
// goroutines without additional locking or coordination. Loads, stores,
// and deletes run in amortized constant time. The zero Map is empty and
// ready for use.
//
// A Map must not be copied after first use.
//
// In the terminology of the Go memory model, Map arranges that a write
// operation "synchronizes before" any read operation that observes the
// effect of the write.
//
// Map wraps the standard library's sync.Map; in a model run every method
// is a scheduling point (no method blocks), so check-then-act sequences of
// Map calls are interleaved by the explorer.
type Map struct {
	m gosync.Map
}

// point is every method's scheduling point. It names m, so that the
// explorer's reduction sees two calls on one Map as dependent (a nil
// object would leave only the method names, and Load and Store would
// commute).
func (m *Map) point(op string) {
	if sched.Active() {
		sched.Point(op, m)
	}
}

// Observe reports what a trace shows of m: its kind (a Map's contents are
// not listed).
func (m *Map) Observe() sched.Snapshot { return sched.Snapshot{Kind: "Map"} }

// Load returns the value stored in the map for a key, or nil if no value
// is present. The ok result indicates whether value was found in the map.
func (m *Map) Load(key any) (value any, ok bool) {
	m.point("Map.Load")
	return m.m.Load(key)
}

// Store sets the value for a key.
func (m *Map) Store(key, value any) {
	m.point("Map.Store")
	m.m.Store(key, value)
}

// Clear deletes all the entries, resulting in an empty Map.
func (m *Map) Clear() {
	m.point("Map.Clear")
	m.m.Clear()
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) {
	m.point("Map.LoadOrStore")
	return m.m.LoadOrStore(key, value)
}

// LoadAndDelete deletes the value for a key, returning the previous value
// if any. The loaded result reports whether the key was present.
func (m *Map) LoadAndDelete(key any) (value any, loaded bool) {
	m.point("Map.LoadAndDelete")
	return m.m.LoadAndDelete(key)
}

// Delete deletes the value for a key.
func (m *Map) Delete(key any) {
	m.point("Map.Delete")
	m.m.Delete(key)
}

// Swap swaps the value for a key and returns the previous value if any.
// The loaded result reports whether the key was present.
func (m *Map) Swap(key, value any) (previous any, loaded bool) {
	m.point("Map.Swap")
	return m.m.Swap(key, value)
}

// CompareAndSwap swaps the old and new values for key if the value stored
// in the map is equal to old. The old value must be of a comparable type.
func (m *Map) CompareAndSwap(key, old, new any) (swapped bool) {
	m.point("Map.CompareAndSwap")
	return m.m.CompareAndSwap(key, old, new)
}

// CompareAndDelete deletes the entry for key if its value is equal to old.
// The old value must be of a comparable type.
//
// If there is no current value for key in the map, CompareAndDelete
// returns false (even if the old value is the nil interface value).
func (m *Map) CompareAndDelete(key, old any) (deleted bool) {
	m.point("Map.CompareAndDelete")
	return m.m.CompareAndDelete(key, old)
}

// Range calls f sequentially for each key and value present in the map. If
// f returns false, range stops the iteration.
//
// Range does not necessarily correspond to any consistent snapshot of the
// Map's contents: no key will be visited more than once, but if the value
// for any key is stored or deleted concurrently (including by f), Range
// may reflect any mapping for that key from any point during the Range
// call. Range does not block other methods on the receiver; even f itself
// may call any method on m. In a model run the order of the keys is the
// standard library's, which a replay may not reproduce for maps whose
// iteration order depends on hashing.
func (m *Map) Range(f func(key, value any) bool) {
	m.point("Map.Range")
	m.m.Range(f)
}
