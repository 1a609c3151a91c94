// Package properties is interleave's test suite proper: rapid properties,
// run under the explorer, for every primitive and every scenario, the
// invariant checkers they share, and the deliberate-bug demos.
//
// # Running
//
// go test ./properties runs every property with rapid's budget
// (-rapid.checks, 100 schedules by default) and a fixed seed, so a plain
// test run is deterministic; INTERLEAVE_SEED=random (which picks a seed
// and prints it) or -rapid.seed=N picks another. make explore raises the
// budget, runs a fresh random seed unless SEED=N is given (passed as
// -rapid.seed, printed at the top of its log and above its table), and
// prints a summary table from the "interleave-summary:" lines that Check
// and Demo log. A failing Check or Demo logs the seed and the command that
// replays it as printed (INTERLEAVE_DEMO_FAIL=1 included for a demo).
//
// # Demos
//
// A Demo hunts a deliberately buggy variant: it passes when the explorer
// finds a failing interleaving within the budget and the correct twin
// survives the same budget; with -v it prints the shrunk interleaving. With
// INTERLEAVE_DEMO_FAIL=1 the buggy variant runs as a plain rapid property
// instead, so you watch rapid fail, shrink, print the trace and the replay
// command.
package properties
