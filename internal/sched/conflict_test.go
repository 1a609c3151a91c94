package sched

import (
	"fmt"
	"slices"
	"testing"
)

// probe is an Observable for the conflict tests: only its identity counts.
type probe struct{ id int }

func (p *probe) Observe() Snapshot { return Snapshot{Kind: "probe", State: fmt.Sprint(p.id)} }

// TestViewConflictRelation: two pending steps conflict when their points
// name the same primitive, or (without an object) the same failpoint; a
// thread at an anonymous point or at none yet conflicts with every other.
func TestViewConflictRelation(t *testing.T) {
	o1, o2 := &probe{1}, &probe{2}
	at := func(name string, obj Observable) *thread { return &thread{atName: name, atObj: obj} }
	for _, c := range []struct {
		a, b *thread
		want bool
	}{
		{at("fp", nil), at("fp", nil), true},
		{at("fp", nil), at("other", nil), false},
		{at("Lock.acquire", o1), at("Lock.release", o1), true}, // same primitive, other operation
		{at("Lock.acquire", o1), at("Lock.acquire", o2), false},
		{at("fp", o1), at("fp", nil), false}, // an object's point and a plain failpoint of the same name
		{at("", nil), at("fp", nil), true},   // anonymous
		{at("fp", o1), at("", nil), true},
		{at("", nil), at("", nil), true}, // neither has run yet
	} {
		r := &run{threads: []*thread{c.a, c.b}}
		c.a.order, c.b.order = 0, 1
		v := View{r: r}
		if got := v.Conflict(0, 1); got != c.want {
			t.Errorf("Conflict(%q %v, %q %v) = %v; want %v", c.a.atName, c.a.atObj, c.b.atName, c.b.atObj, got, c.want)
		}
		if got := v.Conflict(1, 0); got != c.want {
			t.Errorf("Conflict is not symmetric for %q %v and %q %v", c.a.atName, c.a.atObj, c.b.atName, c.b.atObj)
		}
	}
}

// conflictProbe yields at the first two points (main's spawn point, then
// T1's point "a", so T1 stays parked there) and then records, at each of
// main's points, whether main's step conflicts with T1's.
type conflictProbe struct {
	calls int
	seen  []bool
}

func (s *conflictProbe) Delay(v *View) int {
	s.calls++
	if s.calls <= 2 {
		return YieldCode
	}
	if v.Current() == 0 {
		s.seen = append(s.seen, v.Conflict(0, 1))
	}
	return 0
}

func (s *conflictProbe) Tie(*View) int { return 0 }

// TestViewConflictSeesEachPoint: every scheduling point, named or not,
// becomes the thread's pending step that Conflict judges.
func TestViewConflictSeesEachPoint(t *testing.T) {
	st := &conflictProbe{}
	tr := Execute(func() {
		Spawn(nil, false, func() { Point("a", nil) })
		Point("a", nil)      // T1 is at "a": conflict
		Point("b", nil)      // no conflict
		Point("a", &probe{}) // a primitive's point, T1 at a plain failpoint: none
		Point("", nil)       // anonymous: conflict
	}, NewConfig(), st)
	if tr.Failure != nil {
		t.Fatal(tr.Failure)
	}
	if want := []bool{true, false, false, true}; !slices.Equal(st.seen, want) {
		t.Fatalf("main's steps conflict with T1 parked at \"a\": %v; want %v\n%s", st.seen, want, tr)
	}
}

// namedProbe is a ThreadInfo that is also an Observable, as the
// primitives' Thread is.
type namedProbe struct{ probe }

func (p *namedProbe) Name() string { return fmt.Sprint("T", p.id) }

// threadOpProbe records, at each of main's points, whether View.AtThreadOp
// says main is at an operation on a thread.
type threadOpProbe struct{ seen []bool }

func (s *threadOpProbe) Delay(v *View) int {
	if v.Current() == 0 {
		s.seen = append(s.seen, v.AtThreadOp(0))
	}
	return 0
}

func (s *threadOpProbe) Tie(*View) int { return 0 }

// TestViewAtThreadOp: a thread's spawn point and its points on another
// thread's object are operations on threads; its other points are not.
func TestViewAtThreadOp(t *testing.T) {
	st := &threadOpProbe{}
	t1 := &namedProbe{probe{1}}
	tr := Execute(func() {
		Spawn(t1, false, func() {}) // the spawn point (before it, no other thread: no choice)
		Point("thread-start", t1)   // a point on T1's object
		Point("work", nil)          // not
		Point("work", &probe{2})    // another object's
		Point("", nil)              // anonymous
	}, NewConfig(), st)
	if tr.Failure != nil {
		t.Fatal(tr.Failure)
	}
	if want := []bool{true, true, false, false, false}; !slices.Equal(st.seen, want) {
		t.Fatalf("AtThreadOp at main's points = %v; want %v\n%s", st.seen, want, tr)
	}
}
