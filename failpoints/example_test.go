package failpoints_test

import (
	"fmt"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
)

// Hit marks the line between a read and its write, so that the explorer
// may run another thread there.
func ExampleHit() {
	const readWrite = "example.com/bank/read-write"
	balance := 100
	tr, _ := interleave.Run(func() {
		b := balance
		failpoints.Hit(readWrite, nil)
		balance = b - 30
	})
	fmt.Println(balance, tr.Steps()[0].Op)
	// Output: 70 example.com/bank/read-write
}

// Enable injects a fault outside model runs: here a failpoint returns a
// value the code under test reads with Eval.
func ExampleEnable() {
	const status = "example.com/fetch/status"
	if err := failpoints.Enable(status, "return(404)"); err != nil {
		panic(err)
	}
	defer failpoints.Disable(status)
	v, ok := failpoints.Eval(status)
	fmt.Println(v, ok)
	// Output: 404 true
}
