package interleave

// These tests pin every behaviour of pgregory.net/rapid that rapid.go relies
// on beyond rapid's documented API. Each triggers the behaviour through
// real rapid calls and fails with a message that names what changed, so a
// rapid upgrade that breaks one says which assumption of rapid.go to revisit
// instead of breaking users' properties in some subtler way.

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"
)

// rapidPanics runs prop under rapid.Check with a recordingTB named name
// and returns the recorder and every panic value prop raised, in order
// (each is re-panicked, so rapid sees it as usual).
func rapidPanics(t *testing.T, name string, prop func(*rapid.T)) (*recordingTB, []any) {
	t.Helper()
	t.Chdir(t.TempDir()) // rapid writes fail files under the working directory
	rec := &recordingTB{name: name}
	var (
		mu     sync.Mutex
		panics []any
	)
	rapid.Check(rec, func(rt *rapid.T) {
		defer func() {
			if v := recover(); v != nil {
				mu.Lock()
				panics = append(panics, v)
				mu.Unlock()
				panic(v)
			}
		}()
		prop(rt)
	})
	return rec, panics
}

// TestRapidFatalfPanicsWithStopTest pins what isRapidSignal and
// isRapidFailure recognise as a failed assertion: t.Fatalf panics with a
// value of rapid's type stopTest.
func TestRapidFatalfPanicsWithStopTest(t *testing.T) {
	_, panics := rapidPanics(t, "fatalf", func(rt *rapid.T) { rt.Fatalf("deliberate") })
	if len(panics) == 0 {
		t.Fatalf("rapid.T.Fatalf no longer panics inside rapid.Check: failRapid's re-panic and Hunt's recover rely on it")
	}
	v := panics[0]
	if !isRapidSignal(v) {
		t.Fatalf("rapid.T.Fatalf panics with %T, not a type of package pgregory.net/rapid: isRapidSignal must learn the new value", v)
	}
	if !isRapidFailure(v) {
		t.Fatalf("rapid.T.Fatalf panics with %T, not rapid's stopTest: isRapidFailure must learn the new type name", v)
	}
}

// TestRapidOverrunPanicsWithInvalidData pins the other signal: while
// shrinking, a property that draws past the end of a shortened buffer gets
// rapid's "overrun" panic, a rapid type that is not a failure (rapid
// discards the case). A model run meets it whenever a shrunk schedule ends
// before the run does.
func TestRapidOverrunPanicsWithInvalidData(t *testing.T) {
	// Draw coins until one is false, like rapidStrategy.Tie, and fail once
	// three came up true: removing a coin while shrinking leaves the loop
	// drawing past the end of the buffer.
	_, panics := rapidPanics(t, "overrun", func(rt *rapid.T) {
		n := 0
		for coinGen.Draw(rt, "") {
			n++
		}
		if n >= 3 {
			rt.Fatalf("n = %d", n)
		}
	})
	var overruns, failures int
	for _, v := range panics {
		switch {
		case fmt.Sprint(v) == "overrun":
			overruns++
			if !isRapidSignal(v) {
				t.Fatalf("rapid's overrun panics with %T, not a type of package pgregory.net/rapid: isRapidSignal must learn it, or model runs report an overrun as the property's failure", v)
			}
			if isRapidFailure(v) {
				t.Fatalf("rapid's overrun panics with %T, which isRapidFailure takes for a failed assertion", v)
			}
		case isRapidFailure(v):
			failures++
		}
	}
	if failures == 0 {
		t.Fatalf("the property never failed (%d panics): the test no longer reaches shrinking", len(panics))
	}
	if overruns == 0 {
		t.Fatalf("shrinking a coin loop met no %q panic in %d panics (%v): rapid's shrinker no longer overruns, or names the signal differently; revisit isRapidSignal and repanicInvalid", "overrun", len(panics), panics)
	}
}

// TestRapidFailureMessageFormat pins the line Hunt parses for the number of
// schedules run: "[rapid] failed after N tests" for a failed assertion,
// "[rapid] panic after N tests" for any other panic, N the passing cases.
func TestRapidFailureMessageFormat(t *testing.T) {
	for _, c := range []struct {
		name string
		fail func(*rapid.T)
	}{
		{"failed", func(rt *rapid.T) { rt.Fatalf("deliberate") }},
		{"panic", func(*rapid.T) { panic("deliberate") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs := 0
			rec, _ := rapidPanics(t, c.name, func(rt *rapid.T) {
				runs++
				if coinGen.Draw(rt, "") && runs > 5 {
					c.fail(rt)
				}
			})
			msg := strings.Join(rec.errors, "\n")
			m := failedAfter.FindStringSubmatch(msg)
			if m == nil {
				t.Fatalf("failedAfter %q does not match rapid's failure report any more; Hunt's Schedules count depends on it:\n%s", failedAfter, msg)
			}
			if !strings.Contains(msg, "[rapid] "+c.name+" after ") {
				t.Fatalf("rapid's report no longer starts %q:\n%s", "[rapid] "+c.name+" after", msg)
			}
			if m[1] == "0" {
				t.Fatalf("rapid reports 0 passing tests; the property passed at least 5 first:\n%s", msg)
			}
		})
	}
}

// TestRapidFailFileName pins where rapid saves a failing test's fail file:
// testdata/rapid/failFileName(name)/, which Hunt removes before and after.
func TestRapidFailFileName(t *testing.T) {
	name := "hunt_Test/with spaces:and.dots"
	rapidPanics(t, name, func(rt *rapid.T) { rt.Fatalf("deliberate") })
	dir := filepath.Join("testdata", "rapid", failFileName(name))
	files, err := filepath.Glob(filepath.Join(dir, "*.fail"))
	if err != nil || len(files) == 0 {
		all, _ := filepath.Glob(filepath.Join("testdata", "rapid", "*"))
		t.Fatalf("rapid saved no fail file in %s (found %v): Hunt removes the wrong directory and replays stale failures; update failFileName", dir, all)
	}
}

// TestRapidDrawsShrinkToZero pins the direction of rapid's shrinker for the
// rapid strategy's draws: a coin shrinks to false (no preemption, the
// first tied thread) and a number drawn as coins (drawBits: a delay
// amount, a level, a priority) to 0, so a shrunk schedule is the fewest
// and shortest preemptions.
func TestRapidDrawsShrinkToZero(t *testing.T) {
	var last struct {
		coin   bool
		amount int
	}
	rec, _ := rapidPanics(t, "shrink", func(rt *rapid.T) {
		last.coin = coinGen.Draw(rt, "")
		last.amount = drawBits(rt, amountBits)
		rt.Fatalf("always") // every case fails: the shrinker may pick any values
	})
	if !rec.failed {
		t.Fatalf("the always-failing property passed")
	}
	if last.coin || last.amount != 0 {
		t.Fatalf("the shrunk case drew coin %v, amount %d; want false, 0: rapid no longer shrinks booleans to false, and shrunk schedules stop being minimal", last.coin, last.amount)
	}
}

// TestRapidLogsCustomDrawOnceWithGoString pins what keeps a failing
// property's report readable: rapid logs each top-level draw of the
// failing case as "[rapid] draw LABEL: %#v" (so with the value's
// GoString), and does not log the draws a Custom generator makes inside.
// exploreRapid makes a whole run one such draw.
func TestRapidLogsCustomDrawOnceWithGoString(t *testing.T) {
	rec, _ := rapidPanics(t, "log", func(rt *rapid.T) {
		rapid.Custom(func(ct *rapid.T) goStringed {
			for range 10 {
				coinGen.Draw(ct, "")
			}
			return goStringed{}
		}).Draw(rt, "schedule")
		rt.Fatalf("always")
	})
	log := string(rec.log)
	if !strings.Contains(log, "[rapid] draw schedule: GOSTRING") {
		t.Fatalf("rapid no longer logs a labelled draw with its GoString; drawnRun.GoString would not show the schedule:\n%s", log)
	}
	if strings.Contains(log, "[rapid] draw #") {
		t.Fatalf("rapid logs the draws inside a Custom generator; every coin of a run would be a line of the report again:\n%s", log)
	}
}

type goStringed struct{}

func (goStringed) GoString() string { return "GOSTRING" }

// TestExploreLogsOneScheduleDraw: a failing Explore property logs its run
// as one labelled draw, the schedule that Replay runs again, and no
// unlabelled draws, even for a run with no choice to make (which draws one
// ignored coin, as rapid rejects a Custom generator that draws nothing).
func TestExploreLogsOneScheduleDraw(t *testing.T) {
	rec, _ := rapidPanics(t, "explore", func(rt *rapid.T) {
		Explore(rt, func() {})
		rt.Fatalf("always")
	})
	log := string(rec.log)
	if strings.Contains(log, "[rapid] draw #") || strings.Count(log, `[rapid] draw schedule: "", preemptions: 0`) != 1 {
		t.Fatalf("a failing Explore property's log wants exactly one \"draw schedule\" line and no unlabelled draws:\n%s", log)
	}
}

// TestRapidTBBehindT pins testingTB: a *rapid.T keeps the TB given to
// rapid.Check in its unexported embedded field tb, where Explore's guard
// reads whether a thread failed the test through it.
func TestRapidTBBehindT(t *testing.T) {
	t.Chdir(t.TempDir())
	rec := &recordingTB{name: "tb"}
	var got rapid.TB
	rapid.Check(rec, func(rt *rapid.T) { got = testingTB(rt) })
	if got != rec {
		t.Fatalf("testingTB(rapid.T) = %v; want the TB given to rapid.Check: rapid.T no longer keeps it in its field tb, and tbGuard must learn where it went", got)
	}
}

// TestRapidReportedCaseAndFailure pins reportedCase, rapidFailure and
// setRapidFailure: of a failing property's runs, only the last (the case
// rapid reports, logging to the TB) has tbLog set; a failed case holds
// its message in the field failed, which Failed reads, and clearing it
// makes the case pass again.
func TestRapidReportedCaseAndFailure(t *testing.T) {
	t.Chdir(t.TempDir())
	rec := &recordingTB{name: "reported"}
	var (
		reported     []bool
		msg, cleared string
		failedAfter  bool
	)
	rapid.Check(rec, func(rt *rapid.T) {
		reported = append(reported, reportedCase(rt))
		rt.Errorf("deliberate")
		msg = rapidFailure(rt)
		setRapidFailure(rt, "")
		cleared, failedAfter = rapidFailure(rt), rt.Failed()
		setRapidFailure(rt, msg)
	})
	if n := len(reported); n < 2 || !reported[n-1] || slices.Contains(reported[:n-1], true) {
		t.Fatalf("reportedCase over the runs of a failing property = %v; want only the last true: rapid.T's field tbLog no longer marks the reported case", reported)
	}
	if msg != "deliberate" || cleared != "" || failedAfter {
		t.Fatalf("rapidFailure after Errorf = %q, after clearing %q (Failed %v); want \"deliberate\", \"\", false: rapid.T's field failed changed", msg, cleared, failedAfter)
	}
	if !rec.Failed() {
		t.Fatalf("the property whose failure was restored passed")
	}
}
