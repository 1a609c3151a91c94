package interleave

// This file is the one place that knows how pgregory.net/rapid works
// beyond its documented API: the draws of the rapid strategy, the panic
// values rapid uses as signals, the way its shrinker tells failures apart,
// the failure line Hunt parses and the fail files Hunt removes.
// It also reaches the test's own rapid.TB behind a *rapid.T (testingTB), to
// turn a failure of that TB from inside a run into a failure of the run.
// rapid_test.go pins each of these behaviours, so that a rapid upgrade that
// changes one fails that test, by name, instead of breaking users.

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"sync"
	"unicode"
	"unsafe"

	"github.com/interleave-lab/interleave/internal/sched"
	"pgregory.net/rapid"
)

var coinGen = rapid.Bool()

// Every other draw is a number of a few bits, drawn as that many coins,
// most significant first (drawBits): a rapid.Bool costs about 25 ns of CPU
// against 150-200 ns for a rapid.IntRange, which draws a biased bit size
// and then the value, and the shrinker still takes the number towards 0,
// a bit at a time. The widths:
const (
	amountBits = 5 // a delay code past PreemptFrom: 0..31 (sched.DelayCodes-sched.PreemptFrom = 32)
	pastBits   = 3 // ticks past a pending timer: 0..7 (sched.DelayCodes-sched.TimerFrom = 8)
	modeBits   = 3 // the mode draw: 0..7, the portfolio's weights in eighths (modeOf)
	prioBits   = 3 // a PCT thread's initial priority: 0..7
	levelBits  = 2 // a yield level (the levels below)
	posBits    = 4 // a POS priority: 0..15, drawn lazily (posPrio; 16 levels find as much as 256 did)
)

// The delay codes' two ranges are exactly amountBits and pastBits wide: a
// change to sched's codes breaks the build here (an index other than 0).
var (
	_ = [1]struct{}{}[sched.DelayCodes-sched.PreemptFrom-1<<amountBits]
	_ = [1]struct{}{}[sched.DelayCodes-sched.TimerFrom-1<<pastBits]
)

// drawBits draws an n-bit number from t as n coins, most significant
// first.
func drawBits(t *rapid.T, n int) int {
	v := 0
	for range n {
		v <<= 1
		if coinGen.Draw(t, "") {
			v |= 1
		}
	}
	return v
}

// The yield levels a thread draws in the yielders mode.
const (
	levelNever     = iota // never yields
	levelAlways           // yields at every scheduling point
	levelDelayHalf        // at a point in two (a coin), a delay as the coin-flip mode draws it
	levelYieldHalf        // at a point in two (a coin), a yield
)

// preemptCoins is how many fair coins must all come up true for rapid to
// preempt in the coin-flip mode: a preemption at 1 point in
// 2^preemptCoins. Coins are drawn one at a time and stop at the first
// false, so a point costs 1.75 draws on average, and a shrinker that zeroes
// any coin removes the preemption.
const preemptCoins = 3

// The modes of the rapid strategy.
const (
	modeCoins    = iota // a coin-flip delay at every point
	modeYielders        // some threads yield at every point, round robin
	modePCT             // PCT with priorities and change points drawn from rapid (the PCT option)
	modePOS             // partial-order sampling: a priority per pending step, redrawn when a conflicting step runs
)

// rapidStrategy draws every choice from a rapid.T, so rapid's seed and
// fail file replay the run and its shrinker simplifies the schedule: every
// draw shrinks towards "keep running" and "thread order".
//
// Under Explore a run first draws its mode, a portfolio in eighths (it
// shrinks to coin flips). In the modes marked "body kept" the body's own
// thread (order 0) is not preempted at its operations on threads
// (View.AtThreadOp: starting one, joining one): a test's harness starts
// its threads one by one, and a yield between two starts lets the first
// thread run through its critical section before the others exist. At
// its other points, its own work, the body draws like any thread.
//   - coin flips (1/8): at each point preemptCoins coins and, if all came
//     up, a delay code; a tie draws one coin per candidate past the first.
//     Reaches delays of any length, past timers too.
//   - yielders (4/8, 3/8 of them body kept): each thread draws, when first
//     seen, a level: it never yields, yields at every one of its
//     scheduling points, or at a point in two (a coin each) is delayed (a
//     delay code as the coin-flip mode draws it; with a timer pending, a
//     second coin makes it a delay past that timer, so a thread can be
//     late for a deadline) or yields. A yield and every tie go to the next
//     thread in round-robin order. A bug that needs k threads each
//     preempted inside a critical section is hit when those k threads
//     yield and the others do not: probability about 4^-n for n threads
//     whatever k is and however many points each thread has (2^-n when
//     only "never" and "always" matter).
//   - partial-order sampling (3/8, body kept; POS, Yuan et al., CAV
//     2018): the step each ready thread would take next has a
//     drawn priority, and the highest runs (the running thread on a tie);
//     when a step runs, every pending step that conflicts with it
//     (View.Conflict: the same primitive or failpoint name; a thread that
//     has not run yet conflicts with all) gets a new priority, and so
//     does the next step of the thread that ran. Independent steps keep
//     their order, so threads that do not touch the bug's objects do not
//     dilute it, and a thread can be preempted at one point and not at
//     the next, the shape the yielders' fixed round robin is out of phase
//     with. With a timer pending, the earliest wake-up is a step too (it
//     conflicts with all): when it wins, the running thread is delayed
//     past it.
//
// Measured over seeds 1..60 with the default 100 schedules
// (BenchmarkKernelTable, kernel_measure_test.go; BenchmarkModeRates gives
// each mode's rate per kernel), against the portfolio before (1/4 coins,
// 1/2 yielders of three levels, 1/4 PCT-style suspensions): the seqlock
// (two preemptions, four threads) misses on 0/60 seeds (3/60), a
// two-phase flag read with a bystander thread on 0/60 (12/60), the skip-
// phase kernel, the hardest two-preemption shape measured, on 10/60
// (28/60), and a three-preemption over-admission on 10/60 (46/60); the
// one-preemption kernels and timer races, the body's own races with its
// threads included, are found on every seed, within 48 schedules (44),
// the medians 2 to 9. Since POS draws its priorities lazily (posPrio), a
// seed gives another POS schedule than it did: the figures moved (the
// over-admission missed on 7/60, the one-preemption kernels within 27)
// while each mode's failure rate per run stayed within sampling noise
// (8000 runs each: POS on over-admit-3 4.65% -> 4.53%, on skip-phase
// 4.28% -> 3.88%; the whole portfolio on two-phase-noise 6.58% -> 6.74%,
// on ttl-cache 11.8% -> 11.7%). TestKernelsFoundOnPinnedSeed has every
// kernel's figures.
//
// Under the PCT option the mode is PCT (see PCT).
//
// Invariant: mode is fixed before the first choice; prio holds, for every
// thread seen so far, its drawn priority (PCT) or its yield level
// (yielders), and unseenPrio for a thread not seen yet; under POS, pos
// holds the priority of each thread's pending step, as far as drawn
// (posPrio: a fresh one for a step that has none yet, or a thread not
// seen yet), and timerPrio that of the earliest pending wake-up; want is
// the thread the last POS Delay yielded to, until the next POS Delay or
// Tie (-1: none; a yield to the only other ready thread calls no Tie, so
// a later Tie may find a stale want: it is honoured if that thread is
// tied, a choice fixed by the draws like any other, so replay holds); in
// PCT mode changes holds the choice indexes of the change points and
// demoted counts those passed.
type rapidStrategy struct {
	t         *rapid.T
	mode      int
	bodyKeeps bool      // yielders, POS: thread 0, the body's own, is not preempted at its operations on threads
	choice    int       // choices made so far (Delay calls)
	prio      []int     // thread order -> priority (PCT) or yield level (yielders)
	pos       []posPrio // POS: thread order -> the priority of its pending step
	timerPrio posPrio   // POS: the priority of the earliest pending wake-up
	want      int       // POS: the thread posDelay yielded to (-1: none)
	changes   []int     // PCT: choice indexes of change points
	demoted   int       // PCT: change points passed; demoted threads get -1, -2, ...
	buf       []int
	drew      bool // some choice was drawn from t (newRapidPCT may draw none)
}

const unseenPrio = -1 << 30

// newRapidStrategy draws the mode of one Explore run.
func newRapidStrategy(t *rapid.T) *rapidStrategy {
	return modeOf(t, drawBits(t, modeBits))
}

// modeOf is the strategy of an Explore run whose mode draw is m
// (modeBits bits, 0..7): coin flips for 0, where the shrinker goes; the
// yielders, body kept, for 1..3, and the yielders for 4; POS, body kept,
// for 5..7.
func modeOf(t *rapid.T, m int) *rapidStrategy {
	s := &rapidStrategy{t: t, mode: modeCoins, drew: true, want: -1}
	switch {
	case m >= 5:
		s.mode = modePOS
	case m >= 1:
		s.mode = modeYielders
	}
	s.bodyKeeps = m != 0 && m != 4
	return s
}

// newRapidPCT is PCT of the given depth with every random choice drawn from
// t: depth-1 change points, each placed among the first steps choices or
// past them (no change point), drawn towards "past them", and a priority
// per thread drawn towards 0. A shrunk PCT failure has the fewest change
// points that still fail.
func newRapidPCT(t *rapid.T, depth, steps int) *rapidStrategy {
	s := &rapidStrategy{t: t, mode: modePCT, drew: depth > 1, want: -1}
	place := rapid.IntRange(0, steps)
	for range depth - 1 {
		// 0 (where the shrinker goes) means "no change point".
		if c := place.Draw(t, ""); c > 0 {
			s.changes = append(s.changes, c-1)
		}
	}
	return s
}

// priority returns thread th's priority (PCT) or yield level (yielders),
// drawing it on first sight.
func (s *rapidStrategy) priority(th int) int {
	for len(s.prio) <= th {
		s.prio = append(s.prio, unseenPrio)
	}
	if s.prio[th] == unseenPrio {
		s.drew = true
		if s.mode == modeYielders {
			s.prio[th] = drawBits(s.t, levelBits)
		} else {
			s.prio[th] = drawBits(s.t, prioBits)
		}
	}
	return s.prio[th]
}

// Delay draws the point's delay code.
func (s *rapidStrategy) Delay(v *sched.View) int {
	switch s.mode {
	case modePOS:
		return s.posDelay(v)
	case modePCT:
		return s.pctDelay(v)
	case modeYielders:
		if s.harness(v, v.Current()) {
			return 0
		}
		switch s.priority(v.Current()) {
		case levelNever:
			return 0
		case levelAlways: // the yield below
		case levelDelayHalf:
			if !coinGen.Draw(s.t, "") {
				return 0
			}
			if v.TimerPending() && coinGen.Draw(s.t, "") {
				return sched.TimerFrom + drawBits(s.t, pastBits)
			}
			return sched.PreemptFrom + drawBits(s.t, amountBits)
		case levelYieldHalf:
			if !coinGen.Draw(s.t, "") {
				return 0
			}
		}
		return sched.YieldCode
	}
	for range preemptCoins {
		if !coinGen.Draw(s.t, "") {
			return 0
		}
	}
	return sched.PreemptFrom + drawBits(s.t, amountBits)
}

// pctDelay demotes the running thread at a change point and yields when a
// ready thread has a higher priority.
func (s *rapidStrategy) pctDelay(v *sched.View) int {
	i := s.choice
	s.choice++
	cur := v.Current()
	mine := s.priority(cur)
	for _, c := range s.changes {
		if c == i {
			s.demoted++
			mine = -s.demoted
			s.prio[cur] = mine
		}
	}
	s.buf = v.ReadyOthers(s.buf[:0])
	for _, o := range s.buf {
		if s.priority(o) > mine {
			return sched.YieldCode
		}
	}
	return 0
}

// harness reports whether th is the body's thread at one of its
// operations on threads (View.AtThreadOp) in a mode that keeps the body
// running there.
func (s *rapidStrategy) harness(v *sched.View, th int) bool {
	return th == 0 && s.bodyKeeps && v.AtThreadOp(0)
}

// posStep returns the priority of thread th's pending step.
func (s *rapidStrategy) posStep(th int) *posPrio {
	for len(s.pos) <= th {
		s.pos = append(s.pos, posPrio{})
	}
	return &s.pos[th]
}

// posHigher reports whether thread x's pending step outranks thread y's:
// the body at its operations on threads, when the mode keeps it running
// there, outranks every drawn priority. Equal priorities do not outrank:
// the callers compare the running thread first, then in thread order, so
// a tie goes to the running thread, then to thread order.
func (s *rapidStrategy) posHigher(v *sched.View, x, y int) bool {
	switch {
	case s.harness(v, y):
		return false
	case s.harness(v, x):
		return true
	}
	return posAbove(s.t, s.posStep(x), s.posStep(y))
}

// posBest returns the index of the candidate whose pending step has the
// highest priority, comparing them in order, so the first of equals wins.
func (s *rapidStrategy) posBest(v *sched.View, candidates []int) int {
	best := 0
	for i := 1; i < len(candidates); i++ {
		if s.posHigher(v, candidates[i], candidates[best]) {
			best = i
		}
	}
	return best
}

// posRan notes that thread x's pending step runs: every other candidate
// whose pending step conflicts with it gets a new priority, and so does
// x's next step.
func (s *rapidStrategy) posRan(v *sched.View, x int, candidates []int) {
	for _, y := range candidates {
		if y != x && v.Conflict(x, y) {
			s.forget(y)
		}
	}
	s.forget(x)
}

// forget drops the priority of thread th's pending step: it gets a
// fresh one.
func (s *rapidStrategy) forget(th int) {
	if th < len(s.pos) {
		s.pos[th] = posPrio{}
	}
}

// posDelay: the running thread reached a new step; the ready thread whose
// pending step has the highest priority runs (the running one on a tie),
// or, when the earliest pending wake-up outranks them all, the running
// thread is delayed past it.
func (s *rapidStrategy) posDelay(v *sched.View) int {
	cur := v.Current()
	s.want = -1
	if s.harness(v, cur) {
		return 0 // the body starting or joining threads: not a step of the search
	}
	s.buf = v.ReadyOthers(append(s.buf[:0], cur))
	best := s.buf[s.posBest(v, s.buf)]
	if v.TimerPending() {
		if !s.harness(v, best) && posAbove(s.t, &s.timerPrio, s.posStep(best)) {
			// The wake-up conflicts with every step: all but the
			// delayed thread's (which did not run) are new.
			s.timerPrio = posPrio{}
			for _, o := range s.buf[1:] {
				s.forget(o)
			}
			return sched.TimerFrom
		}
	}
	s.posRan(v, best, s.buf)
	if best == cur {
		return 0
	}
	s.want = best
	return sched.YieldCode
}

// posTie: the thread posDelay yielded to, or the tied thread whose pending
// step has the highest priority.
func (s *rapidStrategy) posTie(v *sched.View, tied []int) int {
	if w := s.want; w >= 0 {
		s.want = -1
		for i, o := range tied {
			if o == w {
				return i
			}
		}
	}
	best := s.posBest(v, tied)
	s.posRan(v, tied[best], tied)
	return best
}

// Tie chooses who runs next among threads ready at the same instant.
func (s *rapidStrategy) Tie(v *sched.View) int {
	tied := v.Tied()
	switch s.mode {
	case modePOS:
		return s.posTie(v, tied)
	case modePCT: // the highest priority, thread order among equals
		best := 0
		for i, o := range tied {
			if s.priority(o) > s.priority(tied[best]) {
				best = i
			}
		}
		return best
	case modeYielders: // round robin: the next thread after the current one
		cur := v.Current()
		for i, o := range tied {
			if o > cur {
				return i
			}
		}
		return 0
	}
	// One coin per candidate past the first: "not this one, the next".
	i, n := 0, len(tied)
	for i < n-1 && coinGen.Draw(s.t, "") {
		i++
	}
	return i
}

// exploreRapid runs body once with every choice drawn from t. The whole run
// is one draw of a rapid.Custom generator, labelled "schedule": rapid logs
// each top-level draw of a failing case ("[rapid] draw #N: false", hundreds
// of coins), but not the draws a Custom generator makes inside, so the
// report carries one line, the schedule in its compact form, instead of
// one per coin. The run itself never panics (Execute records a panic in the
// trace), so the generator never retries; the caller re-panics afterwards,
// outside the generator, when the trace says to.
//
// newStrategy makes the run's strategy from the generator's rapid.T
// (newRapidStrategy, or newRapidPCT under the PCT option); it always draws
// at least the mode or a change point, so the generator never draws
// nothing.
func exploreRapid(t *rapid.T, body func(), cfg *sched.Config, newStrategy func(*rapid.T) *rapidStrategy) *Trace {
	if unmarkedHelper(t, &helperExploreRapid) {
		t.Helper()
	}
	return rapid.Custom(func(ct *rapid.T) drawnRun {
		st := newStrategy(ct)
		tr := sched.Execute(body, cfg, st)
		if !st.drew {
			// rapid rejects a Custom generator that draws nothing; a run
			// with no choice to make draws one coin it ignores.
			coinGen.Draw(ct, "")
		}
		return drawnRun{tr}
	}).Draw(t, "schedule").tr
}

// drawnRun is the value of exploreRapid's draw: a run, which rapid's log
// shows (with %#v) as its schedule.
type drawnRun struct{ tr *Trace }

// GoString is what rapid logs for the draw: the compact schedule, which
// Replay(ParseSchedule(...)) runs again.
func (d drawnRun) GoString() string {
	return fmt.Sprintf("%q, preemptions: %d", d.tr.Schedule.Short(sched.ShortSchedule), d.tr.Preemptions())
}

// isRapidSignal reports whether a panic value is rapid's own (a failed or
// skipped test case, an overrun of a shrunk draw buffer), which must reach
// rapid unchanged.
func isRapidSignal(v any) bool {
	return v != nil && reflect.TypeOf(v).PkgPath() == "pgregory.net/rapid"
}

// isRapidFailure reports whether a rapid signal is a failed assertion
// (t.Fatalf inside the run), as opposed to an invalid or skipped case.
func isRapidFailure(v any) bool { return reflect.TypeOf(v).Name() == "stopTest" }

// failRapid fails t with the failed run tr: rapid's own signals are
// re-panicked so rapid sees them as it threw them, anything else is a
// t.Fatalf with the trace.
func failRapid(t *rapid.T, tr *Trace) {
	t.Helper()
	if v := tr.PanicValue; isRapidSignal(v) {
		if isRapidFailure(v) {
			t.Logf("%s", tr) // a failed assertion: show the interleaving that broke it
			repanicFailure(v)
		}
		repanicInvalid(v)
	}
	t.Fatalf("%v\n%s", tr.Failure, tr)
}

// rapid's shrinker tells failures apart by the traceback of their panic,
// so a failed assertion and an "overrun" of a shrunk draw buffer must not
// be re-panicked from the same line: each kind has its own function.

//go:noinline
func repanicFailure(v any) { panic(v) }

//go:noinline
func repanicInvalid(v any) { panic(v) }

// failedAfter matches the line of rapid's failure report that says after
// how many test cases the property failed.
var failedAfter = regexp.MustCompile(`\[rapid\] (?:failed|panic) after (\d+) tests`)

// rapidFound matches the lines of rapid's report that say the property
// itself failed; rapidInvalid the one that says no (or too few) valid test
// cases ran, which is not a failure of the property.
var (
	rapidFound   = regexp.MustCompile(`\[rapid\] (?:(?:failed|panic) after \d+ tests|flaky test)`)
	rapidInvalid = regexp.MustCompile(`\[rapid\] only generated \d+ valid tests`)
	rapidSeed    = regexp.MustCompile(`-rapid\.seed=(\d+)`)
)

// classifyRapidReport reads rapid's errors: found when the property
// failed, invalid when rapid gave up for lack of valid cases.
func classifyRapidReport(msg string) (found, invalid bool) {
	return rapidFound.MatchString(msg), rapidInvalid.MatchString(msg)
}

// reportedSeed is the seed rapid's report names for the failing case (0
// when it names only a fail file).
func reportedSeed(msg string) uint64 {
	m := rapidSeed.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseUint(m[1], 10, 64)
	return n
}

// failFileName keeps the characters rapid keeps in a fail file's name:
// rapid saves a failure of test NAME under testdata/rapid/NAME/.
func failFileName(s string) string {
	return mapRunes(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' })
}

func mapRunes(s string, keep func(rune) bool) string {
	out := []rune(s)
	for i, r := range out {
		if !keep(r) {
			out[i] = '_'
		}
	}
	return string(out)
}

// hunting counts the Hunt calls in progress; while it is non-zero, Explore
// leaves each run's trace in huntTraces under its rapid.T, so Hunt can pick
// the trace of the last (shrunk) failing run.
var (
	huntMu     sync.Mutex
	hunting    int
	huntTraces = map[*rapid.T]*Trace{}
)

// noteHuntTrace reports whether a Hunt is in progress (and took tr).
func noteHuntTrace(t *rapid.T, tr *Trace) bool {
	huntMu.Lock()
	defer huntMu.Unlock()
	if hunting > 0 {
		huntTraces[t] = tr
		return true
	}
	return false
}

func takeHuntTrace(t *rapid.T) *Trace {
	huntMu.Lock()
	defer huntMu.Unlock()
	tr := huntTraces[t]
	delete(huntTraces, t)
	return tr
}

// recordingTB is a rapid.TB that records instead of failing.
type recordingTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	errors []string
	log    []byte
}

func (r *recordingTB) Helper()      {}
func (r *recordingTB) Name() string { return r.name }
func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = fmt.Appendf(r.log, format+"\n", args...)
}
func (r *recordingTB) Log(args ...any)                  { r.Logf("%s", fmt.Sprint(args...)) }
func (r *recordingTB) Skipf(format string, args ...any) { r.Logf(format, args...) }
func (r *recordingTB) Skip(args ...any)                 { r.Log(args...) }
func (r *recordingTB) SkipNow()                         {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}
func (r *recordingTB) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recordingTB) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recordingTB) Fatal(args ...any)                 { r.Error(args...) }
func (r *recordingTB) FailNow()                          { r.Fail() }
func (r *recordingTB) Fail()                             { r.mu.Lock(); r.failed = true; r.mu.Unlock() }
func (r *recordingTB) Failed() bool                      { r.mu.Lock(); defer r.mu.Unlock(); return r.failed }

// testingTB returns the rapid.TB a *rapid.T reports to (the *testing.T
// given to rapid.Check), or nil if t has none. rapid keeps it in an
// unexported embedded field, tb; its Failed and FailNow are rapid's own.
func testingTB(t *rapid.T) rapid.TB {
	if tbField.typ == nil {
		return nil
	}
	v := reflect.NewAt(tbField.typ, unsafe.Add(unsafe.Pointer(t), tbField.offset)).Elem()
	if v.IsNil() {
		return nil
	}
	tb, ok := v.Interface().(rapid.TB)
	if !ok || reflect.TypeOf(tb).PkgPath() == "pgregory.net/rapid" { // rapid's nilTB panics in Failed
		return nil
	}
	return tb
}

// The TBs on which Explore, explore and exploreRapid called t.Helper
// (rapid.TB -> struct{}; an entry is deleted with its test). A TB
// remembers the functions marked as helpers for its whole life, and
// t.Helper walks the stack each time (runtime.Callers): three calls were
// a fifth of an empty Explore run. So each function marks itself once per
// TB, and on every call when t reports to no TB it can reach, or to one
// without Cleanup.
var helperExplore, helperExplore1, helperExploreRapid sync.Map

// unmarkedHelper reports whether the calling function must call
// t.Helper: the first time for the TB behind t, and always when t has
// none that testingTB finds or its TB has no Cleanup.
func unmarkedHelper(t *rapid.T, marked *sync.Map) bool {
	tb, ok := testingTB(t).(interface {
		rapid.TB
		Cleanup(func())
	})
	if !ok { // no TB, or one whose end we would not see: the entry would stay
		return true
	}
	if _, loaded := marked.LoadOrStore(tb, struct{}{}); loaded {
		return false
	}
	tb.Cleanup(func() { marked.Delete(tb) })
	return true
}

// tbField is the offset and the type of rapid.T's field tb, an
// interface (nil typ if rapid.T has no such field), looked up once: every
// Explore reads the field (by name it was 2% of a short schedule, and
// walking reflect.Values to it a few percent more).
var tbField = func() (f struct {
	offset uintptr
	typ    reflect.Type
}) {
	sf, ok := reflect.TypeFor[rapid.T]().FieldByName("tb")
	if !ok || len(sf.Index) != 1 || sf.Type.Kind() != reflect.Interface {
		return f
	}
	f.offset, f.typ = sf.Offset, sf.Type
	return f
}()

// A tbGuard watches the test's own TB (a *testing.T) over one Explore run.
// A thread that calls its Fatalf ends with runtime.Goexit, which ends only
// that thread, and its Errorf marks the test failed: rapid sees neither, so
// it would report "OK, passed" and repeat the message in every test case,
// with no trace. The guard makes either a failure of the run, and
// remembers it (poisoned): a later run of the same test (rapid shrinking
// or replaying the case) fails the same way at once, without running the
// body again, so the test's log has the message once, then rapid's report
// with the trace and the replay command.
//
// A run that failed with ErrBlockedOutside poisons the TB too: its thread's
// goroutine is abandoned, blocked or spinning for good (Go cannot stop
// it), and each run of rapid's shrinking would abandon one more (a
// spinning one takes a core; a few of them starved the watchdog of the
// tests that came after, which then missed a wall-clock sleep). The
// failure is the body's, not the schedule's: the first one is reported.
type tbGuard struct {
	tb     rapid.TB // nil: no TB to watch
	before bool     // tb had failed before the run
}

// poisoned maps a TB that a run failed to that run's trace.
var poisoned sync.Map // rapid.TB -> *Trace

func guardTB(t *rapid.T) *tbGuard {
	g := &tbGuard{tb: testingTB(t)}
	if g.tb != nil {
		g.before = g.tb.Failed()
	}
	return g
}

// poison returns the trace of the run that failed the guard's TB, nil if
// none did.
func (g *tbGuard) poison() *Trace {
	if g.tb == nil {
		return nil
	}
	if v, ok := poisoned.Load(g.tb); ok {
		return v.(*Trace)
	}
	return nil
}

// failedNow reports whether the TB failed during the run.
func (g *tbGuard) failedNow() bool { return g.tb != nil && !g.before && g.tb.Failed() }

// goexit is the run's ThreadGoexit hook: a thread that ended with
// runtime.Goexit while the TB failed called its FailNow.
func (g *tbGuard) goexit(thread string) error {
	if !g.failedNow() {
		return nil // a plain runtime.Goexit (or SkipNow): the thread just ends
	}
	return fmt.Errorf("%w: %s called t.FailNow (t.Fatal, t.Fatalf) of the test's *testing.T, "+
		"which ends only the calling goroutine; fail a property with the *rapid.T it is given", ErrMisuse, thread)
}

// after fails tr if the TB failed during its run (a t.Errorf), and
// poisons the TB when so, or when the run abandoned a thread blocked
// outside the explorer.
func (g *tbGuard) after(tr *Trace) {
	if g.tb == nil {
		return
	}
	abandoned := errors.Is(tr.Failure, ErrBlockedOutside)
	if !g.failedNow() && !abandoned {
		return
	}
	if tr.Failure == nil {
		tr.Failure = fmt.Errorf("%w: the test's *testing.T failed during the run (t.Error or t.Errorf "+
			"called inside it), which rapid does not see; fail a property with the *rapid.T it is given", ErrMisuse)
	}
	if _, loaded := poisoned.LoadOrStore(g.tb, tr); !loaded {
		if c, ok := g.tb.(interface{ Cleanup(func()) }); ok { // a *testing.T: forget it with its test
			tb := g.tb
			c.Cleanup(func() { poisoned.Delete(tb) })
		}
	}
}

// reportedCase reports whether t runs the test case rapid reports: the
// failing case it replays once more, after shrinking, with its log going
// to the test (rapid's field tbLog, set only for that run; rapid's own
// -rapid.log logs every case through another field). Explore searches
// that case's failure for fewer preemptions, once per failing test.
func reportedCase(t *rapid.T) bool {
	f, ok := rapidField(t, tbLogField)
	return ok && f.Kind() == reflect.Bool && f.Bool()
}

// rapidFailure returns the failure message t holds ("" while it has not
// failed; rapid's field failed, a string type), and setRapidFailure
// writes it back: the search for fewer preemptions clears it before each
// of its runs, to see whether a thread failed that run through t
// (t.Errorf fails a case without ending it), and restores it at the end.
// Neither is called while a thread of a run may use t.
func rapidFailure(t *rapid.T) string {
	f, ok := rapidField(t, failedField)
	if !ok || f.Kind() != reflect.String {
		return ""
	}
	return f.String()
}

func setRapidFailure(t *rapid.T, msg string) {
	if f, ok := rapidField(t, failedField); ok && f.Kind() == reflect.String {
		f.SetString(msg)
	}
}

// rapidField returns a settable view of one of rapid.T's unexported
// fields, by its index (nil: rapid has no such field).
func rapidField(t *rapid.T, index []int) (reflect.Value, bool) {
	if index == nil {
		return reflect.Value{}, false
	}
	f := reflect.ValueOf(t).Elem().FieldByIndex(index)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
}

// tbLogField and failedField are the indexes of rapid.T's fields tbLog
// and failed, nil if it has none.
var tbLogField, failedField = rapidFieldIndex("tbLog"), rapidFieldIndex("failed")

func rapidFieldIndex(name string) []int {
	f, ok := reflect.TypeFor[rapid.T]().FieldByName(name)
	if !ok {
		return nil
	}
	return f.Index
}

// huntInProgress reports whether t is a case of a Hunt, which reports
// the failure it finds in its own way and skips the search for fewer
// preemptions.
func huntInProgress(t *rapid.T) bool {
	_, ok := testingTB(t).(*recordingTB)
	return ok
}
