package chans

import "errors"

// The errors a misuse panics with (wrapped, so errors.Is finds them), in
// the words of Go's runtime panics.
var (
	ErrSendOnClosed  = errors.New("send on closed channel")
	ErrCloseOfClosed = errors.New("close of closed channel")
	ErrCloseOfNil    = errors.New("close of nil channel")
)
