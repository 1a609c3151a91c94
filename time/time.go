// Package time is the standard library's time package on the explorer's
// virtual clock: inside a model run (interleave.Explore, Run, Exhaustive)
// Sleep, timers, tickers and Now run on the run's virtual clock, so a
// one-hour timeout costs nothing and fires exactly; outside a run they are
// the real clock.
//
// The types and constants are the standard library's (aliases), except
// Timer and Ticker, whose channel C is a *chans.Chan[Time], so that a
// timer is a select case the explorer sees: <-t.C becomes t.C.Recv() and
// "case <-t.C:" becomes t.C.CaseRecv(nil, nil). Stop and Reset follow Go
// 1.23's semantics: after Stop or Reset returns, no stale value is
// received from C.
package time

import (
	gotime "time"

	"github.com/interleave-lab/interleave/internal/sched"
)

// The standard library's types, by alias.
type (
	Duration = gotime.Duration
	Time     = gotime.Time
	Month    = gotime.Month
	Weekday  = gotime.Weekday
	Location = gotime.Location
)

// The standard library's durations.
const (
	Nanosecond  = gotime.Nanosecond
	Microsecond = gotime.Microsecond
	Millisecond = gotime.Millisecond
	Second      = gotime.Second
	Minute      = gotime.Minute
	Hour        = gotime.Hour
)

// The standard library's layouts.
const (
	Layout      = gotime.Layout
	ANSIC       = gotime.ANSIC
	RFC3339     = gotime.RFC3339
	RFC3339Nano = gotime.RFC3339Nano
	Kitchen     = gotime.Kitchen
	DateTime    = gotime.DateTime
	DateOnly    = gotime.DateOnly
	TimeOnly    = gotime.TimeOnly
	StampMilli  = gotime.StampMilli
)

// UTC is the standard library's UTC location.
var UTC = gotime.UTC

// Date is the standard library's time.Date.
func Date(year int, month Month, day, hour, min, sec, nsec int, loc *Location) Time {
	return gotime.Date(year, month, day, hour, min, sec, nsec, loc)
}

// Unix is the standard library's time.Unix.
func Unix(sec, nsec int64) Time { return gotime.Unix(sec, nsec) }

// ParseDuration is the standard library's time.ParseDuration.
func ParseDuration(s string) (Duration, error) { return gotime.ParseDuration(s) }

// Now returns the current time: in a model run, the virtual clock (the
// run starts at sched's Epoch, 2000-01-01 UTC); otherwise the wall clock.
func Now() Time { return sched.Now() }

// Since returns the time elapsed since t: Now().Sub(t).
func Since(t Time) Duration { return Now().Sub(t) }

// Until returns the duration until t: t.Sub(Now()).
func Until(t Time) Duration { return t.Sub(Now()) }

// Sleep pauses the current goroutine for at least the duration d. A
// negative or zero duration causes Sleep to return immediately (in a model
// run it is still a scheduling point). In a model run it takes no wall
// time: the goroutine sleeps on the virtual clock while others run.
func Sleep(d Duration) { sched.Sleep(d) }

// After waits for the duration to elapse and then sends the current time
// on the returned channel: NewTimer(d).C.
func After(d Duration) *Chan { return NewTimer(d).C }

// Tick is NewTicker(d).C, or nil if d <= 0.
func Tick(d Duration) *Chan {
	if d <= 0 {
		return nil
	}
	return NewTicker(d).C
}
