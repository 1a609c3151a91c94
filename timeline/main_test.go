package timeline_test

import (
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
)

// TestMain pins rapid's seed (INTERLEAVE_SEED, default 1) so that the
// fixtures' hunts are deterministic, and checks that no goroutine leaks.
func TestMain(m *testing.M) { interleavetest.Main(m) }
