package sched

import "testing"

// TestPCTRunsTheHighestPriorityThread: under PCT of depth 1 (no change
// points) the ready thread of highest priority runs, so a main thread that
// starts a worker and reaches a point yields to it on the seeds that gave
// the worker the higher priority and keeps running on the others: over
// seeds 1..20 both orders occur (a PCT that never yielded at a delay
// choice passed every other test: under Explore, PCT is rapid.go's).
func TestPCTRunsTheHighestPriorityThread(t *testing.T) {
	var first [2]int // how many seeds ran main / the worker first
	for seed := uint64(1); seed <= 20; seed++ {
		var order []string
		tr := Execute(func() {
			Spawn(nil, false, func() { order = append(order, "worker") })
			Point("after start", nil)
			order = append(order, "main")
		}, NewConfig(), NewPCT(1, 10, seed))
		if tr.Failure != nil {
			t.Fatal(tr.Failure)
		}
		if order[0] == "main" {
			first[0]++
		} else {
			first[1]++
		}
	}
	if first[0] == 0 || first[1] == 0 {
		t.Fatalf("over 20 seeds main ran first %d times, the worker %d; want both orders", first[0], first[1])
	}
}
