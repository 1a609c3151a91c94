package stdlib_test

import (
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
)

// TestMain pins rapid's seed and checks that no goroutine leaks: a stopped
// stress run must release every goroutine it started.
func TestMain(m *testing.M) { interleavetest.Main(m) }
