package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/interleave-lab/interleave/failpoints"
)

// A FlagServer is S07's flag server: a real HTTP server on 127.0.0.1 (and
// nowhere else) that serves a small, valid GIF for every two-letter country
// code, at the paths flupy.org uses for Fluent Python's flag downloads:
// URL()+"/cn/cn.gif". The image of a code is FlagGIF(code), the same on
// every request.
//
// Faults are injected per code through the failpoint
// failpoints.ScenarioDownload (see FlagFaultTerm): the server answers a
// chosen code with an HTTP error status, resets the connection, or answers
// so slowly that the client times out. Every other code is served
// normally.
//
// Create one with NewFlagServer and Close it when done.
type FlagServer struct {
	srv      *httptest.Server
	latency  time.Duration
	closing  chan struct{} // closed by Close: slow answers stop waiting
	requests atomic.Int64
}

// flagSlowHold bounds how long a "slow" fault holds an answer back when
// neither the client gives up nor the server closes first.
const flagSlowHold = time.Minute

// NewFlagServer starts a flag server listening on an ephemeral port of
// 127.0.0.1. Every answer waits latency first (0: none), to stand in for
// the network a real download crosses.
func NewFlagServer(latency time.Duration) (*FlagServer, error) {
	if latency < 0 {
		return nil, paramError("latency", latency, "must be >= 0")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("scenarios: flag server: %w", err)
	}
	s := &FlagServer{latency: latency, closing: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /flags/{cc}/{file}", s.serveFlag)
	s.srv = httptest.NewUnstartedServer(mux)
	_ = s.srv.Listener.Close() // the default listener may bind [::1]; use ours
	s.srv.Listener = ln
	s.srv.Start()
	return s, nil
}

// URL returns the base URL of the flags, "http://127.0.0.1:PORT/flags".
func (s *FlagServer) URL() string { return s.srv.URL + "/flags" }

// Requests returns how many flag requests the server has received.
func (s *FlagServer) Requests() int64 { return s.requests.Load() }

// Close stops the server: slow answers give up, and Close waits for every
// request in progress to end.
func (s *FlagServer) Close() {
	close(s.closing)
	s.srv.Close()
}

// serveFlag answers GET /flags/{cc}/{cc}.gif with FlagGIF(CC), or with the
// fault the failpoint chose for CC.
func (s *FlagServer) serveFlag(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	cc := r.PathValue("cc")
	if !validCode(cc) || r.PathValue("file") != cc+".gif" || cc != strings.ToLower(cc) {
		http.NotFound(w, r)
		return
	}
	code := strings.ToUpper(cc)
	if !s.wait(r.Context(), s.latency) {
		return
	}
	faults, err := flagFaults()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	switch fault := faults[code]; fault {
	case "":
	case "reset":
		resetConnection(w)
		return
	case "slow":
		if !s.wait(r.Context(), flagSlowHold) {
			return
		}
	default:
		status, _ := strconv.Atoi(fault) // flagFaults accepts only 400..599
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "image/gif")
	_, _ = w.Write(FlagGIF(code))
}

// wait waits d and reports true, or reports false as soon as the client
// gave up or the server is closing.
func (s *FlagServer) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// resetConnection closes the request's connection with a TCP reset (linger
// 0) instead of answering.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack: abort, which also closes the connection
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// FlagFaultTerm returns the failpoint term that makes a FlagServer answer
// each of codes with fault, for failpoints.Enable(failpoints.ScenarioDownload,
// term). fault is an HTTP status from 400 to 599 ("404", "503"), "reset"
// (the connection is closed with a TCP reset) or "slow" (no answer until
// the client gives up). For example FlagFaultTerm("404", "BR") is
// `return("404:BR")`.
//
// The value of an enabled term is a list of KIND:CC[,CC...] items separated
// by ";" ("404:BR;reset:PK,NG"); a code named twice takes its last fault.
// An unparsable value makes the server answer every flag with status 500
// and the parse error. An integer value ("return(20)") is no fault: it
// delays each download by that many milliseconds in the client, as any
// failpoints.Hit does.
func FlagFaultTerm(fault string, codes ...string) string {
	return fmt.Sprintf("return(%q)", fault+":"+strings.Join(codes, ","))
}

// flagFaults evaluates the failpoint ScenarioDownload and returns the fault
// it chooses for each code (upper case). A disabled failpoint, or one whose
// value is not a string, chooses none.
func flagFaults() (map[string]string, error) {
	v, ok := failpoints.Eval(failpoints.ScenarioDownload)
	if !ok {
		return nil, nil
	}
	spec, isString := v.(string)
	if !isString {
		return nil, nil
	}
	return parseFlagFaults(spec)
}

// parseFlagFaults parses "KIND:CC[,CC...][;KIND:CC...]".
func parseFlagFaults(spec string) (map[string]string, error) {
	faults := map[string]string{}
	for item := range strings.SplitSeq(spec, ";") {
		kind, codes, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			return nil, fmt.Errorf("flag fault %q: want KIND:CC[,CC...]", item)
		}
		if kind != "reset" && kind != "slow" {
			if n, err := strconv.Atoi(kind); err != nil || n < 400 || n > 599 {
				return nil, fmt.Errorf("flag fault %q: kind must be an HTTP status 400-599, reset or slow", item)
			}
		}
		for cc := range strings.SplitSeq(codes, ",") {
			cc = strings.TrimSpace(cc)
			if !validCode(cc) {
				return nil, fmt.Errorf("flag fault %q: %q is not a two-letter country code", item, cc)
			}
			faults[strings.ToUpper(cc)] = kind
		}
	}
	return faults, nil
}

// validCode reports whether cc is two ASCII letters.
func validCode(cc string) bool {
	if len(cc) != 2 {
		return false
	}
	for _, c := range []byte(cc) {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// FlagGIF returns the flag image served for the country code cc (case
// insensitive): a valid 1x1 GIF89a whose one pixel's colour is derived from
// the code and which carries "flag CC" in a comment block, so every code's
// bytes differ and never change. It returns nil for anything but two ASCII
// letters.
func FlagGIF(cc string) []byte {
	if !validCode(cc) {
		return nil
	}
	cc = strings.ToUpper(cc)
	var b bytes.Buffer
	b.WriteString("GIF89a")
	b.Write([]byte{1, 0, 1, 0}) // logical screen 1x1
	b.Write([]byte{0x80, 0, 0}) // a global colour table of 2 colours; background 0; no aspect ratio
	r, g := (cc[0]-'A')*10, (cc[1]-'A')*10
	b.Write([]byte{r, g, r ^ g, 0, 0, 0}) // colour 0 from the code, colour 1 black
	comment := "flag " + cc
	b.Write([]byte{0x21, 0xFE, byte(len(comment))}) // comment extension, one sub-block
	b.WriteString(comment)
	b.WriteByte(0)
	b.Write([]byte{0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0}) // image descriptor: 1x1 at 0,0, no local table
	b.Write([]byte{2, 2, 0x44, 0x01, 0})             // LZW: min code size 2; clear, index 0, end
	b.WriteByte(0x3B)                                // trailer
	return b.Bytes()
}
