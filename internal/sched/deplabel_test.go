package sched

import (
	"slices"
	"testing"
)

func label(res ...int32) depLabel {
	var l depLabel
	for _, r := range res {
		l.add(r)
	}
	return l
}

// TestDepLabelAddKeepsSortedSet: add keeps res sorted without duplicates,
// whatever the order of the resources.
func TestDepLabelAddKeepsSortedSet(t *testing.T) {
	l := label(5, resThread(2), 1, 5, resName(0), 0, 1)
	want := []int32{resName(0), resThread(2), 0, 1, 5}
	if !slices.Equal(l.res, want) {
		t.Fatalf("res = %v; want %v", l.res, want)
	}
}

// TestDepLabelDependent: labels conflict on a shared resource or when
// either touches everything, not otherwise.
func TestDepLabelDependent(t *testing.T) {
	a, b := label(resObject+0, resMemory), label(resObject+1)
	if a.dependent(b) || b.dependent(a) {
		t.Errorf("%v and %v share nothing; want independent", a, b)
	}
	if c := label(resObject+1, resThread(3)); !b.dependent(c) {
		t.Errorf("%v and %v share an object; want dependent", b, c)
	}
	all := depLabel{all: true}
	if !all.dependent(depLabel{}) || !(depLabel{}).dependent(all) {
		t.Errorf("a label touching everything must conflict with any label")
	}
}

// TestDepLabelFreshConflictsAcross: across runs, an object or thread
// numbered at or after the recording state's counts may be any fresh one,
// so two labels with fresh resources conflict even when the numbers
// differ; stable numbers and names compare exactly.
func TestDepLabelFreshConflictsAcross(t *testing.T) {
	const objs, thrs = 2, 3
	old := label(resObject + 5)                // an object first seen after the state
	cur := label(resObject+7, resMemory)       // another fresh index in the new run
	stable := label(resObject+1, resThread(1)) // known at the state
	if !old.dependentAcross(cur, objs, thrs) {
		t.Errorf("fresh objects %v, %v: want dependent across runs", old, cur)
	}
	if old.dependentAcross(stable, objs, thrs) {
		t.Errorf("fresh %v against stable %v: want independent", old, stable)
	}
	if !label(resThread(4)).dependentAcross(label(resThread(6)), objs, thrs) {
		t.Errorf("fresh threads: want dependent across runs")
	}
	if label(resName(0)).dependentAcross(label(resName(1)), objs, thrs) {
		t.Errorf("two failpoint names are stable: want independent")
	}
}
