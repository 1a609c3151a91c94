// Package failpoints is the catalogue of interleave's named failpoints and
// the bridge to github.com/pingcap/failpoint.
//
// A failpoint is a line where an interleaving matters: [Hit] marks it.
// Inside a model run (a thread of interleave.Explore, Run or Exhaustive)
// every Hit is a scheduling point where the explorer may preempt the
// caller; outside one, Hit costs one atomic load unless a failpoint was
// enabled with [Enable] or the GO_FAILPOINTS environment variable, and then
// pingcap/failpoint evaluates it (stress mode: useful, not replayable).
//
// Names are package-qualified, as pingcap/failpoint expects
// ("github.com/interleave-lab/interleave/primitives/lock-acquire"); a trace
// shows the part after the last slash. Your own code may Hit any name of
// its own package's.
//
// The explorer itself is the root package, github.com/interleave-lab/interleave.
package failpoints
