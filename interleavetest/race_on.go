//go:build race

package interleavetest

// raceEnabled reports whether the binary was built with -race.
const raceEnabled = true
