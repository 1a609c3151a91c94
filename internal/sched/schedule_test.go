package sched_test

import (
	"errors"
	"testing"

	"github.com/interleave-lab/interleave/internal/sched"
)

func TestParseScheduleRefuses(t *testing.T) {
	for _, text := range []string{
		"5",                         // no colon
		"5:",                        // no value
		":1",                        // no index
		"+5:1",                      // signed index
		"5:+1",                      // signed value
		"-1:1",                      // negative index
		"1:-1",                      // negative value
		"1:2 1:3",                   // duplicate index
		"1:1 1:1",                   // duplicate, same value
		"100000000:1",               // index far past MaxScheduleLen (would allocate GBs)
		"1048576:1",                 // index == MaxScheduleLen
		"0:257",                     // value past MaxChoice
		"0:99999999999999999999999", // overflow
		"0x1:1",                     // not decimal
		"1:1:1",                     // two colons
		"1 :1",                      // split entry
		"١:1",                       // a non-ASCII digit
	} {
		s, err := sched.ParseSchedule(text)
		if !errors.Is(err, sched.ErrBadOption) {
			t.Errorf("ParseSchedule(%q) = %v, %v; want an error wrapping ErrBadOption", text, s, err)
		}
	}
}

func TestParseScheduleAccepts(t *testing.T) {
	for _, c := range []struct {
		text string
		want string
		len  int
	}{
		{"", "", 0},
		{"  ", "", 0},
		{"0:0", "", 1},
		{"3:224", "3:224", 4},
		{"7:256 2:1", "2:1 7:256", 8},
		{"1048575:1", "1048575:1", sched.MaxScheduleLen},
		{"00012:0001", "12:1", 13},
	} {
		s, err := sched.ParseSchedule(c.text)
		if err != nil {
			t.Errorf("ParseSchedule(%q) error = %v; want nil", c.text, err)
			continue
		}
		if got := s.String(); got != c.want || len(s) != c.len {
			t.Errorf("ParseSchedule(%q) = %q (len %d); want %q (len %d)", c.text, got, len(s), c.want, c.len)
		}
	}
}

func TestScheduleCheck(t *testing.T) {
	for _, s := range []sched.Schedule{{-1}, {0, sched.MaxChoice + 1}, {1 << 40}} {
		if err := s.Check(); !errors.Is(err, sched.ErrBadOption) {
			t.Errorf("%v.Check() = %v; want an error wrapping ErrBadOption", []int(s), err)
		}
	}
	if err := (sched.Schedule{0, sched.MaxChoice, 3}).Check(); err != nil {
		t.Errorf("Check of a valid schedule = %v; want nil", err)
	}
}

// FuzzParseSchedule keeps ParseSchedule total: it never panics, never
// allocates more than MaxScheduleLen choices, and what it accepts prints
// back to a text that parses to the same schedule up to its trailing zeros.
func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{"", "0:1", "3:224 9:256", "+5:1", "1:2 1:3", "100000000:1", "-1:0", "1048575:256", "0:257", " 1:1\t2:2\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := sched.ParseSchedule(text)
		if err != nil {
			if !errors.Is(err, sched.ErrBadOption) {
				t.Fatalf("ParseSchedule(%q) error = %v; want one wrapping ErrBadOption", text, err)
			}
			if s != nil {
				t.Fatalf("ParseSchedule(%q) = %v with an error; want nil", text, s)
			}
			return
		}
		if len(s) > sched.MaxScheduleLen {
			t.Fatalf("ParseSchedule(%q) len = %d; want <= %d", text, len(s), sched.MaxScheduleLen)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("ParseSchedule(%q) accepted %v", text, err)
		}
		back, err := sched.ParseSchedule(s.String())
		if err != nil {
			t.Fatalf("ParseSchedule(String()) = %v for %q", err, s.String())
		}
		if back.String() != s.String() || len(back) > len(s) {
			t.Fatalf("round trip %q -> %q -> %q", text, s.String(), back.String())
		}
		for i := range back {
			if back[i] != s[i] {
				t.Fatalf("round trip of %q differs at %d: %d != %d", text, i, back[i], s[i])
			}
		}
		for i := len(back); i < len(s); i++ {
			if s[i] != 0 {
				t.Fatalf("round trip of %q lost choice %d = %d", text, i, s[i])
			}
		}
	})
}

func TestScheduleShortCutsLongSchedules(t *testing.T) {
	s := sched.Schedule{0, 3, 0, 1, 2}
	if got := s.Short(5); got != s.String() || got != "1:3 3:1 4:2" {
		t.Errorf("Short(5) = %q; want the whole %q", got, s.String())
	}
	if got := s.Short(2); got != "1:3 3:1 ... and 1 more choices" {
		t.Errorf("Short(2) = %q", got)
	}
	long := make(sched.Schedule, 100_000)
	for i := range long {
		long[i] = 1
	}
	if got := long.Short(sched.ShortSchedule); len(got) > 1000 {
		t.Errorf("Short of 100,000 choices is %d bytes long", len(got))
	}
}
