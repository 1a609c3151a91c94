//go:build unix

package interleavetest

import "syscall"

// execve replaces the process with path; it returns only on failure.
func execve(path string, args, env []string) error { return syscall.Exec(path, args, env) }
