package interleave_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"

	"pgregory.net/rapid"
)

// kernelMaxSteps is the step budget of a kernel's run: the longest takes
// about 60 steps. Far below the default 200,000, it keeps a broken
// scheduler whose every run livelocks from making each of the 480 hunts
// run at the full budget (64 s in all for a pick that ran parked threads).
const kernelMaxSteps = 5000

// kernelSeeds is how many rapid seeds every kernel measurement uses.
const kernelSeeds = 20

// shrinkTime is rapid's shrink budget while kernels are measured: the
// count of schedules to the failure is known before shrinking starts, and
// shrinking 100 failures would dominate the measurement's cost.
var shrinkTime = "1ms"

// noShrink is rapid's shrink budget for the hunts that only count the
// schedules to the first failure (kernelStats): nobody reads their trace.
// Even 1ms cost a third of TestKernelsFoundWithinDefaultBudget's time:
// rapid checks its deadline between blocks, and the minimisation of one
// block runs to its end, a schedule per try.
const noShrink = "0s"

// huntKernel runs Explore on k under rapid seed seed with at most checks
// schedules, and reports whether it failed and after how many schedules.
// rapid shrinks the failure for shrinkTime.
func huntKernel(tb testing.TB, k kernel, seed, checks int) (found bool, schedules int, res interleave.HuntResult) {
	return huntKernelShrinking(tb, k, seed, checks, shrinkTime)
}

// huntKernelShrinking is huntKernel with rapid's shrink budget shrink.
func huntKernelShrinking(tb testing.TB, k kernel, seed, checks int, shrink string) (found bool, schedules int, res interleave.HuntResult) {
	setFlag(tb, "rapid.seed", strconv.Itoa(seed))
	setFlag(tb, "rapid.checks", strconv.Itoa(checks))
	setFlag(tb, "rapid.shrinktime", shrink)
	res = interleave.Hunt(tb, func(t *rapid.T) {
		body, check := k.make()
		interleave.Explore(t, body, interleave.MaxSteps(kernelMaxSteps))
		if err := check(); err != nil {
			t.Fatalf("%s: %v", k.name, err)
		}
	})
	return res.Found, res.Schedules, res
}

// kernelStats hunts k on seeds from+1..from+kernelSeeds with checks
// schedules each and returns how many seeds found it and the sorted
// schedule counts of those that did. It does not shrink the failures.
func kernelStats(tb testing.TB, k kernel, checks, from int) (found int, counts []int) {
	for seed := from + 1; seed <= from+kernelSeeds; seed++ {
		ok, n, _ := huntKernelShrinking(tb, k, seed, checks, noShrink)
		if ok {
			found++
			counts = append(counts, n)
		}
	}
	slices.Sort(counts)
	return found, counts
}

// TestKernelsFoundWithinDefaultBudget: every kernel of at most two
// preemptions (the seqlock, the three-customer ticket and the timer races
// included) fails within rapid's default 100 schedules on at least 19 of
// seeds 1..20, but for the ones in hardFoundSeeds, and a three-preemption
// kernel on at least deepFoundSeeds. Measured (go test -run KernelsFound
// -v, or BenchmarkKernelTable) on seeds 1..20 with the portfolio of
// rapid.go (yielders of four levels and partial-order sampling, the
// body's thread not preempted at its operations on threads in most runs):
// seqlock 20/20, median 16, max 85 (before: 20/20, median 37, max 91;
// coins only: 7/20, median 176, max 1108); lost update and check-then-act
// max 5 (9 before), lock order max 6 (13), lost wake-up max 13 (7),
// ttl-cache max 27 (28), lease-renew max 8 (23); two-phase-noise 20/20
// (16/20 before); over-admit-3 15/20 (7/20; 18/20 before POS drew its
// priorities lazily, posPrio, which left every mode's failure rate per
// run as it was and gave these seeds other schedules).
// TestKernelsFoundOnPinnedSeed has the figures for seeds 1..60.
// The seeds are fixed here, so the test does not depend on INTERLEAVE_SEED.
func TestKernelsFoundWithinDefaultBudget(t *testing.T) {
	for _, k := range allKernels() {
		found, counts := kernelStats(t, k, 100, 0)
		t.Logf("%-15s found on %d/%d seeds within 100; schedules-to-failure %v", k.name, found, kernelSeeds, counts)
		want := kernelSeeds - 1
		if k.preemptions >= 3 {
			want = deepFoundSeeds
		}
		if n, ok := hardFoundSeeds[k.name]; ok {
			want = n
		}
		if found < want {
			t.Errorf("%s: found on %d/%d seeds within 100 schedules; want >= %d", k.name, found, kernelSeeds, want)
		}
	}
}

// hardFoundSeeds are the two-preemption kernels the default budget does
// not find on 19 of 20 seeds on every range of seeds, with how many of
// seeds 1..20 must find them. skip-phase: found on 14, 19 and 17 of seeds
// 1..20, 21..40 and 41..60 (16, 17 and 17 before POS drew its priorities
// lazily; 10, 9 and 13 before partial-order sampling), about 1.9% of its
// schedules failing.
var hardFoundSeeds = map[string]int{"skip-phase": 13}

// TestKernelsMinimalBound: each kernel's stated preemptions is the least
// bound at which Exhaustive fails it.
func TestKernelsMinimalBound(t *testing.T) {
	t.Parallel()
	for _, k := range allKernels() {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			for bound := 0; bound <= k.preemptions; bound++ {
				body, check := k.make()
				_, err := interleave.Exhaustive(func() {
					body()
					if e := check(); e != nil {
						panic(e)
					}
				}, bound)
				if failed := err != nil; failed != (bound == k.preemptions) {
					t.Errorf("%s: Exhaustive at bound %d failed = %v; want %v", k.name, bound, failed, bound == k.preemptions)
				}
			}
		})
	}
}

// BenchmarkKernels reports, per kernel, the median and worst number of
// schedules Explore needs to find the bug over 20 seeds (seeds that miss
// within 2000 count as 2000) and on how many seeds it is found within the
// default 100. One op is the whole measurement.
//
//	go test -run '^$' -bench Kernels -benchtime 1x
func BenchmarkKernels(b *testing.B) {
	for _, k := range kernels {
		b.Run(k.name, func(b *testing.B) {
			for range b.N {
				var counts []int
				within := 0
				for seed := 1; seed <= kernelSeeds; seed++ {
					ok, n, _ := huntKernel(b, k, seed, 2000)
					if !ok {
						n = 2000
					}
					if n <= 100 {
						within++
					}
					counts = append(counts, n)
				}
				slices.Sort(counts)
				b.ReportMetric(float64(counts[len(counts)/2]), "median-schedules")
				b.ReportMetric(float64(counts[len(counts)-1]), "max-schedules")
				b.ReportMetric(float64(within), "seeds-within-100")
				b.Logf("%s: %s", k.name, fmt.Sprint(counts))
			}
		})
	}
}

// TestPCTDepthIsPreemptionsPlusOne: the seqlock kernel needs two
// preemptions, so PCT needs depth 3 (two change points); depth 2 misses
// it in 1000 runs, depth 3 finds it (seed 1: after 203 runs), and under
// Explore its choices come from rapid, so the failure replays and shrinks.
func TestPCTDepthIsPreemptionsPlusOne(t *testing.T) {
	setFlag(t, "rapid.seed", "1")
	setFlag(t, "rapid.checks", "1000")
	setFlag(t, "rapid.shrinktime", shrinkTime)
	for _, c := range []struct {
		depth int
		found bool
	}{{2, false}, {3, true}} {
		res := interleave.Hunt(t, func(rt *rapid.T) {
			body, check := kernelSeqlock()
			interleave.Explore(rt, body, interleave.PCT(c.depth, 16))
			if err := check(); err != nil {
				rt.Fatalf("%v", err)
			}
		})
		if res.Found != c.found {
			t.Errorf("PCT(%d): found = %v after %d runs; want %v", c.depth, res.Found, res.Schedules, c.found)
		}
		if res.Found && (res.Trace == nil || !strings.Contains(res.Message, "rapid.failfile")) {
			t.Errorf("PCT(%d): no shrunk trace or replay command:\n%s", c.depth, res.Message)
		}
	}
}

// allKernels is every measurement kernel: the five of kernels_test.go and
// the deep ones of kernels_deep_test.go.
func allKernels() []kernel { return append(append([]kernel{}, kernels...), deepKernels...) }

// BenchmarkKernelTable prints, per kernel, schedules-to-first-failure with
// the default budget of 100 over kernelSeeds seeds: the median and the
// maximum over the seeds that find it, and how many miss. The seeds start
// at 1, or past INTERLEAVE_KERNEL_SEEDS_FROM (to measure on seeds a
// strategy was not tuned on). One op is the whole table.
//
//	go test -run '^$' -bench KernelTable -benchtime 1x -v .
//	INTERLEAVE_KERNEL_SEEDS_FROM=20 go test -run '^$' -bench KernelTable -benchtime 1x -v .
func BenchmarkKernelTable(b *testing.B) {
	for range b.N {
		for _, k := range allKernels() {
			found, counts := kernelStats(b, k, 100, seedOffset())
			med, mx := "-", "-"
			if len(counts) > 0 {
				med, mx = strconv.Itoa(counts[len(counts)/2]), strconv.Itoa(counts[len(counts)-1])
			}
			b.Logf("%-15s preemptions %d  median %3s  max %3s  misses %2d/%d  %v",
				k.name, k.preemptions, med, mx, kernelSeeds-found, kernelSeeds, counts)
		}
	}
}

// seedOffset is INTERLEAVE_KERNEL_SEEDS_FROM (0 when unset): the seeds
// kernelStats uses are seedOffset()+1 .. seedOffset()+kernelSeeds.
func seedOffset() int {
	n, _ := strconv.Atoi(os.Getenv("INTERLEAVE_KERNEL_SEEDS_FROM"))
	return max(n, 0)
}

// deepFoundSeeds is how many of seeds 1..20 must find a three-preemption
// kernel within 100 schedules. Measured on over-admit-3: 15/20 (on seeds
// 21..40 and 41..60: 16/20 and 19/20; 18, 17 and 18 before POS drew its
// priorities lazily, at the same rate per run), against 7/20, 3/20 and
// 4/20 before partial-order sampling, which fails about 5% of its runs where the
// yielders fail under 1%. A bug that needs three preemptions at given
// points of three threads is hit with probability about 1/(m1·m2·m3) per
// run for threads of m points under uniform preemption: 100 runs do not
// make it certain.
const deepFoundSeeds = 14

// TestKernelsFoundOnPinnedSeed: each kernel, under its pinned rapid seed,
// fails within the default 100 schedules, with a failing schedule of at
// least its proven fewest preemptions. The figures are the median and
// worst schedules-to-failure measured on seeds 1..20 / 21..40 / 41..60
// (BenchmarkKernelTable), and how many of the 60 seeds miss within 100.
// The seeds are fixed here, so the test does not depend on
// INTERLEAVE_SEED.
func TestKernelsFoundOnPinnedSeed(t *testing.T) {
	pinned := map[string]int{
		"lost-update":     1, // median 2 / 6 / 4, max 5 / 14 / 8, misses 0/60
		"lost-wakeup":     1, // median 2 / 3 / 4, max 13 / 11 / 8, misses 0/60
		"lock-order":      1, // median 2 / 4 / 2, max 6 / 11 / 7, misses 0/60
		"check-then-act":  1, // median 2 / 6 / 4, max 5 / 14 / 8, misses 0/60
		"seqlock":         1, // median 16 / 11 / 17, max 85 / 92 / 72, misses 0/60 (3/60 before)
		"dining-3":        1, // median 2 / 6 / 3, max 10 / 17 / 6, misses 0/60
		"one-ticket-3":    1, // median 6 / 4 / 5, max 21 / 19 / 12, misses 0/60
		"over-admit-3":    1, // median 27 / 23 / 39, max 71 / 88 / 90, misses 10/60 (46/60 before)
		"ttl-cache":       1, // median 9 / 5 / 3, max 27 / 31 / 48, misses 0/60
		"lease-renew":     1, // median 2 / 3 / 2, max 8 / 10 / 6, misses 0/60
		"two-phase-noise": 1, // median 9 / 9 / 5, max 67 / 58 / 71, misses 0/60 (12/60 before)
		"skip-phase":      1, // median 33 / 34 / 33, max 85 / 89 / 89, misses 10/60 (28/60 before)
		"body-update":     1, // median 2 / 4 / 3, max 7 / 11 / 11, misses 0/60
		"body-reads":      1, // median 2 / 5 / 4, max 20 / 19 / 12, misses 0/60
	}
	for _, k := range allKernels() {
		t.Run(k.name, func(t *testing.T) {
			seed, ok := pinned[k.name]
			if !ok {
				t.Fatalf("no pinned seed for kernel %s", k.name)
			}
			found, n, res := huntKernel(t, k, seed, 100)
			if !found {
				t.Fatalf("seed %d: not found within 100 schedules", seed)
			}
			if res.Trace == nil || res.Trace.Preemptions() < k.preemptions {
				t.Errorf("seed %d, after %d schedules: failing trace %v has fewer than the proven %d preemptions", seed, n, res.Trace, k.preemptions)
			}
		})
	}
}

// modeRate runs k's body runs times under rapid seed 1 with the rapid
// strategy's mode draw fixed to m, and returns the fraction that failed.
func modeRate(tb testing.TB, k kernel, m, runs int) float64 {
	setFlag(tb, "rapid.seed", "1")
	setFlag(tb, "rapid.checks", strconv.Itoa(runs))
	fails := 0
	rapid.Check(tb, func(t *rapid.T) {
		body, check := k.make()
		tr := interleave.ExecuteRapidMode(t, body, m)
		if tr.Failure != nil || check() != nil {
			fails++
		}
	})
	return float64(fails) / float64(runs)
}

// TestModesFindWhatTheyAreFor: each mode of the rapid strategy's
// portfolio fails the kernel it is in the portfolio for at no less than
// about half its measured rate, over 600 runs (BenchmarkModeRates gives
// every rate): a mode that stops preempting, or whose preemptions stop
// landing where they should, fails here by name.
func TestModesFindWhatTheyAreFor(t *testing.T) {
	for _, c := range []struct {
		mode   int
		kernel string
		min    float64 // half of the rate measured over 3000 runs of seed 1
	}{
		{0, "lost-wakeup", 0.19},   // coin flips: 0.38
		{1, "seqlock", 0.04},       // yielders, body kept: 0.084
		{4, "ttl-cache", 0.09},     // yielders: 0.198
		{5, "over-admit-3", 0.025}, // POS, body kept: 0.051 (yielders 0.007 or less)
		{5, "skip-phase", 0.018},   // POS, body kept: 0.038 (yielders 0.015 or less)
		{5, "lease-renew", 0.2},    // POS, body kept, with the timer as a step: 0.43
		{1, "body-update", 0.25},   // yielders, body kept at its thread operations only: 0.51
		{5, "body-reads", 0.12},    // POS, the same: 0.25
	} {
		t.Run(fmt.Sprintf("mode%d/%s", c.mode, c.kernel), func(t *testing.T) { // rapid.Check refuses a failed T
			k := kernelNamed(t, c.kernel)
			if got := modeRate(t, k, c.mode, 600); got < c.min {
				t.Errorf("mode %d fails %s in %.1f%% of runs; want >= %.1f%%", c.mode, c.kernel, 100*got, 100*c.min)
			}
		})
	}
}

// kernelNamed returns the kernel of allKernels called name.
func kernelNamed(tb testing.TB, name string) kernel {
	for _, k := range allKernels() {
		if k.name == name {
			return k
		}
	}
	tb.Fatalf("no kernel %s", name)
	return kernel{}
}

// BenchmarkModeRates prints, per kernel, the fraction of runs that fail
// under each mode of the rapid strategy's portfolio (modeOf), over 3000
// runs each: how the portfolio's weights were chosen. One op is the table.
//
//	go test -run '^$' -bench ModeRates -benchtime 1x -v .
func BenchmarkModeRates(b *testing.B) {
	for range b.N {
		for _, k := range allKernels() {
			line := fmt.Sprintf("%-16s", k.name)
			for _, m := range []int{0, 1, 4, 5} { // coins, yielders (body kept), yielders, POS (body kept)
				line += fmt.Sprintf("  m%d %6.2f%%", m, 100*modeRate(b, k, m, 3000))
			}
			b.Log(line)
		}
	}
}
