package timeline

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/interleave-lab/interleave/tracefile"
)

// Geometry of the picture, in pixels. Every step has a column colW wide
// and every mark fits in markR of its column's centre, so marks never
// overlap: not in one instant, not at 10,000 steps.
const (
	colW    = 16
	markR   = 5
	laneH   = 36
	axisH   = 44
	padR    = 24
	tailW   = 64 // past the last step: where the threads still blocked at the end are drawn
	footH   = 88
	minW    = 640
	charW   = 7 // an upper bound on a 12px sans-serif character's width
	labelMx = 32
)

// style is the CSS of both the SVG and the page.
const style = `
.tl text{font:12px sans-serif;fill:#1a202c}
.tl .axis text{font-size:10px;fill:#4a5568}
.tl .tick{stroke:#cbd5e0;stroke-width:1}
.tl .tick.moved{stroke:#a0aec0}
.tl .lane{fill:#f7fafc}.tl .lane.odd{fill:#edf2f7}
.tl .life{stroke:#a0aec0;stroke-width:2}
.tl .blocked rect{fill:#e9d8fd;stroke:#b794f4;stroke-width:1}
.tl .blocked.deadlocked rect{fill:#fed7d7;stroke:#e53e3e}
.tl .blocked text,.tl text.blabel{font-size:10px;fill:#553c9a}
.tl .preempt-band{fill:#feebc8;opacity:.8}
.tl .arrow{stroke:#d69e2e;stroke-width:1.5;fill:none;marker-end:url(#head)}
.tl .arrow.start{stroke:#3182ce;stroke-dasharray:3 2;marker-end:url(#head-start)}
.tl .failure-line{stroke:#e53e3e;stroke-width:2}
.tl text.failure{fill:#c53030;font-weight:bold}
.tl .mark:hover>*{stroke:#000;stroke-width:2}
.tl .m-acquire{fill:#2b6cb0}.tl .m-release{fill:#fff;stroke:#2b6cb0;stroke-width:2}
.tl .m-wait{fill:#805ad5}.tl .m-notify{fill:#d69e2e}
.tl .m-put{fill:#38a169}.tl .m-get{fill:#fff;stroke:#38a169;stroke-width:2}
.tl .m-sleep{fill:#718096}.tl .m-failpoint{fill:#4a5568}
.tl .m-start{fill:#3182ce}.tl .m-exit{fill:#1a202c}
.tl .m-preempt{fill:#dd6b20}.tl .m-timeout{fill:#c05621}.tl .m-panic{fill:#e53e3e}
`

// SVG returns the timeline of f as a standalone SVG document.
func SVG(f *tracefile.File) []byte {
	var b bytes.Buffer
	WriteSVG(&b, f)
	return b.Bytes()
}

// WriteSVG writes the timeline of f as a standalone SVG document to w.
func WriteSVG(w io.Writer, f *tracefile.File) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	writeSVG(&b, f, true)
	_, err := w.Write(b.Bytes())
	return err
}

// size returns the label column's width and the picture's width and height.
func size(f *tracefile.File) (labelW, width, height int) {
	labelW = 90
	for _, t := range f.Threads {
		labelW = max(labelW, min(labelMx, len(threadLabel(t)))*charW+16)
	}
	width = max(minW, labelW+len(f.Steps)*colW+tailW+padR)
	height = axisH + len(f.Threads)*laneH + footH
	return labelW, width, height
}

func threadLabel(t tracefile.Thread) string {
	switch {
	case t.Main:
		return t.Name + " (main)"
	case t.Daemon:
		return t.Name + " (daemon)"
	}
	return t.Name
}

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

func esc(s string) string { return html.EscapeString(s) }

func writeSVG(b *bytes.Buffer, f *tracefile.File, standalone bool) {
	l := newLayout(f)
	labelW, width, height := size(f)
	x := func(i int) int { return labelW + i*colW + colW/2 }
	laneY := func(t int) int { return axisH + t*laneH + laneH/2 }
	ns := ""
	if standalone {
		ns = ` xmlns="http://www.w3.org/2000/svg"`
	}
	fmt.Fprintf(b, `<svg%s class="tl" id="timeline" width="%d" height="%d" viewBox="0 0 %d %d" data-lanes="%d" data-steps="%d">`+"\n",
		ns, width, height, width, height, len(f.Threads), len(f.Steps))
	if standalone {
		fmt.Fprintf(b, "<style>%s</style>\n", style)
	}
	b.WriteString(`<defs><marker id="head" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L6,3L0,6z" fill="#d69e2e"/></marker>` +
		`<marker id="head-start" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L6,3L0,6z" fill="#3182ce"/></marker></defs>` + "\n")
	fmt.Fprintf(b, `<rect x="0" y="0" width="%d" height="%d" fill="#fff"/>`+"\n", width, height)

	// Lanes and their labels.
	b.WriteString(`<g class="lanes">` + "\n")
	for t, th := range f.Threads {
		odd := ""
		if t%2 == 1 {
			odd = " odd"
		}
		y := axisH + t*laneH
		fmt.Fprintf(b, `<rect class="lane%s" data-thread="%d" x="0" y="%d" width="%d" height="%d"/>`, odd, t, y, width, laneH)
		fmt.Fprintf(b, `<text class="lane-label" x="6" y="%d"><title>%s</title>%s</text>`+"\n", y+laneH/2+4, esc(threadLabel(th)), esc(clip(threadLabel(th), labelMx)))
	}
	b.WriteString("</g>\n")

	// The time axis: a tick per column, labelled where the clock moved
	// (and there is room since the last label).
	b.WriteString(`<g class="axis">` + "\n")
	fmt.Fprintf(b, `<text x="6" y="14">virtual time</text>`)
	lastLabel := -1 << 30
	for i, s := range f.Steps {
		moved := i == 0 || s.AtNs != f.Steps[i-1].AtNs
		if !moved {
			continue
		}
		fmt.Fprintf(b, `<line class="tick moved" x1="%d" y1="%d" x2="%d" y2="%d"/>`, x(i)-colW/2, axisH-8, x(i)-colW/2, height-footH)
		if label := time.Duration(s.AtNs).String(); x(i)-lastLabel > len(label)*6+10 {
			fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`, x(i)-colW/2+2, axisH-12, esc(label))
			lastLabel = x(i)
		}
		b.WriteByte('\n')
	}
	b.WriteString("</g>\n")

	// Preemptions, across every lane.
	b.WriteString(`<g class="preemptions">` + "\n")
	for i, s := range f.Steps {
		if s.Kind == "delay" {
			fmt.Fprintf(b, `<rect class="preempt-band" x="%d" y="%d" width="%d" height="%d"><title>preemption: %s</title></rect>`+"\n",
				x(i)-colW/2, axisH, colW, len(f.Threads)*laneH, esc(s.Line))
		}
	}
	b.WriteString("</g>\n")

	// Lives, then blocked spans over them.
	b.WriteString(`<g class="lives">` + "\n")
	for _, sp := range l.lives {
		end := x(len(f.Steps) - 1)
		if sp.to < len(f.Steps) {
			end = x(sp.to)
		}
		fmt.Fprintf(b, `<line class="life" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", x(sp.from), laneY(sp.thread), end, laneY(sp.thread))
	}
	b.WriteString("</g>\n")
	b.WriteString(`<g class="blocks">` + "\n")
	for _, sp := range l.blocked {
		x0 := x(sp.from)
		x1 := labelW + len(f.Steps)*colW + tailW
		if sp.to < len(f.Steps) {
			x1 = x(sp.to)
		}
		cls := "blocked"
		if sp.unresolved && f.Failure != "" {
			cls += " deadlocked"
		}
		y := axisH + sp.thread*laneH + 6
		fmt.Fprintf(b, `<g class="%s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="3"/>`, cls, esc(sp.title), x0, y, max(x1-x0, 2), laneH-12)
		if n := (x1 - x0 - 8 - colW/2) / 6; n >= 4 {
			fmt.Fprintf(b, `<text class="blabel" x="%d" y="%d">%s</text>`, x0+colW/2+2, y+laneH-16, esc(clip(sp.label, n)))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	// Arrows from a wake or a start to the thread it woke or started.
	b.WriteString(`<g class="arrows">` + "\n")
	for _, a := range l.arrows {
		cls := "arrow"
		if a.start {
			cls += " start"
		}
		y0, y1 := laneY(a.from), laneY(a.to)
		if y1 > y0 {
			y0, y1 = y0+markR+1, y1-markR-2
		} else {
			y0, y1 = y0-markR-1, y1+markR+2
		}
		fmt.Fprintf(b, `<path class="%s" d="M%d,%d C%d,%d %d,%d %d,%d"/>`+"\n", cls, x(a.step), y0, x(a.step)+colW/2, (y0+y1)/2, x(a.step)+colW/2, (y0+y1)/2, x(a.step)+1, y1)
	}
	b.WriteString("</g>\n")

	// The marks.
	b.WriteString(`<g class="marks">` + "\n")
	for i, s := range f.Steps {
		cat := Category(s)
		fmt.Fprintf(b, `<g class="mark" data-step="%d" data-kind="%s"><title>%d %v  %s</title>`, i, cat, i, s.At(), esc(s.Line))
		writeMark(b, cat, x(i), laneY(s.Thread))
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")

	// The failure, where it happened: a panic at its step, anything else
	// (a deadlock, a broken invariant, a budget) after the last step.
	foot := axisH + len(f.Threads)*laneH
	if f.Failure != "" {
		at := len(f.Steps)
		for i, s := range f.Steps {
			if s.Kind == "panic" {
				at = i
				break
			}
		}
		fx := labelW + at*colW + colW/2
		if at == len(f.Steps) {
			fx = labelW + at*colW + tailW
		}
		fmt.Fprintf(b, `<g class="failure-mark"><title>%s</title><line class="failure-line" x1="%d" y1="%d" x2="%d" y2="%d"/></g>`+"\n", esc(f.Failure), fx, axisH-6, fx, foot+4)
		first, _, _ := strings.Cut(f.Failure, "\n")
		fmt.Fprintf(b, `<text class="failure" x="6" y="%d"><title>%s</title>failure: %s</text>`+"\n", foot+20, esc(f.Failure), esc(clip(first, (width-80)/7)))
	}

	// The legend.
	b.WriteString(`<g class="legend">` + "\n")
	lx, ly := 6, foot+48
	for _, cat := range categories {
		if lx+2*markR+len(cat)*7+14 > width {
			lx, ly = 6, ly+18
		}
		writeMark(b, cat, lx+markR, ly-4)
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`, lx+2*markR+4, ly, cat)
		lx += 2*markR + 8 + len(cat)*7 + 10
	}
	b.WriteString("\n</g>\n</svg>\n")
}

// writeMark draws the mark of a category centred on (x, y), inside a
// circle of radius markR.
func writeMark(b *bytes.Buffer, cat string, x, y int) {
	r := markR
	c := "m-" + cat
	switch cat {
	case Acquire, Release:
		fmt.Fprintf(b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d"/>`, c, x-r+1, y-r+1, 2*r-2, 2*r-2)
	case Wait:
		fmt.Fprintf(b, `<path class="%s" d="M%d,%dL%d,%dL%d,%dz"/>`, c, x-r, y-r+1, x+r, y-r+1, x, y+r)
	case Notify:
		fmt.Fprintf(b, `<path class="%s" d="M%d,%dL%d,%dL%d,%dz"/>`, c, x-r, y+r-1, x+r, y+r-1, x, y-r)
	case Put, Get, Sleep:
		fmt.Fprintf(b, `<circle class="%s" cx="%d" cy="%d" r="%d"/>`, c, x, y, r-1)
	case Start:
		fmt.Fprintf(b, `<path class="%s" d="M%d,%dL%d,%dL%d,%dz"/>`, c, x-r+1, y-r, x+r, y, x-r+1, y+r)
	case Exit:
		fmt.Fprintf(b, `<rect class="%s" x="%d" y="%d" width="4" height="%d"/>`, c, x-2, y-r, 2*r)
	case Panic, Timeout:
		fmt.Fprintf(b, `<path class="%s" d="M%d,%dL%d,%dL%d,%dL%d,%dz"/>`, c, x, y-r, x+r, y, x, y+r, x-r, y)
	case Preempt:
		fmt.Fprintf(b, `<path class="%s" d="M%d,%dL%d,%dL%d,%dL%d,%dz"/>`, c, x-r, y-r, x+r, y-r, x-r, y+r, x+r, y+r)
	default:
		fmt.Fprintf(b, `<path class="%s" d="M%d,%dL%d,%dL%d,%dL%d,%dz"/>`, c, x, y-r+1, x+r-1, y, x, y+r-1, x-r+1, y)
	}
}
