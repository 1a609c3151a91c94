package sched

import (
	"fmt"
	"strconv"
	"strings"
)

// A Schedule is the list of choices a strategy made in a run, in order: for
// each scheduling point with a choice, the delay code (0: keep running), and
// for each tie, the index of the thread chosen. Replay(s) runs it again.
//
// Every choice is in 0..MaxChoice: a delay code is at most YieldCode, and a
// tie index is smaller than the number of threads tied (a Fixed strategy
// clamps a larger one to the last candidate).
type Schedule []int

// MaxScheduleLen bounds the length of a parsed schedule: an entry's index
// must be below it (1<<20 choices, 8 MB), so a mistyped or hostile
// "100000000:1" is an error instead of a multi-gigabyte allocation.
const MaxScheduleLen = 1 << 20

// MaxChoice is the largest choice a schedule may hold: YieldCode, the
// largest delay code (tie indices are smaller in every run of fewer than
// MaxChoice+1 tied threads).
const MaxChoice = YieldCode

// String returns the schedule in its compact form: the positions of its
// non-zero choices, "index:value" separated by spaces ("" for all zeros).
func (s Schedule) String() string {
	var parts []string
	for i, v := range s {
		if v != 0 {
			parts = append(parts, strconv.Itoa(i)+":"+strconv.Itoa(v))
		}
	}
	return strings.Join(parts, " ")
}

// Short is String cut after its first max non-zero choices, with how many
// were left out: a livelocked run's schedule can hold hundreds of
// thousands of choices, which a failure message must not repeat (a trace
// file, or the rapid seed, replays them all).
func (s Schedule) Short(max int) string {
	var b strings.Builder
	shown, left := 0, 0
	for i, v := range s {
		if v == 0 {
			continue
		}
		if shown == max {
			left++
			continue
		}
		if shown > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(v))
		shown++
	}
	if left > 0 {
		fmt.Fprintf(&b, " ... and %d more choices", left)
	}
	return b.String()
}

// ShortSchedule is how many choices a trace's header and rapid's draw log
// show (Schedule.Short).
const ShortSchedule = 64

// Check returns an error wrapping ErrBadOption if a choice of s is
// negative or above MaxChoice.
func (s Schedule) Check() error {
	for i, v := range s {
		if v < 0 || v > MaxChoice {
			return fmt.Errorf("%w: schedule choice %d is %d; want 0..%d", ErrBadOption, i, v, MaxChoice)
		}
	}
	return nil
}

// ParseSchedule reads the compact form that Schedule.String prints:
// "index:value" entries separated by white space, each index and value
// written in decimal digits only (no sign), indices distinct and below
// MaxScheduleLen, values in 0..MaxChoice. Anything else is an error
// wrapping ErrBadOption. The schedule ends at its largest index.
func ParseSchedule(text string) (Schedule, error) {
	type entry struct{ idx, val int }
	var entries []entry
	seen := map[int]bool{}
	end := 0
	for _, f := range strings.Fields(text) {
		i, v, ok := strings.Cut(f, ":")
		if !ok {
			return nil, fmt.Errorf("%w: schedule entry %q is not index:value", ErrBadOption, f)
		}
		idx, err := parseBounded(i, MaxScheduleLen-1)
		if err != nil {
			return nil, fmt.Errorf("%w: schedule entry %q: index %v", ErrBadOption, f, err)
		}
		val, err := parseBounded(v, MaxChoice)
		if err != nil {
			return nil, fmt.Errorf("%w: schedule entry %q: value %v", ErrBadOption, f, err)
		}
		if seen[idx] {
			return nil, fmt.Errorf("%w: schedule entry %q: index %d appears twice", ErrBadOption, f, idx)
		}
		seen[idx] = true
		entries = append(entries, entry{idx, val})
		end = max(end, idx+1)
	}
	if len(entries) == 0 {
		return nil, nil
	}
	s := make(Schedule, end)
	for _, e := range entries {
		s[e.idx] = e.val
	}
	return s, nil
}

// parseBounded reads a decimal number of digits only (no sign, no
// spaces) in 0..limit.
func parseBounded(s string, limit int) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("is empty")
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", s)
		}
		n = n*10 + int(c-'0')
		if n > limit {
			return 0, fmt.Errorf("%q is above %d", s, limit)
		}
	}
	return n, nil
}
