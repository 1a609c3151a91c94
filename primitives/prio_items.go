package primitives

// prioItems is the binary min-heap behind a priority queue, ordered by
// less (container/heap's algorithm, written out so that a panicking less
// can be rolled back).
//
// Invariant: between operations, items is a heap: !less(items[i],
// items[(i-1)/2]) for every i > 0. During push or pop, swaps records every
// swap made so far, so undo can put items back exactly as they were
// before the operation (it calls no less).
type prioItems[T any] struct {
	items []T
	less  func(a, b T) bool
	swaps [][2]int // the current operation's swaps, in order
	op    prioOp   // the operation in progress, prioNone between operations
}

type prioOp uint8

const (
	prioNone prioOp = iota
	prioPush
	prioPop
)

func (h *prioItems[T]) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.swaps = append(h.swaps, [2]int{i, j})
}

// push adds v. If less panics, h is left in an intermediate state that
// undo reverts.
func (h *prioItems[T]) push(v T) {
	h.op, h.swaps = prioPush, h.swaps[:0]
	h.items = append(h.items, v)
	for j := len(h.items) - 1; j > 0; {
		i := (j - 1) / 2
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.swap(i, j)
		j = i
	}
	h.op = prioNone
}

// pop removes and returns the least item; len(items) > 0. If less panics,
// undo reverts.
func (h *prioItems[T]) pop() T {
	h.op, h.swaps = prioPop, h.swaps[:0]
	n := len(h.items) - 1
	h.swap(0, n)
	for i := 0; ; {
		j := 2*i + 1
		if j >= n {
			break
		}
		if r := j + 1; r < n && h.less(h.items[r], h.items[j]) {
			j = r
		}
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.swap(i, j)
		i = j
	}
	var zero T
	v := h.items[n]
	h.items[n] = zero // let the item be collected
	h.items = h.items[:n]
	h.op = prioNone
	return v
}

// undo reverts the operation in progress, if any: every recorded swap
// in reverse order, and a push's new item removed.
func (h *prioItems[T]) undo() {
	if h.op == prioNone {
		return
	}
	for k := len(h.swaps) - 1; k >= 0; k-- {
		i, j := h.swaps[k][0], h.swaps[k][1]
		h.items[i], h.items[j] = h.items[j], h.items[i]
	}
	if h.op == prioPush {
		var zero T
		h.items[len(h.items)-1] = zero
		h.items = h.items[:len(h.items)-1]
	}
	h.op, h.swaps = prioNone, h.swaps[:0]
}
