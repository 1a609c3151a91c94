// Package timeline draws a trace file (package tracefile) as a picture: a
// plain SVG, or a self-contained HTML page (inline CSS, JS and SVG, no
// network) that opens anywhere.
//
// The picture has one lane per thread and virtual time across. Every step
// gets its own column, in trace order, so the steps of one instant are
// spread and no two marks overlap; the time axis labels each column where
// the virtual clock moved. Each step is a mark shaped and coloured by its
// Category; a blocked thread's lane is shaded from where it blocked to
// where it ran again, labelled with what it waited on; an arrow runs from
// each wake (and each start) to the thread it woke; the preemptions of the
// schedule (delay steps) are highlighted across every lane; the failure is
// drawn where it happened (a thread's panic at its step, a deadlock or a
// broken invariant at the end, with the threads still blocked in red).
// Hovering a mark shows the step's line of the text trace (an SVG title).
package timeline

import (
	"strings"

	"github.com/interleave-lab/interleave/tracefile"
)

// The categories a step is drawn as, from its kind and, for a failpoint,
// from its name (lock-acquire, cond-wait, queue-put, ...).
const (
	Acquire   = "acquire"
	Release   = "release"
	Wait      = "wait"
	Notify    = "notify"
	Put       = "put"
	Get       = "get"
	Sleep     = "sleep"
	Failpoint = "failpoint"
	Start     = "start"
	Exit      = "exit"
	Preempt   = "preempt"
	Timeout   = "timeout"
	Panic     = "panic"
)

// categories lists every category in legend order.
var categories = []string{Start, Acquire, Release, Wait, Notify, Put, Get, Sleep, Failpoint, Preempt, Timeout, Panic, Exit}

// Category returns how step s is drawn (one of the constants above).
func Category(s tracefile.Step) string {
	switch s.Kind {
	case "start":
		return Start
	case "exit":
		return Exit
	case "block":
		return Wait
	case "wake":
		return Notify
	case "timeout":
		return Timeout
	case "sleep":
		return Sleep
	case "delay":
		return Preempt
	case "panic":
		return Panic
	}
	op := strings.ToLower(s.Op[strings.LastIndexByte(s.Op, '/')+1:])
	switch {
	case strings.Contains(op, "start"):
		return Start
	case strings.Contains(op, "release"), strings.Contains(op, "unlock"):
		return Release
	case strings.Contains(op, "acquire"):
		return Acquire
	case strings.Contains(op, "notify"), strings.Contains(op, "set"), strings.Contains(op, "signal"):
		return Notify
	case strings.Contains(op, "wait"), strings.Contains(op, "woken"), strings.Contains(op, "join"):
		return Wait
	case strings.Contains(op, "put"), strings.Contains(op, "stored"), strings.Contains(op, "send"):
		return Put
	case strings.Contains(op, "get"), strings.Contains(op, "taken"), strings.Contains(op, "recv"):
		return Get
	case strings.Contains(op, "sleep"):
		return Sleep
	}
	return Failpoint
}

// A span is a stretch of one lane: a blocked wait, or a thread's life.
type span struct {
	thread     int
	from, to   int // step columns; to == len(steps) runs to the end
	label      string
	title      string
	unresolved bool // still blocked when the run ended
}

// An arrow goes from one thread's lane to another's at a step.
type arrow struct {
	step, from, to int
	start          bool // a start (dashed), else a wake
}

// layout is what the renderers draw, computed once from the file.
type layout struct {
	f       *tracefile.File
	blocked []span
	lives   []span
	arrows  []arrow
}

func newLayout(f *tracefile.File) *layout {
	l := &layout{f: f}
	byName := map[string]int{}
	for i := len(f.Threads) - 1; i >= 0; i-- {
		byName[f.Threads[i].Name] = i
	}
	n := len(f.Steps)
	first := make([]int, len(f.Threads))
	last := make([]int, len(f.Threads))
	for i := range first {
		first[i], last[i] = -1, -1
	}
	lastObj := make([]int, len(f.Threads)) // the object of each thread's latest step
	for i := range lastObj {
		lastObj[i] = -1
	}
	for i, s := range f.Steps {
		if first[s.Thread] < 0 {
			first[s.Thread] = i
		}
		last[s.Thread] = i
		if s.Object >= 0 {
			lastObj[s.Thread] = s.Object
		}
		switch s.Kind {
		case "wake", "start":
			name := strings.TrimPrefix(strings.TrimPrefix(s.Op, "wake "), "start ")
			if to, ok := byName[name]; ok {
				l.arrows = append(l.arrows, arrow{step: i, from: s.Thread, to: to, start: s.Kind == "start"})
			}
		case "block":
			what := s.Op
			if o := lastObj[s.Thread]; o >= 0 {
				what += " " + f.Objects[o].Name
			}
			sp := span{thread: s.Thread, from: i, to: n, label: what, unresolved: true}
			for j := i + 1; j < n; j++ {
				if f.Steps[j].Thread == s.Thread {
					sp.to, sp.unresolved = j, false
					break
				}
			}
			sp.title = f.Threads[s.Thread].Name + " blocked on " + what
			if sp.unresolved {
				sp.title += " until the run ended"
			}
			l.blocked = append(l.blocked, sp)
		}
	}
	for t := range f.Threads {
		if first[t] < 0 {
			continue
		}
		to := n
		if f.Steps[last[t]].Kind == "exit" {
			to = last[t]
		}
		l.lives = append(l.lives, span{thread: t, from: first[t], to: to})
	}
	return l
}
