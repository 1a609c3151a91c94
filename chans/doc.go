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
package chans
