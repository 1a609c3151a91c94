package interleave

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"pgregory.net/rapid"
)

// HuntResult is what Hunt found.
type HuntResult struct {
	Found     bool      // the property itself failed (a failed check or a panic) on some schedule
	Invalid   bool      // rapid ran too few valid schedules (every case skipped or invalid): not a find
	Seed      uint64    // the rapid seed of the failing case, 0 if none (or replayed from a fail file)
	Replay    string    // the command that re-runs the enclosing test with Seed ("" if not Found)
	Schedules int       // schedules run before the first failure (all of them if none failed)
	Message   string    // rapid's failure report, with the replay command
	Trace     *Trace    // the shrunk failing interleaving, nil if none
	Log       string    // everything rapid logged
	Coverage  *Coverage // every run Hunt saw, shrinking included
}

// Hunt runs the rapid property prop as rapid.Check would, but records its
// outcome instead of failing tb: it is how a test asserts that the explorer
// finds a deliberate bug, and shows the shrunk interleaving with -v. The
// number of schedules is rapid's (-rapid.checks); the seed is rapid's
// (-rapid.seed), so a fixed seed gives the same result every time.
//
// Found is true only when the property failed: rapid reporting that it
// generated no valid test case (every case skipped) sets Invalid instead.
// A find logs its Seed and Replay command to tb, so a test that goes on to
// fail names its replay.
//
// rapid saves every failure in a fail file and replays saved fail files
// first; Hunt removes its own (testdata/rapid/hunt_<test>/) before and after,
// so each Hunt searches afresh and leaves nothing behind.
func Hunt(tb rapid.TB, prop func(*rapid.T)) HuntResult {
	tb.Helper()
	rec := &recordingTB{name: "hunt_" + failFileName(tb.Name())}
	dir := filepath.Join("testdata", "rapid", rec.name)
	_ = os.RemoveAll(dir)
	defer func() { _ = os.RemoveAll(dir) }()
	var last *Trace
	runs := 0
	cov := &Coverage{}
	huntMu.Lock()
	hunting++
	huntMu.Unlock()
	defer func() {
		huntMu.Lock()
		hunting--
		huntMu.Unlock()
	}()
	rapid.Check(rec, func(t *rapid.T) {
		runs++ // rapid calls the property from one goroutine at a time
		defer func() {
			tr := takeHuntTrace(t)
			if tr != nil {
				cov.Add(tr)
			}
			if v := recover(); v != nil {
				if tr != nil {
					last = tr
				}
				panic(v)
			}
			if t.Failed() && tr != nil {
				last = tr
			}
		}()
		prop(t)
	})
	res := HuntResult{Log: string(rec.log), Message: strings.Join(rec.errors, "\n"), Coverage: cov}
	res.Schedules = runs
	res.Found, res.Invalid = classifyRapidReport(res.Message)
	if m := failedAfter.FindStringSubmatch(res.Message); m != nil {
		n, _ := strconv.Atoi(m[1])
		res.Schedules = n + 1
	}
	if res.Found {
		res.Trace = last
		res.Seed = reportedSeed(res.Message)
		seed := res.Seed
		if seed == 0 {
			seed = RapidSeed() // a fail file: the test's own seed re-runs it
		}
		res.Replay = ReplayCommand(tb.Name(), seed)
		tb.Logf("Hunt: the property failed after %d schedules (rapid seed %d); replay: %s", res.Schedules, res.Seed, res.Replay)
	}
	return res
}
