// Package interleavetest holds helpers for test binaries that explore
// with interleave: pinning rapid's seed so that go test is deterministic.
package interleavetest

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"go.uber.org/goleak"
)

// SeedEnv is the environment variable PinRapidSeed reads.
const SeedEnv = "INTERLEAVE_SEED"

// PinRapidSeed makes a test binary's rapid properties deterministic: unless
// -rapid.seed was given on the command line, it sets it from INTERLEAVE_SEED
// (a number), or to 1 when that is unset; INTERLEAVE_SEED=random picks a
// fresh non-zero seed and prints it to stderr, so the run can be replayed.
// An explicit -rapid.seed is kept as given, 0 included (rapid's "random
// seed for every property": rapid then prints the seed of each failing
// case). A Hunt that found its bug then finds it again, with the same
// shrunk trace.
//
// It also refuses a -rapid.failfile that does not exist or is not a rapid
// fail file: rapid would log "ignoring fail file" and run a fresh search,
// which can pass, so a mistyped replay would look like a fixed bug.
// Call it from TestMain after flag.Parse.
func PinRapidSeed() error {
	if err := checkFailFileFlag(); err != nil {
		return err
	}
	f := flag.Lookup("rapid.seed")
	if f == nil || flagSet("rapid.seed") {
		return nil
	}
	seed := os.Getenv(SeedEnv)
	switch seed {
	case "random":
		seed = strconv.FormatUint(rand.Uint64()>>1|1, 10)
		fmt.Fprintf(os.Stderr, "interleavetest: %s=random: -rapid.seed=%s\n", SeedEnv, seed)
	case "":
		seed = "1"
	}
	if n, err := strconv.ParseUint(seed, 10, 64); err != nil || n == 0 {
		return fmt.Errorf("%s=%q: want a decimal seed > 0 or \"random\"", SeedEnv, seed)
	}
	if err := f.Value.Set(seed); err != nil {
		return fmt.Errorf("%s=%q: %w", SeedEnv, seed, err)
	}
	return nil
}

// flagSet reports whether the command line set the named flag.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// Main is a TestMain for a package that explores: it parses the flags,
// lowers go test's default ten-minute -timeout to MaxTestTime, pins
// rapid's seed with PinRapidSeed (exiting with status 2 on a bad
// INTERLEAVE_SEED or -rapid.failfile), runs the tests while a watch fails
// the binary if a goroutine stays parked in a primitive's wait without a
// deadline for ParkLimit, and fails the binary if a goroutine leaked
// (goleak, with opts, as goleak.VerifyTestMain does). Built with -race, it
// first re-executes the binary without the race runtime's one-second sleep
// at a successful exit (skipRaceExitSleep).
//
//	func TestMain(m *testing.M) { interleavetest.Main(m) }
func Main(m *testing.M, opts ...goleak.Option) {
	skipRaceExitSleep()
	flag.Parse()
	capTimeout(flag.CommandLine)
	if err := PinRapidSeed(); err != nil {
		fmt.Fprintln(os.Stderr, "interleavetest:", err)
		os.Exit(2)
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		parkWatch(ParkLimit, parkSample, stop, parkedTooLong)
	}()
	code := m.Run()
	close(stop)
	<-stopped
	if code == 0 {
		if err := goleak.Find(opts...); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: Errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}
