package sched

import (
	"slices"
	"testing"
)

// TestManagedCacheCollisions: two goroutine ids that share a cache slot
// are both found, the second through the map, and neither is found once
// unmanaged.
func TestManagedCacheCollisions(t *testing.T) {
	const gid = int64(1) << 40 // no goroutine of this test has such an id
	a := &thread{gid: gid}
	b := &thread{gid: gid + int64(len(managedCache))}
	manage(a)
	manage(b)
	if got := managedThread(a.gid); got != a {
		t.Errorf("managedThread(a) = %p; want %p", got, a)
	}
	if got := managedThread(b.gid); got != b {
		t.Errorf("managedThread(b) = %p; want %p (from the map: a holds the slot)", got, b)
	}
	unmanage(a)
	if got := managedThread(b.gid); got != b {
		t.Errorf("after unmanage(a): managedThread(b) = %p; want %p", got, b)
	}
	unmanage(b)
	if managedThread(a.gid) != nil || managedThread(b.gid) != nil {
		t.Error("a thread is found after unmanage")
	}
}

// TestBatonsAreReusedEmpty: a passing run gives its threads' batons back,
// empty, and the next run's threads get them.
func TestBatonsAreReusedEmpty(t *testing.T) {
	body := func() {
		Spawn(nil, false, func() { Point("x", nil) })
		Point("y", nil)
	}
	Execute(body, NewConfig(), NewFixed(Schedule{YieldCode}))
	batons.mu.Lock()
	free := append([]chan struct{}(nil), batons.free...)
	batons.mu.Unlock()
	if len(free) < 2 {
		t.Fatalf("%d batons free after a passing run of two threads; want at least 2", len(free))
	}
	for _, c := range free {
		if len(c) != 0 {
			t.Fatal("a free baton holds a token")
		}
	}
	var used []chan struct{}
	note := func() { used = append(used, self().baton) }
	tr := Execute(func() {
		note()
		Spawn(nil, false, func() { note(); Point("x", nil) })
		Point("y", nil)
	}, NewConfig(), NewFixed(Schedule{YieldCode}))
	if tr.Failure != nil {
		t.Fatal(tr.Failure)
	}
	for i, c := range used {
		if !slices.Contains(free, c) {
			t.Errorf("thread %d of the next run got a new baton, not a free one", i)
		}
	}
	for _, th := range tr.threads {
		if th.baton != nil {
			t.Errorf("thread %d kept its baton after the run", th.order)
		}
	}
}
