package timeline_test

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/interleave-lab/interleave/timeline"
	"github.com/interleave-lab/interleave/tracefile"
)

// A trace file drawn as an SVG and as a page: one lane per thread, one
// mark per step.
func ExampleSVG() {
	f, err := tracefile.Read(filepath.Join("testdata", "s11.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := timeline.SVG(f)
	page := timeline.HTML(f)
	fmt.Println(bytes.Count(svg, []byte(`class="mark"`)), len(f.Steps), bytes.Count(svg, []byte(`<rect class="lane`)))
	fmt.Println(bytes.HasPrefix(page, []byte("<!DOCTYPE html>")), bytes.Contains(page, []byte("<svg")))
	// Output:
	// 30 30 3
	// true true
}

// Category names how a step is drawn, from its kind and failpoint name.
func ExampleCategory() {
	for _, s := range []tracefile.Step{
		{Kind: "point", Op: "github.com/interleave-lab/interleave/primitives/lock-acquire"},
		{Kind: "point", Op: "github.com/interleave-lab/interleave/primitives/cond-notify"},
		{Kind: "point", Op: "github.com/interleave-lab/interleave/primitives/queue-put"},
		{Kind: "block", Op: "Condition.Wait"},
		{Kind: "delay"},
	} {
		fmt.Println(timeline.Category(s))
	}
	// Output:
	// acquire
	// notify
	// put
	// wait
	// preempt
}
