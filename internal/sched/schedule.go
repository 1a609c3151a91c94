package sched

import (
	"fmt"
	"strconv"
	"strings"
)

// A Schedule is the list of choices a strategy made in a run, in order: for
// each scheduling point with a choice, the delay code (0: keep running), and
// for each tie, the index of the thread chosen. Replay(s) runs it again.
type Schedule []int

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

// ParseSchedule reads the compact form that Schedule.String prints.
func ParseSchedule(text string) (Schedule, error) {
	var s Schedule
	for _, f := range strings.Fields(text) {
		i, v, ok := strings.Cut(f, ":")
		idx, err1 := strconv.Atoi(i)
		val, err2 := strconv.Atoi(v)
		if !ok || err1 != nil || err2 != nil || idx < 0 || val < 0 {
			return nil, fmt.Errorf("%w: schedule entry %q is not index:value", ErrBadOption, f)
		}
		for len(s) <= idx {
			s = append(s, 0)
		}
		s[idx] = val
	}
	return s, nil
}
