package failpoints_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain pins rapid's seed unless the caller chose one, so that the
// tests asserting that the explorer finds a bug (Hunt) are deterministic;
// INTERLEAVE_SEED=random leaves rapid's random seed, INTERLEAVE_SEED=N
// uses N.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("rapid.seed"); f != nil && f.Value.String() == "0" {
		switch seed := os.Getenv("INTERLEAVE_SEED"); seed {
		case "random":
		case "":
			_ = f.Value.Set("1")
		default:
			if err := f.Value.Set(seed); err != nil {
				fmt.Fprintf(os.Stderr, "INTERLEAVE_SEED=%q: %v\n", seed, err)
				os.Exit(2)
			}
		}
	}
	goleak.VerifyTestMain(m)
}
