package sched

import "testing"

// BenchmarkUnmanagedRunCost is what the uncontrolled-goroutine checks add
// to a passing run, outside the run itself: the label, two reads of the
// goroutines-created counter (start and end), the registration of the
// label set, and a label set and cleared for each of three threads.
func BenchmarkUnmanagedRunCost(b *testing.B) {
	cfg := NewConfig()
	b.ReportAllocs()
	for range b.N {
		r := &run{cfg: cfg}
		r.unmanagedStart(benchBody, false)
		for range 3 {
			r.label()
			unlabel()
		}
		r.checkEnd()
		r.unmanagedStop()
	}
}

// BenchmarkUnmanagedHandoff is the check at one hand-off of the baton when
// no goroutine was created.
func BenchmarkUnmanagedHandoff(b *testing.B) {
	r := &run{cfg: NewConfig()}
	r.unmanagedStart(benchBody, false)
	for range b.N {
		r.checkHandoff()
	}
}

// BenchmarkUnmanagedGateExact is one read of the goroutines-created counter.
func BenchmarkUnmanagedGateExact(b *testing.B) {
	r := &run{cfg: NewConfig()}
	r.unmanagedStart(benchBody, false)
	for range b.N {
		r.um.gate(true)
	}
}

func benchBody() {}
