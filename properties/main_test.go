package properties_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/interleave-lab/interleave/failpoints"
	"go.uber.org/goleak"
)

// TestMain pins rapid's seed (see failpoints.PinRapidSeed) so that go test
// is deterministic, and checks that no goroutine leaks.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := failpoints.PinRapidSeed(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	goleak.VerifyTestMain(m)
}
