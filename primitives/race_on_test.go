//go:build race

package primitives_test

// raceScale is 1 under -race, whose instrumentation slows each round about
// tenfold and so widens the windows the stress tests aim at.
const raceScale = 1
