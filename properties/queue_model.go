package properties

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/anishathalye/porcupine"
)

// QueueInput is the input of one queue operation in a history: a Put of
// Value, or a Get (Put false).
type QueueInput struct {
	Put   bool
	Value int
}

// QueueOutput is the outcome of one queue operation: the Value a Get
// returned, and whether the operation succeeded (a Get that found the
// queue empty, TryGet's ErrEmpty, has OK false).
type QueueOutput struct {
	Value int
	OK    bool
}

// QueueModel is the sequential specification of a FIFO queue for
// porcupine: the state is the slice of items, oldest first; a Put appends
// (a successful Put always can: the queue under test is unbounded); a Get
// that succeeded takes the oldest item, which must be the value it
// returned; a Get that failed is allowed only on an empty queue.
var QueueModel = porcupine.Model{
	Init: func() any { return []int(nil) },
	Step: func(state, input, output any) (bool, any) {
		items := state.([]int)
		in, out := input.(QueueInput), output.(QueueOutput)
		switch {
		case in.Put:
			return out.OK, append(slices.Clip(items), in.Value)
		case !out.OK:
			return len(items) == 0, items
		default:
			return len(items) > 0 && items[0] == out.Value, items[min(1, len(items)):]
		}
	},
	Equal: func(a, b any) bool { return slices.Equal(a.([]int), b.([]int)) },
	DescribeOperation: func(input, output any) string {
		in, out := input.(QueueInput), output.(QueueOutput)
		if in.Put {
			return fmt.Sprintf("Put(%d) ok=%v", in.Value, out.OK)
		}
		if !out.OK {
			return "Get() = empty"
		}
		return fmt.Sprintf("Get() = %d", out.Value)
	},
	DescribeState: func(state any) string { return fmt.Sprint(state.([]int)) },
}

// A History records the operations of a model run for porcupine, each
// stamped before the call and after the return with the virtual clock.
// Several events happen at the same virtual instant; since the threads of
// a model run execute one at a time, the order in which they are recorded
// is their real-time order, so a stamp is the virtual time in nanoseconds
// shifted left by 20 bits plus the event's sequence number: strictly
// increasing, and ordered as sched.Now() is.
type History struct {
	mu  sync.Mutex // model threads run one at a time; mu keeps real-mode use safe
	seq int64
	ops []porcupine.Operation
}

// Stamp returns the next timestamp.
func (h *History) Stamp() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	return sched.Now().Sub(sched.Epoch).Nanoseconds()<<20 | h.seq
}

// Record runs op as client's operation with the given input, stamping it
// before the call and after the return.
func (h *History) Record(client int, in QueueInput, op func() QueueOutput) QueueOutput {
	call := h.Stamp()
	out := op()
	ret := h.Stamp()
	h.mu.Lock()
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
	h.mu.Unlock()
	return out
}

// Operations returns the recorded history.
func (h *History) Operations() []porcupine.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.ops)
}

// CheckQueueHistory reports whether h is linearizable against QueueModel
// and, if not, a description of the history.
func CheckQueueHistory(h *History) (bool, string) {
	ops := h.Operations()
	res, _ := porcupine.CheckOperationsVerbose(QueueModel, ops, 10*time.Second)
	if res == porcupine.Ok {
		return true, ""
	}
	slices.SortFunc(ops, func(a, b porcupine.Operation) int { return int(a.Call - b.Call) })
	s := ""
	for _, o := range ops {
		s += fmt.Sprintf("  client %d [%d,%d] %s\n", o.ClientId, o.Call&(1<<20-1), o.Return&(1<<20-1),
			QueueModel.DescribeOperation(o.Input, o.Output))
	}
	return false, fmt.Sprintf("%s:\n%s", res, s)
}
