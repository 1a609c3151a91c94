package interleave_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave"
)

// TestCoverageCountsPreemptionPointsAndPairs: on the seqlock kernel the
// coverage of rapid's runs names seq-write as a preemption point and has
// seen a writer's failpoint followed by the reader's; String keeps the
// prefix ci/summary parses.
func TestCoverageCountsPreemptionPointsAndPairs(t *testing.T) {
	_, _, res := huntKernel(t, kernels[len(kernels)-1], 1, 100)
	cov := res.Coverage
	if cov.PreemptedAt()["seq-write"] == 0 {
		t.Errorf("PreemptedAt()[seq-write] = 0; want > 0 (%v)", cov.PreemptedAt())
	}
	if !cov.Interleaved("seq-write", "seq-read") || cov.Pairs() == 0 {
		t.Errorf("Interleaved(seq-write, seq-read) = false or Pairs() = 0; want true, > 0")
	}
	if s := cov.String(); !strings.HasPrefix(s, "schedules=") || !strings.Contains(s, " pairs=") || !strings.Contains(s, " preempted=") {
		t.Errorf("String() = %q; want schedules=N distinct=M failures=F pairs=P preempted=Q", s)
	}
}

// TestCoverRunsUntilTheTargetIsMet: Cover stops as soon as the reader's
// failpoint has followed a writer's, and reports a target it could not
// meet within the budget.
func TestCoverRunsUntilTheTargetIsMet(t *testing.T) {
	body, _ := kernelSeqlock()
	cov, met, err := interleave.Cover(body, func(c *interleave.Coverage) bool {
		return c.Interleaved("seq-write", "seq-read")
	}, 500)
	if err != nil || !met || cov.Runs() >= 500 {
		t.Fatalf("Cover = %v, met %v, err %v; want the target met within 500", cov, met, err)
	}
	cov, met, _ = interleave.Cover(body, func(c *interleave.Coverage) bool { return c.Interleaved("no-such", "failpoint") }, 20)
	if met || cov.Runs() != 20 {
		t.Fatalf("Cover with an unreachable target = %v, met %v; want 20 schedules, not met", cov, met)
	}
}

func ExampleCover() {
	body, _ := kernelSeqlock()
	_, met, err := interleave.Cover(body, func(c *interleave.Coverage) bool {
		return c.Interleaved("seq-write", "seq-read") && c.Interleaved("seq-read", "seq-write")
	}, 1000)
	fmt.Println(met, err)
	// Output: true <nil>
}

// TestCoverageStringNamesTheMostPreempted: after an exhaustive search of
// the lost-update kernel at bound 1, String ends with the failpoints that
// were preemption points, the most preempted first, as make explore's
// table shows them.
func TestCoverageStringNamesTheMostPreempted(t *testing.T) {
	body, _ := kernelLostUpdate()
	cov, err := interleave.Exhaustive(body, 1)
	if err != nil {
		t.Fatal(err)
	}
	at := cov.PreemptedAt()
	s := cov.String()
	_, list, ok := strings.Cut(s, " preempted-at=")
	if !ok || len(at) == 0 {
		t.Fatalf("String() = %q, PreemptedAt() = %v; want a preempted-at field", s, at)
	}
	top := strings.Split(list, ",")
	if len(top) != min(3, len(at)) {
		t.Fatalf("preempted-at=%s lists %d failpoints; want %d", list, len(top), min(3, len(at)))
	}
	prev := -1
	for _, f := range top {
		name, n, _ := strings.Cut(f, ":")
		if name == "(unnamed-point)" {
			name = "(unnamed point)" // the one name with a space, which String writes with a dash
		}
		if fmt.Sprint(at[name]) != n || (prev >= 0 && at[name] > prev) {
			t.Fatalf("preempted-at=%s: %s; want counts from PreemptedAt %v, most first", list, f, at)
		}
		prev = at[name]
	}
	t.Log(s)
}
