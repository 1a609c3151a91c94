package scenarios_test

import (
	"fmt"
	"os"
	"time"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/primitives"
	"github.com/interleave-lab/interleave/scenarios"
)

// ExampleThreadSubclass prints the tutorial's output for loops [4, 2]:
// each MyThread prints when it starts and finishes around its loop's lines,
// and main's joins return at 4 s. The results, read after each Join, are
// all there.
func ExampleThreadSubclass() {
	var res scenarios.ThreadSubclassResult
	_, err := interleave.Run(func() { res, _ = scenarios.ThreadSubclass(os.Stdout, scenarios.DefaultThreadSubclassConfig()) })
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println("results:", res.Results, "there:", res.SawResult)
	// Output:
	// starting at: 0s
	// starting loop at: 0s
	// start loop 0 at: 0s
	// starting loop at: 0s
	// start loop 1 at: 0s
	// loop 1 done at: 2s
	// loop finished at: 2s
	// loop 0 done at: 4s
	// loop finished at: 4s
	// all DONE at: 4s
	// results: [4s 2s] there: [true true]
}

// ExampleResultBeforeJoin reads the results before joining: at once, when
// the threads have not even run yet, then after guessing that 3 s is long
// enough, when loop 1 (2 s) is done but loop 0 (4 s) is not.
func ExampleResultBeforeJoin() {
	for _, after := range []time.Duration{0, 3 * time.Second} {
		cfg := scenarios.DefaultThreadSubclassConfig()
		cfg.ReadAfter = after
		var res scenarios.ThreadSubclassResult
		_, err := interleave.Run(func() { res, _ = scenarios.ResultBeforeJoin(nil, cfg) })
		if err != nil {
			fmt.Println(err)
		}
		fmt.Println("read at:", res.ReadAt, "there:", res.SawResult, "results:", res.Results)
	}
	// Output:
	// read at: [0s 0s] there: [false false] results: [0s 0s]
	// read at: [3s 3s] there: [false true] results: [0s 2s]
}

// ExampleMyThread shows a MyThread on its own: the result is there after
// Join.
func ExampleMyThread() {
	_, err := interleave.Run(func() {
		t := scenarios.NewMyThread(func(n int) int { primitives.Sleep(1); return n * n }, 7, "square")
		t.Start()
		t.Join()
		fmt.Println(t.Name())
		fmt.Println(t.GetResult())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// square
	// 49 true
}
