// Package scenarios ports every scenario of the Python threading tutorial
// ("Python concurrency 4: using threads", catalogued S01–S18 in
// SCENARIOS.md) onto the primitives package, keeping the tutorial's names
// (loop, loops, writer, reader, tc1, tc2, download_one, download_many) so
// the Go and the Python read side by side.
//
// Each scenario is a function that takes its parameters (loop lengths, item
// counts, worker counts, queue sizes) and an io.Writer for its printout, and
// returns a result that the properties package checks. Parameters out of
// range are an error wrapping ErrBadParam, never a panic.
//
// Run under interleave.Run (the all-zero schedule) a scenario is
// deterministic and instant: its sleeps are virtual and the times it prints
// are exact seconds since the run started, which is how each Example's
// // Output: matches the tutorial's printout. Run under interleave.Explore
// its interleavings are explored.
//
// The deliberate-bug variants (SCENARIOS.md's last column) sit next to
// their correct versions, each with a comment saying which interleaving
// breaks it.
package scenarios
