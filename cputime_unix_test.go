//go:build unix

package interleave_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process used so
// far, every thread included: the garbage collector's workers and the
// runtime's spinning threads are part of what a schedule costs, and, unlike
// wall-clock time, it barely moves when other jobs load the machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
