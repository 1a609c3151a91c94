package chans_test

import (
	"fmt"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/chans"
	"github.com/interleave-lab/interleave/goroutine"
)

func ExampleMake() {
	_, _ = interleave.Run(func() {
		jobs := chans.Make[int](2)
		goroutine.Go(func() {
			for i := 1; i <= 3; i++ {
				jobs.Send(i)
			}
			jobs.Close()
		})
		for j := range jobs.All() {
			fmt.Println("job", j)
		}
	})
	// Output:
	// job 1
	// job 2
	// job 3
}

func ExampleSelect() {
	a, b := chans.Make[string](1), chans.Make[string](1)
	b.Send("from b")
	var got string
	switch chans.Select(a.CaseRecv(&got, nil), b.CaseRecv(&got, nil), chans.Default()) {
	case 0, 1:
		fmt.Println(got)
	case 2:
		fmt.Println("nothing ready")
	}
	// Output: from b
}

func ExampleChan_TrySend() {
	c := chans.Make[int](1)
	fmt.Println(c.TrySend(1), c.TrySend(2), c.Len(), c.Cap())
	// Output: true false 1 1
}

func ExampleChan_Recv2() {
	c := chans.Make[int](1)
	c.Send(7)
	c.Close()
	v, ok := c.Recv2()
	fmt.Println(v, ok)
	v, ok = c.Recv2()
	fmt.Println(v, ok)
	// Output:
	// 7 true
	// 0 false
}
