package interleavetest

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestNoExitSleepEnv(t *testing.T) {
	for _, tc := range []struct {
		env     []string
		want    []string
		changed bool
	}{
		{[]string{"A=1"}, []string{"A=1", "GORACE=atexit_sleep_ms=0"}, true},
		{[]string{"GORACE=halt_on_error=1", "A=1"}, []string{"A=1", "GORACE=halt_on_error=1 atexit_sleep_ms=0"}, true},
		{[]string{"GORACE=", "A=1"}, []string{"A=1", "GORACE=atexit_sleep_ms=0"}, true},
		// The user's own value, 0 or not, is kept.
		{[]string{"GORACE=atexit_sleep_ms=500 log_path=x"}, []string{"GORACE=atexit_sleep_ms=500 log_path=x"}, false},
		{[]string{"GORACE=log_path=x atexit_sleep_ms=0"}, []string{"GORACE=log_path=x atexit_sleep_ms=0"}, false},
	} {
		got, changed := noExitSleepEnv(tc.env)
		if !slices.Equal(got, tc.want) || changed != tc.changed {
			t.Errorf("noExitSleepEnv(%q) = %q, %v; want %q, %v", tc.env, got, changed, tc.want, tc.changed)
		}
	}
}

// TestMainSkippedTheExitSleep: Main re-executed this -race binary with
// atexit_sleep_ms in GORACE before the tests ran.
func TestMainSkippedTheExitSleep(t *testing.T) {
	if g := os.Getenv("GORACE"); raceEnabled && !strings.Contains(g, goraceExitSleep+"=") {
		t.Fatalf("GORACE=%q under -race after Main; want it to set %s", g, goraceExitSleep)
	}
}
