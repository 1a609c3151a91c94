package properties_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/properties"
	"github.com/interleave-lab/interleave/scenarios"
	"pgregory.net/rapid"
)

// TestPropS07Flags runs S07 for real (it does real HTTP on loopback and
// real file I/O, so there is no model run and no Explore): rapid draws the
// codes, the mode, and which flags fail and how (an HTTP error status or a
// connection reset, injected through failpoints.ScenarioDownload); every
// failing flag must be reported, once, with its own code, and every other
// flag saved with the right bytes: nothing else is lost. A fixed last case
// makes one flag time out ("slow"), which costs the client's timeout.
//
// Not parallel: it enables a failpoint, which is process-wide.
func TestPropS07Flags(t *testing.T) {
	srv, err := scenarios.NewFlagServer(0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Cleanup(func() { _ = failpoints.Disable(failpoints.ScenarioDownload) })
	pop := scenarios.POP20CC()
	base := t.TempDir()
	runs := 0
	rapid.Check(t, func(rt *rapid.T) {
		runs++
		if err := os.Mkdir(filepath.Join(base, fmt.Sprint(runs)), 0o755); err != nil {
			rt.Fatalf("Mkdir = %v; want nil", err)
		}
		codes := rapid.SliceOfNDistinct(rapid.SampledFrom(pop), 1, 6, rapid.ID[string]).Draw(rt, "codes")
		faults := map[string]string{}
		for _, cc := range codes {
			if kind := rapid.SampledFrom([]string{"", "", "404", "503", "reset"}).Draw(rt, "fault "+cc); kind != "" {
				faults[cc] = kind
			}
		}
		cfg := scenarios.FlagsConfig{
			Codes:   codes,
			Dir:     filepath.Join(base, fmt.Sprint(runs)),
			BaseURL: srv.URL(),
			Mode:    rapid.SampledFrom([]scenarios.FlagsMode{scenarios.FlagsSequential, scenarios.FlagsThreads, scenarios.FlagsPool}).Draw(rt, "mode"),
			Workers: rapid.IntRange(1, 3).Draw(rt, "workers"),
			Timeout: 5 * time.Second,
		}
		checkFlags(rt, cfg, faults)
	})
	t.Logf("%s name=S07Flags schedules=%d distinct=0 failures=0 (real mode)", properties.SummaryPrefix, runs)

	// One flag too slow: it times out, and only it is lost.
	cfg := scenarios.DefaultFlagsConfig()
	cfg.Codes, cfg.Dir, cfg.BaseURL, cfg.Mode, cfg.Timeout = []string{"BR", "CN", "JP"}, t.TempDir(), srv.URL(), scenarios.FlagsPool, 300*time.Millisecond
	checkFlags(t, cfg, map[string]string{"CN": "slow"})
}

// checkFlags runs Flags with faults (code -> fault kind) enabled and checks
// that every faulty code is reported and every other one saved with its
// bytes.
func checkFlags(t fatalf, cfg scenarios.FlagsConfig, faults map[string]string) {
	t.Helper()
	var items []string
	for cc, kind := range faults {
		items = append(items, kind+":"+cc)
	}
	slices.Sort(items)
	if len(items) == 0 {
		_ = failpoints.Disable(failpoints.ScenarioDownload)
	} else if err := failpoints.Enable(failpoints.ScenarioDownload, fmt.Sprintf("return(%q)", strings.Join(items, ";"))); err != nil {
		t.Fatalf("Enable = %v; want nil", err)
	}
	res, err := scenarios.Flags(nil, cfg)
	_ = failpoints.Disable(failpoints.ScenarioDownload)
	if err != nil {
		t.Fatalf("Flags(%+v) = %v; want no error", cfg, err)
	}
	var failed []string
	for _, cc := range cfg.Codes {
		if faults[cc] != "" {
			failed = append(failed, cc)
		}
	}
	if err := res.Check(cfg, failed); err != nil {
		t.Fatalf("Flags with faults %v: %v", faults, err)
	}
	for _, e := range res.Failed {
		if kind := faults[e.Code]; kind == "404" || kind == "503" {
			if !strings.Contains(e.Error(), "HTTP "+kind) {
				t.Fatalf("Flags %v: error for %s = %q; want it to name HTTP %s", cfg.Mode, e.Code, e.Error(), kind)
			}
		}
	}
}
