package scenarios

// S07 flags: the tutorial's "downloading flags" example, built on Fluent
// Python's flags.py (POP20_CC, get_flag, show, save_flag, main):
//
//	def download_one(cc):
//	    image = get_flag(cc)
//	    show(cc)
//	    save_flag(image, cc.lower() + '.gif')
//	    return cc
//
//	def download_many(cc_list):
//	    threads = []
//	    for cc in cc_list:
//	        thread = MyThread(download_one, (cc, ), download_one.__name__)
//	        threads.append(thread)
//	    for thread in threads:
//	        thread.start()
//	    for thread in threads:
//	        thread.join()
//	    return len(list(threads))
//
// flags.py's own download_many, the sequential one, is
//
//	for cc in sorted(cc_list):
//	    image = get_flag(cc)
//	    show(cc)
//	    save_flag(image, cc.lower() + '.gif')
//	return len(cc_list)
//
// and main(download_many) times it and prints "20 flags downloaded in
// 1.23s". The port has three download_many: FlagsSequential (flags.py's),
// FlagsThreads (the tutorial's, one primitives.Thread per flag) and
// FlagsPool (a bounded pool: Workers threads taking codes from a
// primitives.Queue, the shape the tutorial's FAQ asks for).
//
// The downloads are real: get_flag fetches from a FlagServer, a real HTTP
// server on 127.0.0.1 (flupy.org's layout), and save_flag writes the file
// into FlagsConfig.Dir. So S07 runs in real mode only (Flags refuses to run
// inside a model run): its concurrency is the Go runtime's, and the
// explorer has no part in it. Faults are injected per flag through the
// failpoint failpoints.ScenarioDownload (see FlagFaultTerm): one code can
// be made to fail with a 404, a connection reset or a timeout while the
// others download normally.
//
// Differences from the Python:
//   - download_many returns the number of flags saved, not the number of
//     threads (the tutorial's len(list(threads)) counts a failed download
//     as a success); a failure is reported per flag in FlagsResult.Failed
//     and loses nothing else. flags.py would stop at the first exception.
//   - show(cc) prints the code the moment its download finished, so the
//     threaded versions print in a different order on every run. The port
//     records that order (FlagsResult.Shown) and prints the codes sorted,
//     which is also flags.py's order, so the printout is deterministic; the
//     elapsed time goes in FlagsResult.Elapsed, not in the printout.
//   - MyThread's result (getResult) is the closure's write to a slot of a
//     slice, read after Join.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
	"github.com/interleave-lab/interleave/internal/sched"

	"github.com/interleave-lab/interleave/primitives"
)

// ErrRealModeOnly is returned by a scenario that does real I/O (S07) when
// it is called inside a model run.
var ErrRealModeOnly = errors.New("scenario does real I/O and runs in real mode only")

// FlagsMode chooses S07's download_many.
type FlagsMode int

const (
	// FlagsSequential is flags.py's download_many: one flag after the
	// other, in sorted order.
	FlagsSequential FlagsMode = iota
	// FlagsThreads is the tutorial's download_many: one thread per flag,
	// all started, then all joined.
	FlagsThreads
	// FlagsPool is a bounded pool: FlagsConfig.Workers threads take the
	// codes from a queue until it is drained.
	FlagsPool
)

// String returns "sequential", "threads" or "pool".
func (m FlagsMode) String() string {
	switch m {
	case FlagsSequential:
		return "sequential"
	case FlagsThreads:
		return "threads"
	case FlagsPool:
		return "pool"
	}
	return fmt.Sprintf("FlagsMode(%d)", int(m))
}

// FlagsConfig is the shape of S07.
type FlagsConfig struct {
	// Codes are the country codes to download: two ASCII letters each
	// (either case), no code twice. flags.py's POP20_CC by default.
	Codes []string
	// Dir is the directory the flags are saved into, as cc.gif (lower
	// case). Required; it must exist.
	Dir string
	// BaseURL is the flag server's base URL (FlagServer.URL). Its host
	// must be a loopback address or "localhost". Empty: Flags starts a
	// FlagServer of its own for the call.
	BaseURL string
	// Mode chooses download_many. FlagsThreads, the tutorial's, by default.
	Mode FlagsMode
	// Workers is the pool's size for FlagsPool: 1 to 100 (ignored by the
	// other modes).
	Workers int
	// Timeout bounds each download (the whole HTTP exchange). > 0.
	Timeout time.Duration
}

// POP20CC returns flags.py's POP20_CC: the 20 most populous countries'
// codes, in its order.
func POP20CC() []string {
	return strings.Fields("CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR")
}

// DefaultFlagsConfig returns the tutorial's values: the 20 codes of
// POP20_CC, one thread per flag, a pool of 4 for FlagsPool, 5 s per
// download, and a server of the call's own. Dir must still be set.
func DefaultFlagsConfig() FlagsConfig {
	return FlagsConfig{Codes: POP20CC(), Mode: FlagsThreads, Workers: 4, Timeout: 5 * time.Second}
}

// maxFlags bounds the codes of one call (there are 676 two-letter codes).
const maxFlags = 26 * 26

// maxFlagBytes bounds what get_flag reads of one answer.
const maxFlagBytes = 64 << 10

func (c FlagsConfig) validate() error {
	if sched.InModel() {
		return fmt.Errorf("scenarios: Flags: %w (do not call it inside interleave.Run or Explore)", ErrRealModeOnly)
	}
	if len(c.Codes) > maxFlags {
		return paramError("Codes", len(c.Codes), fmt.Sprintf("at most %d codes", maxFlags))
	}
	seen := map[string]bool{}
	for _, cc := range c.Codes {
		if !validCode(cc) {
			return paramError("Codes", cc, "a code is two ASCII letters")
		}
		up := strings.ToUpper(cc)
		if seen[up] {
			return paramError("Codes", cc, "named twice")
		}
		seen[up] = true
	}
	if c.Dir == "" {
		return paramError("Dir", `""`, "the directory to save the flags into is required")
	}
	if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
		return paramError("Dir", c.Dir, "must be an existing directory")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || u.Scheme != "http" || !loopbackHost(u.Hostname()) {
			return paramError("BaseURL", c.BaseURL, "must be an http URL on a loopback address")
		}
	}
	switch c.Mode {
	case FlagsSequential, FlagsThreads:
	case FlagsPool:
		if c.Workers < 1 || c.Workers > 100 {
			return paramError("Workers", c.Workers, "must be between 1 and 100")
		}
	default:
		return paramError("Mode", c.Mode, "must be FlagsSequential, FlagsThreads or FlagsPool")
	}
	if c.Timeout <= 0 {
		return paramError("Timeout", c.Timeout, "must be > 0")
	}
	return nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// FlagError is the failure of one flag's download or save.
type FlagError struct {
	Code string // the country code, as given
	Err  error  // what went wrong
}

// Error returns "CODE: the error".
func (e *FlagError) Error() string { return e.Code + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagsResult is what S07 leaves behind.
type FlagsResult struct {
	// Count is download_many's return value: the number of flags saved.
	Count int
	// Saved holds the codes saved, sorted (len(Saved) == Count).
	Saved []string
	// Shown holds the codes in the order show(cc) was called: sorted for
	// FlagsSequential, completion order for the threaded modes.
	Shown []string
	// Failed holds one error per flag that was not saved, sorted by code.
	// Codes, Saved and Failed account for every code exactly once.
	Failed []*FlagError
	// Elapsed is download_many's wall time.
	Elapsed time.Duration
}

// flagDownloader is one call of S07: the client, and the codes shown.
type flagDownloader struct {
	cfg     FlagsConfig
	baseURL string
	client  *http.Client

	mu    sync.Mutex // guards shown: show runs in every download thread
	shown []string
}

// Flags runs S07: it downloads cfg.Codes from the flag server with the
// download_many cfg.Mode chooses, saving each flag to cfg.Dir, and prints
// what flags.py's main prints: the codes shown (sorted), then "N flags
// downloaded." (without the time; see FlagsResult.Elapsed). A failed flag
// is printed as "*** Error for CC: error", in code order, before the count.
// Per-flag failures are in the result, not in the returned error, which is
// only about the parameters and the server.
//
// Flags runs in real mode only: inside a model run it returns an error
// wrapping ErrRealModeOnly.
//
// Flags ports flags.py's main(download_many); see the file comment for how
// it differs.
func Flags(w io.Writer, cfg FlagsConfig) (FlagsResult, error) {
	if err := cfg.validate(); err != nil {
		return FlagsResult{}, err
	}
	w = orDiscard(w)
	d := &flagDownloader{cfg: cfg, baseURL: strings.TrimSuffix(cfg.BaseURL, "/")}
	if d.baseURL == "" {
		srv, err := NewFlagServer(0)
		if err != nil {
			return FlagsResult{}, err
		}
		defer srv.Close()
		d.baseURL = srv.URL()
	}
	transport := &http.Transport{MaxIdleConnsPerHost: max(len(cfg.Codes), 1)}
	defer transport.CloseIdleConnections()
	d.client = &http.Client{Transport: transport, Timeout: cfg.Timeout}

	t0 := time.Now()
	var errs []error
	switch cfg.Mode {
	case FlagsSequential:
		errs = d.downloadMany(cfg.Codes)
	case FlagsThreads:
		errs = d.downloadManyThreads(cfg.Codes)
	case FlagsPool:
		errs = d.downloadManyPool(cfg.Codes, cfg.Workers)
	}
	res := FlagsResult{Elapsed: time.Since(t0), Shown: d.shown}
	for k, cc := range cfg.Codes {
		if errs[k] != nil {
			res.Failed = append(res.Failed, &FlagError{Code: cc, Err: errs[k]})
		} else {
			res.Saved = append(res.Saved, cc)
		}
	}
	slices.Sort(res.Saved)
	slices.SortFunc(res.Failed, func(a, b *FlagError) int { return strings.Compare(a.Code, b.Code) })
	res.Count = len(res.Saved)

	shown := slices.Clone(res.Shown)
	slices.Sort(shown)
	fmt.Fprintln(w, strings.Join(shown, " "))
	for _, e := range res.Failed {
		fmt.Fprintf(w, "*** Error for %s: %v\n", e.Code, e.Err)
	}
	fmt.Fprintf(w, "%d flags downloaded.\n", res.Count)
	return res, nil
}

// getFlag is flags.py's get_flag(cc): it fetches BASE_URL/cc/cc.gif (cc in
// lower case) and returns the image. A status other than 200 is an error,
// and at most maxFlagBytes are read. There is no retry.
func (d *flagDownloader) getFlag(cc string) ([]byte, error) {
	lc := strings.ToLower(cc)
	failpoints.Hit(failpoints.ScenarioDownload, nil) // an integer value delays the download (stress mode)
	resp, err := d.client.Get(d.baseURL + "/" + lc + "/" + lc + ".gif")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	image, err := io.ReadAll(io.LimitReader(resp.Body, maxFlagBytes+1))
	if err != nil {
		return nil, err
	}
	if len(image) > maxFlagBytes {
		return nil, fmt.Errorf("flag larger than %d bytes", maxFlagBytes)
	}
	return image, nil
}

// show is flags.py's show(text), which prints text and a space at once; the
// port records it (see the file comment).
func (d *flagDownloader) show(cc string) {
	d.mu.Lock()
	d.shown = append(d.shown, cc)
	d.mu.Unlock()
}

// saveFlag is flags.py's save_flag(img, filename): it writes img to
// filename in the destination directory.
func (d *flagDownloader) saveFlag(img []byte, filename string) error {
	return os.WriteFile(filepath.Join(d.cfg.Dir, filename), img, 0o644)
}

// downloadOne is the tutorial's download_one(cc): get, show, save.
func (d *flagDownloader) downloadOne(cc string) error {
	image, err := d.getFlag(cc)
	if err != nil {
		return err
	}
	d.show(cc)
	return d.saveFlag(image, strings.ToLower(cc)+".gif")
}

// downloadMany is flags.py's sequential download_many: each flag in sorted
// order. It returns each code's error (nil: saved), in ccList's order.
func (d *flagDownloader) downloadMany(ccList []string) []error {
	errs := make([]error, len(ccList))
	order := make([]int, len(ccList))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(ccList[a], ccList[b]) })
	for _, k := range order {
		errs[k] = d.downloadOne(ccList[k])
	}
	return errs
}

// downloadManyThreads is the tutorial's download_many: one thread per
// flag (MyThread(download_one, (cc,), "download_one")), all started, then
// all joined.
func (d *flagDownloader) downloadManyThreads(ccList []string) []error {
	errs := make([]error, len(ccList))
	threads := make([]*primitives.Thread, len(ccList))
	for k, cc := range ccList {
		threads[k] = primitives.NewThread(func() { errs[k] = d.downloadOne(cc) }, primitives.WithName("download_one"))
	}
	for _, t := range threads {
		t.Start()
	}
	for k, t := range threads {
		t.Join()
		if err := t.Err(); err != nil && errs[k] == nil {
			errs[k] = err // the thread panicked: report it as this flag's failure
		}
	}
	return errs
}

// errNotDownloaded marks a flag whose pool worker ended (panicked) before
// it finished the download.
var errNotDownloaded = errors.New("not downloaded: its worker thread panicked")

// downloadManyPool is the bounded pool: workers threads take indexes of
// ccList from a queue and download them, until the queue, shut down once
// every index was put, is drained.
func (d *flagDownloader) downloadManyPool(ccList []string, workers int) []error {
	errs := make([]error, len(ccList))
	for k := range errs {
		errs[k] = errNotDownloaded
	}
	q := primitives.NewQueue[int](0)
	for k := range ccList {
		_ = q.Put(k) // an unbounded queue that is not shut down takes every item
	}
	q.Shutdown(false) // gets drain the queue, then fail: each worker's loop ends
	worker := func() {
		for {
			k, err := q.Get()
			if err != nil {
				return
			}
			errs[k] = d.downloadOne(ccList[k])
		}
	}
	threads := make([]*primitives.Thread, workers)
	for i := range threads {
		threads[i] = primitives.NewThread(worker, primitives.WithName(fmt.Sprintf("download_one-%d", i+1)))
		threads[i].Start()
	}
	var panics []error
	for _, t := range threads {
		t.Join()
		if err := t.Err(); err != nil {
			panics = append(panics, err)
		}
	}
	if len(panics) > 0 {
		for k := range errs {
			if errs[k] == errNotDownloaded {
				errs[k] = fmt.Errorf("%w: %w", errNotDownloaded, errors.Join(panics...))
			}
		}
	}
	return errs
}

// Check checks S07's invariants on a result of Flags(cfg) for a server
// that failed exactly the codes in failed (any order): every code is
// accounted for once, as saved (sorted in Saved, counted in Count, shown
// once, in sorted order for FlagsSequential) or failed (one error, by
// code, in Failed, never shown); and cfg.Dir holds exactly the saved
// flags, each with FlagGIF's bytes.
func (r FlagsResult) Check(cfg FlagsConfig, failed []string) error {
	codes := cfg.Codes
	if codes == nil {
		codes = POP20CC()
	}
	var wantSaved, wantFailed []string
	for _, cc := range codes {
		if slices.Contains(failed, cc) {
			wantFailed = append(wantFailed, cc)
		} else {
			wantSaved = append(wantSaved, cc)
		}
	}
	slices.Sort(wantSaved)
	slices.Sort(wantFailed)
	var gotFailed []string
	for _, e := range r.Failed {
		gotFailed = append(gotFailed, e.Code)
	}
	switch {
	case r.Count != len(wantSaved) || !slices.Equal(r.Saved, wantSaved):
		return fmt.Errorf("%v: got %d saved %q; want %d %q", cfg.Mode, r.Count, r.Saved, len(wantSaved), wantSaved)
	case !slices.Equal(gotFailed, wantFailed):
		return fmt.Errorf("%v: got failed %q; want %q", cfg.Mode, gotFailed, wantFailed)
	case !slices.Equal(slices.Sorted(slices.Values(r.Shown)), wantSaved):
		return fmt.Errorf("%v: got shown %q; want each saved code once, %q", cfg.Mode, r.Shown, wantSaved)
	case cfg.Mode == FlagsSequential && !slices.Equal(r.Shown, wantSaved):
		return fmt.Errorf("%v: got shown %q; want the sorted order", cfg.Mode, r.Shown)
	}
	entries, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return err
	}
	var files, wantFiles []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	for _, cc := range wantSaved {
		name := strings.ToLower(cc) + ".gif"
		wantFiles = append(wantFiles, name)
		b, err := os.ReadFile(filepath.Join(cfg.Dir, name))
		if err != nil || !slices.Equal(b, FlagGIF(cc)) {
			return fmt.Errorf("%v: got %s of %d bytes (%v); want FlagGIF(%s)", cfg.Mode, name, len(b), err, cc)
		}
	}
	slices.Sort(wantFiles)
	if !slices.Equal(files, wantFiles) {
		return fmt.Errorf("%v: got files %q in %s; want exactly %q", cfg.Mode, files, cfg.Dir, wantFiles)
	}
	return nil
}
