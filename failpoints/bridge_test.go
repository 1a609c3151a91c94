package failpoints_test

import (
	"errors"
	"testing"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"
)

const fpTest = "github.com/interleave-lab/interleave/failpoints_test/probe"

func TestEnableRefusesUnqualifiedNames(t *testing.T) {
	err := failpoints.Enable("probe", "return(1)")
	if !errors.Is(err, failpoints.ErrUnknownFailpoint) {
		t.Fatalf("Enable(%q) = %v; want an error wrapping ErrUnknownFailpoint", "probe", err)
	}
}

func TestEvalSeesEnabledFailpointsOutsideRunsOnly(t *testing.T) {
	if _, ok := failpoints.Eval(fpTest); ok {
		t.Fatalf("Eval(%q) before Enable: enabled; want disabled", fpTest)
	}
	if err := failpoints.Enable(fpTest, "return(404)"); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	t.Cleanup(func() { _ = failpoints.Disable(fpTest) })
	v, ok := failpoints.Eval(fpTest)
	if !ok || v != 404 {
		t.Fatalf("Eval(%q) = %v, %v; want 404, true", fpTest, v, ok)
	}
	failpoints.Hit(fpTest, nil) // a return term that is not a delay: nothing happens

	var inRun bool
	if _, err := interleave.Run(func() { _, inRun = failpoints.Eval(fpTest) }); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if inRun {
		t.Fatal("Eval inside a model run: enabled; want disabled (a run's outcome depends on its schedule only)")
	}
	if err := failpoints.Disable(fpTest); err != nil {
		t.Fatalf("Disable: %v", err)
	}
	if _, ok := failpoints.Eval(fpTest); ok {
		t.Fatalf("Eval(%q) after Disable: enabled; want disabled", fpTest)
	}
}

func TestHitIsASchedulingPointInARun(t *testing.T) {
	tr, err := interleave.Run(func() { failpoints.Hit(fpTest, nil) })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(tr.Steps()) != 1 || tr.Steps()[0].Kind != interleave.StepPoint || tr.Steps()[0].Op != fpTest {
		t.Fatalf("trace of one Hit = %+v; want one StepPoint step named %s", tr.Steps(), fpTest)
	}
}

// BenchmarkHitDisabled is the cost of a failpoint in real mode with nothing
// enabled: what every primitive's fast path pays per failpoint.
func BenchmarkHitDisabled(b *testing.B) {
	for b.Loop() {
		failpoints.Hit(fpTest, nil)
	}
}
