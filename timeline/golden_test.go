package timeline_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-lab/interleave/timeline"
	"github.com/interleave-lab/interleave/tracefile"
)

// TestGoldenSVG walks testdata/*.json: each file's SVG is its golden
// testdata/*.svg byte for byte (make golden rewrites them).
func TestGoldenSVG(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(files) < 2 {
		t.Fatalf("testdata has %d trace files; want the s11 and s17 fixtures", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			f, err := tracefile.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			got := timeline.SVG(f)
			golden := strings.TrimSuffix(path, ".json") + ".svg"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (make golden writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("SVG of %s differs from %s (make golden updates it)", path, golden)
			}
			checkWellFormed(t, got)
			if name == "s11" {
				// The README's picture is the S11 timeline.
				checkFile(t, filepath.Join("..", "docs", "s11-timeline.svg"), got)
			}
		})
	}
}

func checkFile(t *testing.T, path string, want []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is not the current S11 timeline (err %v; make golden updates it)", path, err)
	}
}

// checkWellFormed parses the SVG as XML: a browser refuses a standalone
// SVG that is not.
func checkWellFormed(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
}
