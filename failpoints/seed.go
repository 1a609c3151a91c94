package failpoints

import (
	"flag"
	"fmt"
	"os"
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
