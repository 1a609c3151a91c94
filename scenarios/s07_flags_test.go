package scenarios_test

import (
	"bytes"
	"errors"
	"image/gif"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-lab/interleave"
	"github.com/interleave-lab/interleave/failpoints"

	"github.com/interleave-lab/interleave/scenarios"
)

var flagModes = []scenarios.FlagsMode{scenarios.FlagsSequential, scenarios.FlagsThreads, scenarios.FlagsPool}

// newFlagServer starts a flag server closed at the end of the test.
func newFlagServer(t testing.TB, latency time.Duration) *scenarios.FlagServer {
	t.Helper()
	srv, err := scenarios.NewFlagServer(latency)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// enableFlagFault enables the download failpoint with term for the rest of
// the test. Tests that call it must not be parallel: failpoints are
// process-wide.
func enableFlagFault(t *testing.T, term string) {
	t.Helper()
	if err := failpoints.Enable(failpoints.ScenarioDownload, term); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := failpoints.Disable(failpoints.ScenarioDownload); err != nil {
			t.Error(err)
		}
	})
}

func flagsConfig(t *testing.T, srv *scenarios.FlagServer, mode scenarios.FlagsMode) scenarios.FlagsConfig {
	cfg := scenarios.DefaultFlagsConfig()
	cfg.Dir, cfg.Mode = t.TempDir(), mode
	if srv != nil {
		cfg.BaseURL = srv.URL()
	}
	return cfg
}

func TestFlagsBadParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		param string
		edit  func(*scenarios.FlagsConfig)
	}{
		{"Dir", func(c *scenarios.FlagsConfig) { c.Dir = "" }},
		{"Dir", func(c *scenarios.FlagsConfig) { c.Dir = filepath.Join(c.Dir, "missing") }},
		{"Codes", func(c *scenarios.FlagsConfig) { c.Codes = []string{"CN", "C"} }},
		{"Codes", func(c *scenarios.FlagsConfig) { c.Codes = []string{"C1"} }},
		{"Codes", func(c *scenarios.FlagsConfig) { c.Codes = []string{"../x"} }},
		{"Codes", func(c *scenarios.FlagsConfig) { c.Codes = []string{"cn", "CN"} }},
		{"BaseURL", func(c *scenarios.FlagsConfig) { c.BaseURL = "http://example.com/flags" }},
		{"BaseURL", func(c *scenarios.FlagsConfig) { c.BaseURL = "https://127.0.0.1/flags" }},
		{"BaseURL", func(c *scenarios.FlagsConfig) { c.BaseURL = "http://10.0.0.1/flags" }},
		{"Mode", func(c *scenarios.FlagsConfig) { c.Mode = 7 }},
		{"Workers", func(c *scenarios.FlagsConfig) { c.Mode, c.Workers = scenarios.FlagsPool, 0 }},
		{"Workers", func(c *scenarios.FlagsConfig) { c.Mode, c.Workers = scenarios.FlagsPool, 101 }},
		{"Timeout", func(c *scenarios.FlagsConfig) { c.Timeout = 0 }},
	} {
		cfg := flagsConfig(t, nil, scenarios.FlagsThreads)
		tc.edit(&cfg)
		_, err := scenarios.Flags(io.Discard, cfg)
		if !errors.Is(err, scenarios.ErrBadParam) || !strings.Contains(err.Error(), tc.param) {
			t.Errorf("Flags(%+v) = %v, want an ErrBadParam naming %s", cfg, err, tc.param)
		}
	}
	if _, err := scenarios.NewFlagServer(-time.Second); !errors.Is(err, scenarios.ErrBadParam) {
		t.Errorf("NewFlagServer(-1s) = %v, want ErrBadParam", err)
	}
}

// TestFlagsRefusesModelRun: S07's I/O is real; inside a model run Flags
// says so instead of running.
func TestFlagsRefusesModelRun(t *testing.T) {
	t.Parallel()
	cfg := flagsConfig(t, nil, scenarios.FlagsThreads)
	var err error
	if _, rerr := interleave.Run(func() { _, err = scenarios.Flags(io.Discard, cfg) }); rerr != nil {
		t.Fatal(rerr)
	}
	if !errors.Is(err, scenarios.ErrRealModeOnly) {
		t.Errorf("Flags in a model run = %v, want ErrRealModeOnly", err)
	}
}

func TestFlagGIF(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, cc := range scenarios.POP20CC() {
		b := scenarios.FlagGIF(cc)
		if !bytes.Equal(b, scenarios.FlagGIF(strings.ToLower(cc))) {
			t.Errorf("FlagGIF is case sensitive for %s", cc)
		}
		img, err := gif.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("FlagGIF(%s) is not a GIF: %v", cc, err)
		}
		if r := img.Bounds(); r.Dx() != 1 || r.Dy() != 1 {
			t.Errorf("FlagGIF(%s) is %v, want 1x1", cc, r)
		}
		if !bytes.Contains(b, []byte("flag "+cc)) {
			t.Errorf("FlagGIF(%s) lacks its comment", cc)
		}
		if other, dup := seen[string(b)]; dup {
			t.Errorf("FlagGIF(%s) == FlagGIF(%s)", cc, other)
		}
		seen[string(b)] = cc
	}
	for _, bad := range []string{"", "C", "CNN", "C1", "é"} {
		if b := scenarios.FlagGIF(bad); b != nil {
			t.Errorf("FlagGIF(%q) = %d bytes, want nil", bad, len(b))
		}
	}
}

// TestFlagsAllModes downloads the 20 flags with each download_many: every
// file saved with its bytes, the count 20, every code shown once.
func TestFlagsAllModes(t *testing.T) {
	t.Parallel()
	srv := newFlagServer(t, 0)
	sorted := slices.Sorted(slices.Values(scenarios.POP20CC()))
	for _, mode := range flagModes {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			cfg := flagsConfig(t, srv, mode)
			var out bytes.Buffer
			res, err := scenarios.Flags(&out, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Check(cfg, nil); err != nil {
				t.Error(err)
			}
			want := strings.Join(sorted, " ") + "\n20 flags downloaded.\n"
			if out.String() != want {
				t.Errorf("printout %q, want %q", out.String(), want)
			}
		})
	}
}

// TestFlagServerLoopback: the server listens on 127.0.0.1 only, and
// serves nothing but flags.
func TestFlagServerLoopback(t *testing.T) {
	t.Parallel()
	srv := newFlagServer(t, 0)
	u, err := url.Parse(srv.URL())
	if err != nil || u.Hostname() != "127.0.0.1" || u.Path != "/flags" {
		t.Fatalf("URL() = %q, want http://127.0.0.1:PORT/flags", srv.URL())
	}
	for path, want := range map[string]int{
		"/cn/cn.gif": http.StatusOK, "/CN/CN.gif": http.StatusNotFound, "/cn/br.gif": http.StatusNotFound,
		"/c1/c1.gif": http.StatusNotFound, "/cn": http.StatusNotFound,
	} {
		resp, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || (want == http.StatusOK && !bytes.Equal(body, scenarios.FlagGIF("CN"))) {
			t.Errorf("GET %s: %s, want %d", path, resp.Status, want)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestFlagsPoolSizes(t *testing.T) {
	t.Parallel()
	srv := newFlagServer(t, 0)
	for _, workers := range []int{1, 3, 20, 100} {
		cfg := flagsConfig(t, srv, scenarios.FlagsPool)
		cfg.Workers = workers
		res, err := scenarios.Flags(nil, cfg)
		if err != nil || res.Count != 20 {
			t.Errorf("%d workers: count %d, %v", workers, res.Count, err)
		}
	}
	cfg := flagsConfig(t, srv, scenarios.FlagsThreads)
	cfg.Codes = nil
	var out bytes.Buffer
	if res, err := scenarios.Flags(&out, cfg); err != nil || res.Count != 0 || out.String() != "\n0 flags downloaded.\n" {
		t.Errorf("no codes: count %d, %v, printout %q", res.Count, err, out.String())
	}
}

// The tests below enable the download failpoint, which is process-wide:
// they are not parallel, so they run before, and never alongside, the
// parallel tests.

// TestFlagsOneFails: each kind of fault fails exactly the flag it names, in
// every mode; the 19 others are saved and nothing else is lost.
func TestFlagsOneFails(t *testing.T) {
	srv := newFlagServer(t, 0)
	for _, tc := range []struct {
		fault, code string
		check       func(err error) bool
	}{
		{"404", "BR", func(err error) bool { return err.Error() == "HTTP 404 Not Found" }},
		{"503", "JP", func(err error) bool { return err.Error() == "HTTP 503 Service Unavailable" }},
		{"reset", "PK", func(err error) bool { var ue *url.Error; return errors.As(err, &ue) && !ue.Timeout() }},
		{"slow", "CN", func(err error) bool { var ue *url.Error; return errors.As(err, &ue) && ue.Timeout() }},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			enableFlagFault(t, scenarios.FlagFaultTerm(tc.fault, tc.code))
			for _, mode := range flagModes {
				cfg := flagsConfig(t, srv, mode)
				if tc.fault == "slow" {
					cfg.Timeout = 300 * time.Millisecond // what a slow answer costs; loopback answers take ~1 ms
				}
				var out bytes.Buffer
				res, err := scenarios.Flags(&out, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := res.Check(cfg, []string{tc.code}); err != nil {
					t.Fatal(err)
				}
				if !tc.check(res.Failed[0].Err) {
					t.Errorf("%v: %s failed with %v (%T)", mode, tc.code, res.Failed[0].Err, res.Failed[0].Err)
				}
				if !strings.Contains(out.String(), "*** Error for "+tc.code+": ") || !strings.HasSuffix(out.String(), "19 flags downloaded.\n") {
					t.Errorf("%v: printout %q", mode, out.String())
				}
			}
		})
	}
}

// TestFlagsSeveralFail: three faults at once, in one failpoint value.
func TestFlagsSeveralFail(t *testing.T) {
	srv := newFlagServer(t, 0)
	enableFlagFault(t, `return("404:BR;reset:PK,NG")`)
	for _, mode := range flagModes {
		cfg := flagsConfig(t, srv, mode)
		res, err := scenarios.Flags(io.Discard, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Check(cfg, []string{"BR", "PK", "NG"}); err != nil {
			t.Error(err)
		}
	}
}

// TestFlagsBadFaultSpec: a value the server cannot parse fails every flag
// with a 500 that says why; an integer value is a client-side delay, not a
// fault.
func TestFlagsBadFaultSpec(t *testing.T) {
	srv := newFlagServer(t, 0)
	t.Run("bad", func(t *testing.T) {
		enableFlagFault(t, `return("teapot:BR")`)
		res, err := scenarios.Flags(io.Discard, flagsConfig(t, srv, scenarios.FlagsPool))
		if err != nil || res.Count != 0 || len(res.Failed) != 20 || res.Failed[0].Err.Error() != "HTTP 500 Internal Server Error" {
			t.Errorf("count %d failed %v, %v", res.Count, res.Failed, err)
		}
	})
	t.Run("delay", func(t *testing.T) {
		enableFlagFault(t, "return(1)")
		res, err := scenarios.Flags(io.Discard, flagsConfig(t, srv, scenarios.FlagsThreads))
		if err != nil || res.Count != 20 {
			t.Errorf("count %d failed %v, %v", res.Count, res.Failed, err)
		}
	})
	before := srv.Requests()
	if _, err := scenarios.Flags(io.Discard, flagsConfig(t, srv, scenarios.FlagsSequential)); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests() - before; n != 20 {
		t.Errorf("the server saw %d requests for 20 flags", n)
	}
}

func TestFlagFaultTerm(t *testing.T) {
	t.Parallel()
	for _, tc := range [][2]string{
		{scenarios.FlagFaultTerm("404", "BR"), `return("404:BR")`},
		{scenarios.FlagFaultTerm("reset", "PK", "NG"), `return("reset:PK,NG")`},
	} {
		if tc[0] != tc[1] {
			t.Errorf("FlagFaultTerm = %s, want %s", tc[0], tc[1])
		}
	}
}

// TestFlagsCheckRejects feeds FlagsResult.Check a good result of the
// sequential mode, then copies broken one way each, and a directory with
// one flag missing.
func TestFlagsCheckRejects(t *testing.T) {
	t.Parallel()
	srv := newFlagServer(t, 0)
	cfg := flagsConfig(t, srv, scenarios.FlagsSequential)
	good, err := scenarios.Flags(io.Discard, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Check(cfg, nil); err != nil {
		t.Fatalf("Check(good) = %v; want nil", err)
	}
	for name, edit := range map[string]func(r *scenarios.FlagsResult){
		"count off by one":   func(r *scenarios.FlagsResult) { r.Count-- },
		"a code not saved":   func(r *scenarios.FlagsResult) { r.Saved = r.Saved[1:]; r.Count-- },
		"a code shown twice": func(r *scenarios.FlagsResult) { r.Shown = append(slices.Clone(r.Shown[1:]), r.Shown[1]) },
		"shown out of order": func(r *scenarios.FlagsResult) {
			r.Shown = slices.Clone(r.Shown)
			r.Shown[0], r.Shown[1] = r.Shown[1], r.Shown[0]
		},
		"a failure not named": func(r *scenarios.FlagsResult) { r.Failed = append(r.Failed, &scenarios.FlagError{Code: "BR"}) },
	} {
		bad := good
		edit(&bad)
		if err := bad.Check(cfg, nil); err == nil {
			t.Errorf("%s: Check = nil; want an error", name)
		}
	}
	if err := good.Check(cfg, []string{"BR"}); err == nil {
		t.Error("Check with BR failed on the server but saved: nil; want an error")
	}
	if err := os.Remove(filepath.Join(cfg.Dir, "br.gif")); err != nil {
		t.Fatal(err)
	}
	if err := good.Check(cfg, nil); err == nil {
		t.Error("Check with br.gif missing = nil; want an error")
	}
}
