package primitives

import "io"

// SetExceptHookOutput redirects DefaultExceptHook's output (stderr) to w
// and returns a function that restores it.
func SetExceptHookOutput(w io.Writer) (restore func()) {
	exceptHookMu.Lock()
	old := exceptHookOutput
	exceptHookOutput = w
	exceptHookMu.Unlock()
	return func() {
		exceptHookMu.Lock()
		exceptHookOutput = old
		exceptHookMu.Unlock()
	}
}
