package interleavetest

import (
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/primitives"
)

// TestParkWatchNamesAWaitThatNeverEnds parks a real-mode goroutine in an
// Event's Wait that nobody sets: the watch reports it, with a stack that
// names the operation, once it has been parked for the limit, and not a
// goroutine that waits with a deadline.
func TestParkWatchNamesAWaitThatNeverEnds(t *testing.T) {
	var never, later primitives.Event
	waited := make(chan struct{})
	go func() { never.Wait(); close(waited) }()
	timed := make(chan struct{})
	go func() { later.WaitTimeout(time.Minute); close(timed) }()
	stop := make(chan struct{})
	reports := make(chan string, 4)
	go parkWatch(200*time.Millisecond, 20*time.Millisecond, stop, func(s string) {
		select {
		case reports <- s:
		default:
		}
	})
	defer func() { close(stop); never.Set(); later.Set(); <-waited; <-timed }()
	select {
	case s := <-reports:
		if !strings.Contains(s, "primitives.(*Event).Wait") || !strings.Contains(s, "parkwatch_test.go") {
			t.Fatalf("report does not name Event.Wait and this test:\n%s", s)
		}
	case <-time.After(10 * time.Second): // the watch's own wall-clock limit is 200 ms
		t.Fatal("the park watch reported nothing in 10 s")
	}
}
