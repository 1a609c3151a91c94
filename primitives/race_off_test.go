//go:build !race

package primitives_test

// raceScale multiplies the stress tests' rounds without -race, where a
// round costs about 2 µs and a window between two atomic steps is a few
// nanoseconds wide: 50 times the rounds give a lost wake-up that many more
// chances, in about the time -race takes for the base count.
const raceScale = 50
