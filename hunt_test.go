package interleave_test

import (
	"flag"
	"strconv"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"

	"pgregory.net/rapid"
)

// TestHuntAllSkippedIsNotAFind: rapid's "only generated 0 valid tests" is
// an error of rapid's, not a failure of the property, so it is no find.
func TestHuntAllSkippedIsNotAFind(t *testing.T) {
	res := interleave.Hunt(t, func(rt *rapid.T) { rt.Skip("never valid") })
	if res.Found || !res.Invalid || res.Seed != 0 || res.Replay != "" {
		t.Fatalf("Hunt of an all-skipped property = Found %v, Invalid %v, Seed %d, Replay %q; want false, true, 0, \"\"\n%s",
			res.Found, res.Invalid, res.Seed, res.Replay, res.Message)
	}
}

// TestHuntSeedReplays: a find names the seed of the failing case and a
// command that re-runs this test with it; with that seed the first
// schedule fails again.
func TestHuntSeedReplays(t *testing.T) {
	prop := func(rt *rapid.T) {
		body, counter := lostUpdate(2)
		interleave.Explore(rt, body)
		if *counter != 2 {
			rt.Fatalf("counter = %d; want 2", *counter)
		}
	}
	res, prop := huntRounds(t, prop)
	if !res.Found || res.Seed == 0 {
		t.Fatalf("Hunt = Found %v, Seed %d; want a find with its seed\n%s", res.Found, res.Seed, res.Message)
	}
	for _, want := range []string{"-run='^TestHuntSeedReplays$'", "-rapid.seed=" + strconv.FormatUint(res.Seed, 10), "go test . "} {
		if !strings.Contains(res.Replay, want) {
			t.Errorf("Replay = %q; want it to contain %q", res.Replay, want)
		}
	}
	f := flag.Lookup("rapid.seed")
	old := f.Value.String()
	t.Cleanup(func() { _ = f.Value.Set(old) })
	if err := f.Value.Set(strconv.FormatUint(res.Seed, 10)); err != nil {
		t.Fatal(err)
	}
	again := interleave.Hunt(t, prop)
	if !again.Found || again.Schedules != 1 || again.Seed != res.Seed {
		t.Fatalf("Hunt with -rapid.seed=%d = Found %v after %d schedules, seed %d; want found at once with the same seed",
			res.Seed, again.Found, again.Schedules, again.Seed)
	}
}

// TestReplayCommandQuotesSubtests: the command quotes each level of the
// test's name and keeps a -rapid.checks the binary was given (make explore
// passes one), so the replay runs the same budget.
func TestReplayCommandQuotesSubtests(t *testing.T) {
	want := `go test . -count=1 -run='^TestA$/^b\.c$' -rapid.seed=7`
	if f := flag.Lookup("rapid.checks"); f.Value.String() != f.DefValue {
		want += " -rapid.checks=" + f.Value.String()
	}
	if got := interleave.ReplayCommand("TestA/b.c", 7); got != want {
		t.Fatalf("ReplayCommand = %q; want %q", got, want)
	}
}
