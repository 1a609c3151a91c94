package properties_test

import (
	"flag"
	"testing"

	"github.com/interleave-lab/interleave/properties"
	"pgregory.net/rapid"
)

// TestDemoShrinksOnlyWhenRead: without -v (and without -rapid.shrinktime
// on the command line) Demo hunts with -rapid.shrinktime=0, and gives the
// flag back afterwards; DemoShrunk leaves it alone.
func TestDemoShrinksOnlyWhenRead(t *testing.T) {
	// Not parallel: Demo sets rapid's shrink flag.
	f := flag.Lookup("rapid.shrinktime")
	before := f.Value.String()
	explicit := false
	flag.Visit(func(g *flag.Flag) { explicit = explicit || g == f })
	for _, shrunk := range []bool{false, true} {
		var seen string
		buggy := func(rt *rapid.T) {
			seen = f.Value.String()
			if rapid.IntRange(0, 100).Draw(rt, "n") >= 50 {
				rt.Fatalf("n >= 50")
			}
		}
		correct := func(rt *rapid.T) { rapid.IntRange(0, 100).Draw(rt, "n") }
		demo := properties.Demo
		want := "0s"
		if shrunk || testing.Verbose() || explicit {
			want = before
		}
		if shrunk {
			demo = properties.DemoShrunk
		}
		if found := demo(t, "ShrinkFlag", buggy, correct); !found.Found {
			t.Fatalf("shrunk=%v: the demo's bug was not found", shrunk)
		}
		if seen != want {
			t.Errorf("shrunk=%v: -rapid.shrinktime = %s during the hunt; want %s", shrunk, seen, want)
		}
		if after := f.Value.String(); after != before {
			t.Errorf("shrunk=%v: -rapid.shrinktime = %s after the demo; want %s back", shrunk, after, before)
		}
	}
}
