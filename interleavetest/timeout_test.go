package interleavetest

import (
	"flag"
	"testing"
	"time"
)

func TestCapTimeoutLowersOnlyGoTestsDefault(t *testing.T) {
	for _, tc := range []struct {
		given, want time.Duration
		capped      bool
	}{
		{10 * time.Minute, MaxTestTime, true},
		{0, 0, false},                               // -timeout 0: the user asked for none
		{30 * time.Second, 30 * time.Second, false}, // shorter: kept
		{20 * time.Minute, 20 * time.Minute, false}, // explicit and longer: kept
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		d := fs.Duration("test.timeout", 0, "")
		if err := fs.Parse([]string{"-test.timeout=" + tc.given.String()}); err != nil {
			t.Fatal(err)
		}
		if got := capTimeout(fs); got != tc.capped || *d != tc.want {
			t.Errorf("capTimeout(-test.timeout=%v) = %v, timeout %v; want %v, %v", tc.given, got, *d, tc.capped, tc.want)
		}
	}
	if capTimeout(flag.NewFlagSet("none", flag.ContinueOnError)) {
		t.Error("capTimeout without a test.timeout flag reported true")
	}
}

// TestMainCappedThisBinary: go test ./... (no -timeout) runs this binary
// with go test's default, which Main lowered before the tests ran.
func TestMainCappedThisBinary(t *testing.T) {
	d := flag.Lookup("test.timeout").Value.(flag.Getter).Get().(time.Duration)
	if d == goTestDefaultTimeout {
		t.Fatalf("test.timeout = %v after Main; want it lowered to %v", d, MaxTestTime)
	}
}
