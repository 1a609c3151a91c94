package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

// ExampleThreadCallable prints the tutorial's output for loops [4, 2], the
// same as S04's, and then the name each ThreadFunc carried.
func ExampleThreadCallable() {
	var res scenarios.LoopsResult
	_, err := interleave.Run(func() { res, _ = scenarios.ThreadCallable(os.Stdout, scenarios.DefaultThreadCallableConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	for _, l := range res.Loops {
		fmt.Printf("ThreadFunc %q ran loop %d, returned at %v, joined at %v\n", l.Name, l.Loop, l.ReturnedAt, l.JoinedAt)
	}
	// Output:
	// starting at: 0s
	// start loop 0 at: 0s
	// start loop 1 at: 0s
	// loop 1 done at: 2s
	// loop 0 done at: 4s
	// all DONE at: 4s
	// ThreadFunc "loop" ran loop 0, returned at 4s, joined at 4s
	// ThreadFunc "loop" ran loop 1, returned at 2s, joined at 4s
}

// ExampleThreadFunc shows a ThreadFunc on its own: a function, its
// arguments and a name, called by a Thread.
func ExampleThreadFunc() {
	type args struct{ a, b int }
	tf := scenarios.NewThreadFunc(func(x args) { fmt.Println(x.a + x.b) }, args{2, 3}, "add")
	_, err := interleave.Run(func() {
		t := primitives.NewThread(tf.Call)
		t.Start()
		t.Join()
		fmt.Println(tf.Name, "done")
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 5
	// add done
}
