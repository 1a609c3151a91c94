package interleavetest_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/interleave-lab/interleave/interleavetest"
	_ "pgregory.net/rapid" // registers -rapid.seed
)

// Main is a package's whole TestMain: seeds pinned, goroutine leaks fail
// the binary.
func ExampleMain() {
	// main_test.go of a package that explores:
	_ = func(m *testing.M) { interleavetest.Main(m) }
}

// PinRapidSeed takes rapid's seed from INTERLEAVE_SEED when -rapid.seed was
// not given, so every run of go test explores the same schedules.
func ExamplePinRapidSeed() {
	f := flag.Lookup("rapid.seed")
	old, oldEnv := f.Value.String(), os.Getenv(interleavetest.SeedEnv)
	defer func() { _ = f.Value.Set(old); _ = os.Setenv(interleavetest.SeedEnv, oldEnv) }()

	_ = f.Value.Set("0") // as if -rapid.seed was not given
	_ = os.Setenv(interleavetest.SeedEnv, "42")
	err := interleavetest.PinRapidSeed()
	fmt.Println(f.Value.String(), err)
	// Output: 42 <nil>
}
