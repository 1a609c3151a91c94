package timeline_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/timeline"
	"github.com/interleave-lab/interleave/tracefile"
)

// chromium is where Debian installs the browser; .ci/run installs it
// where it is missing, so in CI this test always runs.
const chromium = "/usr/bin/chromium"

// browserArgs start a headless Chromium that touches no network and no
// profile but a fresh one.
func browserArgs(t *testing.T, extra ...string) []string {
	return append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, extra...)
}

func browse(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	// A wall-clock bound on a child process, not a sleep: a hung browser
	// fails the test instead of hanging it. Generous: the machine is shared.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, browserArgs(t, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

var selfcheck = regexp.MustCompile(`<p id="selfcheck">([^<]*)</p>`)

// consoleError matches what Chromium logs for a page's console error or
// uncaught exception with --enable-logging=stderr: "CONSOLE(165)" in older
// versions, "INFO:CONSOLE:165" in Chromium 156 (which CONSOLE\(\d+\)
// alone missed: a console.error passed the test).
var consoleError = regexp.MustCompile(`(?i)CONSOLE(\(|:)\d+|Uncaught|console\.error`)

// TestBrowserRendersTimelines opens the HTML timelines of S11, S17 and a
// 10-thread, 2,000-step run in headless Chromium: the page's own check
// (every lane and mark drawn, no two marks of a lane overlapping, nothing
// outside the picture) passes, the console logs no error, and the
// screenshot shows the marks' colours.
func TestBrowserRendersTimelines(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		// .ci/run installs chromium and sets INTERLEAVE_BROWSER=1: there a
		// missing browser is a failure, never a skip.
		if os.Getenv("INTERLEAVE_BROWSER") != "" || os.Getenv("CI") != "" {
			t.Fatalf("%s: %v; .ci/run installs it (apt-get install chromium)", chromium, err)
		}
		t.Skipf("%s not installed (apt-get install chromium); .ci/run installs it and runs this test", chromium)
	}
	pages := map[string]*tracefile.File{}
	for _, name := range []string{"s11", "s17"} {
		f, err := tracefile.Read(filepath.Join("testdata", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		pages[name] = f
	}
	big, _ := fixtureFile(t, bigFixture())
	pages["big"] = big
	for _, name := range []string{"s11", "s17", "big"} {
		f := pages[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			page := filepath.Join(dir, name+".html")
			if err := os.WriteFile(page, timeline.HTML(f), 0o644); err != nil {
				t.Fatal(err)
			}
			url := "file://" + page
			// One browser both dumps the DOM and takes the screenshot:
			// a Chromium start costs about a second of CPU. The page's
			// check measures in the picture's own coordinates, so the
			// window size does not change what it reports.
			shot := filepath.Join(dir, name+".png")
			dom, logs := browse(t, "--enable-logging=stderr", "--v=0", "--dump-dom",
				"--screenshot="+shot, "--window-size=1280,800", "--hide-scrollbars", url)
			m := selfcheck.FindStringSubmatch(dom)
			if m == nil {
				t.Fatalf("no selfcheck in the page's DOM (script did not run?)")
			}
			want := "selfcheck: ok lanes=" + itoa(len(f.Threads)) + " marks=" + itoa(len(f.Steps))
			if m[1] != want {
				t.Errorf("page says %q; want %q", m[1], want)
			}
			for _, l := range strings.Split(logs, "\n") {
				if consoleError.MatchString(l) {
					t.Errorf("console: %s", l)
				}
			}
			checkScreenshot(t, shot)
		})
	}
}

// checkScreenshot decodes the PNG and looks for the marks' colours (the
// acquire blue, the wait purple) and the lanes' grey among the pixels.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	// A slice, not a map: the loop below visits a million pixels, and
	// ranging over a map for each cost a second of CPU under -race.
	want := []struct {
		name string
		c    color.RGBA
	}{
		{"acquire mark", color.RGBA{0x2b, 0x6c, 0xb0, 0xff}},
		{"lane", color.RGBA{0xed, 0xf2, 0xf7, 0xff}},
		{"wait mark", color.RGBA{0x80, 0x5a, 0xd5, 0xff}},
	}
	found := make([]int, len(want))
	nonWhite := 0
	b := img.Bounds()
	// The pixels as color.RGBA (what color.RGBAModel makes of each),
	// read from Pix: img.At boxes every pixel in an interface.
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(b)
		draw.Draw(rgba, b, img, b.Min, draw.Src)
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := rgba.Pix[rgba.PixOffset(b.Min.X, y):rgba.PixOffset(b.Max.X, y)]
		for x := 0; x+4 <= len(row); x += 4 {
			c := color.RGBA{row[x], row[x+1], row[x+2], row[x+3]}
			if c != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				nonWhite++
			}
			for i, w := range want {
				if near(c, w.c) {
					found[i]++
				}
			}
		}
	}
	for i, w := range want {
		if found[i] < 10 {
			t.Errorf("screenshot %s: %d pixels of the %s colour; want at least 10", path, found[i], w.name)
		}
	}
	if total := b.Dx() * b.Dy(); nonWhite < total/50 {
		t.Errorf("screenshot %s: %d of %d pixels not white; want a drawn page", path, nonWhite, total)
	}
}

func near(a, b color.RGBA) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) < 8 && d(a.G, b.G) < 8 && d(a.B, b.B) < 8
}

func itoa(n int) string { return strconv.Itoa(n) }
