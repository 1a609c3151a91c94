// Package stdlib holds the bug kernels of package kernels written with the
// standard library (sync, channels, go statements, time), for stress
// testing: BenchmarkStress runs each buggy kernel with real goroutines
// until it fails, as go test -count=N would, and reports the runs it took.
//
// A deadlocked run cannot be detected by the Go runtime while other
// goroutines (the test's) are alive, so RunOnce stops a run after a
// timeout and releases its goroutines: channel operations that may block
// forever also select on the run's stop channel, and a mutex left held by
// a stuck goroutine is unlocked by the kernel's release function (Go lets
// any goroutine unlock a Mutex). These hooks are the only difference from
// the kernels in package kernels, which use the swap-in packages instead.
package stdlib
