// Summary reads the output of go test -json (or -v) on standard input and
// prints the explore table: the same command as `interleave summary`
// (cmd/interleave), kept so that scripts calling ./ci/summary keep working.
// See package internal/summary for the table and the flags.
package main

import (
	"os"

	"github.com/interleave-lab/interleave/internal/summary"
)

func main() {
	os.Exit(summary.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
