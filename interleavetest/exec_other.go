//go:build !unix

package interleavetest

import "errors"

// execve is not available here: skipRaceExitSleep leaves the sleep.
func execve(string, []string, []string) error { return errors.ErrUnsupported }
