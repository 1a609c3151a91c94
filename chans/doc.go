// Package chans is Go's channels and select statement under the explorer:
// a generic channel type with the exact semantics of the language's
// channels, and Select over send and receive cases.
//
//	ch := make(chan int, 3)       ch := chans.Make[int](3)
//	ch <- v                       ch.Send(v)
//	v := <-ch                     v := ch.Recv()
//	v, ok := <-ch                 v, ok := ch.Recv2()
//	close(ch)                     ch.Close()
//	len(ch), cap(ch)              ch.Len(), ch.Cap()
//	for v := range ch             for v := range ch.All()
//	var ch chan int (nil)         var ch *chans.Chan[int] (nil: blocks forever)
//
//	select {                      switch chans.Select(
//	case v, ok = <-a:                 a.CaseRecv(&v, &ok),
//	case b <- x:                      b.CaseSend(x),
//	default:                          chans.Default()) {
//	}                             case 0: ... case 1: ... case 2: ...
//	                              }
//
// Outside a model run (real mode) a Chan is an ordinary goroutine-safe
// channel and Select picks uniformly at random among the ready cases, as
// Go's select does. In a model run every operation is a scheduling point,
// a blocked operation parks on the explorer's wait queues (a deadlock
// report says "chan send (cap 0, len 0)", "chan recv", "select (...)"),
// trace steps show the channel's len, cap and whether it is closed, and
// the choice among several ready select cases is a scheduling choice: it
// replays and shrinks towards the first ready case.
//
// # Panics
//
// As in Go, a send on a closed channel, a close of a closed channel and a
// close of a nil channel panic, with Go's words and an error wrapping
// ErrSendOnClosed, ErrCloseOfClosed or ErrCloseOfNil.
//
// # Cost in real mode
//
// Outside a model run a Chan and Select cost at most twice Go's channels
// and select statement. A blocked operation parks on one pooled waiter; a
// sender that finds a parked receiver hands it the value directly and
// readies it after releasing the channels' lock, and the woken receiver
// returns without taking that lock again, as in Go's runtime. Every
// benchmark in bench_test.go runs one workload on Go's channels and then
// on this package, and reports the ratio of the two adjacent measurements:
// by wall clock (x-std, the budget) and by CPU time (x-std-cpu, which the
// load of a shared machine inflates less). Medians of
//
//	go test -run XXX -bench . -benchtime 300ms -count 6 ./chans
//
// on 2 cores shared with other work (load 15 to 25; Go 1.26, linux/amd64),
// and before the real-mode parking was reworked:
//
//	benchmark                 x-std  x-std-cpu   before: x-std  x-std-cpu
//	UnbufferedStream           1.78     1.91              6.32     3.96
//	UnbufferedPingPong         1.75     1.79              6.10     4.90
//	BufferedStream             0.84     0.84              1.23     1.22
//	BufferedUncontended        1.16     0.85              1.88     1.33
//	SelectStream               1.28     0.98              2.05     1.91
//	SelectUnbuffered           1.33     1.72              4.41     3.58
//	SelectDefault              1.38     1.17              7.21     4.88
//
// Under that load a wall-clock ratio varies by 40 to 130 percent from run
// to run and a CPU-time ratio by 15 to 30. Nothing allocates but a send
// case's value boxed into its Case (SelectDefault: 7 B/op, an int of 256
// or more); a blocked Send or Recv allocates nothing. An unbuffered
// hand-off comes closest to the budget: besides the one runtime channel
// operation that parks and readies the goroutine (all that Go's own
// hand-off costs), it takes the channels' lock and keeps the waiter's
// books.
package chans
