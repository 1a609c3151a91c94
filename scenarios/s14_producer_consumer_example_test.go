package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave"

	"github.com/interleave-lab/interleave/scenarios"
)

// The tutorial's producer and consumer, with the seed fixed: the writer
// puts one object a second, the reader takes one every 2 to 5 seconds, so
// the queue fills up while the writer runs and drains once it finished.
func ExampleProducerConsumer() {
	_, err := interleave.Run(func() {
		_, _ = scenarios.ProducerConsumer(os.Stdout, scenarios.DefaultProducerConsumerConfig())
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// starting writer at: 0s
	// producing object for Q...
	// size now 1
	// starting reader at: 0s
	// consumed object from Q... size now 0
	// producing object for Q...
	// size now 1
	// producing object for Q...
	// size now 2
	// consumed object from Q... size now 1
	// producing object for Q...
	// size now 2
	// producing object for Q...
	// size now 3
	// producing object for Q...
	// size now 4
	// producing object for Q...
	// size now 5
	// consumed object from Q... size now 4
	// producing object for Q...
	// size now 5
	// producing object for Q...
	// size now 6
	// producing object for Q...
	// size now 7
	// writer finished at: 10s
	// consumed object from Q... size now 6
	// consumed object from Q... size now 5
	// consumed object from Q... size now 4
	// consumed object from Q... size now 3
	// consumed object from Q... size now 2
	// consumed object from Q... size now 1
	// consumed object from Q... size now 0
	// reader finished at: 35s
	// all DONE
}
