package scenarios_test

import (
	"testing"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// The shared checks (parameters, join order, every schedule) are in
// s04_thread_func_test.go, over ThreadFunction, ThreadCallable and
// ThreadSubclass alike.

func TestThreadCallableDefault(t *testing.T) {
	cfg := scenarios.DefaultThreadCallableConfig()
	var res scenarios.LoopsResult
	var err error
	if _, rerr := interleave.Run(func() { res, err = scenarios.ThreadCallable(nil, cfg) }); rerr != nil || err != nil {
		t.Fatalf("ThreadCallable: run error %v, error %v", rerr, err)
	}
	checkJoinOrder(t, "loop", 0, cfg.Loops, res) // "loop": the ThreadFunc's name, loop.__name__
}

func TestThreadFuncCall(t *testing.T) {
	var got []int
	tf := scenarios.NewThreadFunc(func(a [2]int) { got = append(got, a[0], a[1]) }, [2]int{3, 4}, "pair")
	if tf.Name != "pair" || tf.Args != [2]int{3, 4} {
		t.Errorf("NewThreadFunc = %+v; want name pair, args [3 4]", tf)
	}
	tf.Call()
	tf.Args = [2]int{5, 6} // Python's attributes are mutable; so are these fields
	tf.Call()
	if want := []int{3, 4, 5, 6}; len(got) != 4 || got[0] != want[0] || got[3] != want[3] {
		t.Errorf("calls saw %v; want %v", got, want)
	}
}
