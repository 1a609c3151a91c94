// Package interleavetest holds helpers for test binaries that explore
// with interleave: pinning rapid's seed so that go test is deterministic.
package interleavetest

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// SeedEnv is the environment variable PinRapidSeed reads.
const SeedEnv = "INTERLEAVE_SEED"

// PinRapidSeed makes a test binary's rapid properties deterministic: unless
// -rapid.seed was given, it sets it from INTERLEAVE_SEED (a number), or to 1
// when that is unset; INTERLEAVE_SEED=random keeps rapid's random seed. A
// Hunt that found its bug then finds it again, with the same shrunk trace.
// Call it from TestMain after flag.Parse.
func PinRapidSeed() error {
	f := flag.Lookup("rapid.seed")
	if f == nil || f.Value.String() != "0" {
		return nil
	}
	seed := os.Getenv(SeedEnv)
	switch seed {
	case "random":
		return nil
	case "":
		seed = "1"
	}
	if err := f.Value.Set(seed); err != nil {
		return fmt.Errorf("%s=%q: %w", SeedEnv, seed, err)
	}
	return nil
}

// Main is a TestMain for a package that explores: it parses the flags,
// pins rapid's seed with PinRapidSeed (exiting with status 2 on a bad
// INTERLEAVE_SEED), runs the tests, and fails the binary if a goroutine
// leaked (goleak.VerifyTestMain, with opts).
//
//	func TestMain(m *testing.M) { interleavetest.Main(m) }
func Main(m *testing.M, opts ...goleak.Option) {
	flag.Parse()
	if err := PinRapidSeed(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	goleak.VerifyTestMain(m, opts...)
}
