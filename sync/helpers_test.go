package sync_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
)

// mustPanicWith runs f and fails t unless it panics with an error wrapping
// want whose message is want's.
func mustPanicWith(t *testing.T, want error, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		err, ok := v.(error)
		if !ok || !errors.Is(err, want) || err.Error() != want.Error() && !strings.HasPrefix(err.Error(), want.Error()+":") {
			t.Fatalf("panic = %v; want an error wrapping %q", v, want)
		}
	}()
	f()
}

// exhaustive runs body under every schedule with up to bound preemptions
// and fails t on the first failing one; it returns the schedules run.
func exhaustive(t *testing.T, bound int, body func()) int {
	t.Helper()
	cov, err := interleave.Exhaustive(body, bound)
	if err != nil {
		t.Fatal(err)
	}
	return cov.Runs()
}

// mustFail runs body exhaustively and fails t unless some schedule fails
// with an error wrapping want and mentioning every word in words.
func mustFail(t *testing.T, bound int, body func(), want error, words ...string) {
	t.Helper()
	_, err := interleave.Exhaustive(body, bound)
	if !errors.Is(err, want) {
		t.Fatalf("Exhaustive error = %v; want %v", err, want)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("Exhaustive error = %v; want it to mention %q", err, w)
		}
	}
}

func containsErr(err, want error) bool { return errors.Is(err, want) }

func errThreadPanic() error { return interleave.ErrThreadPanic }
