package scenarios_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/interleave-lab/interleave/scenarios"
)

// BenchmarkFlags compares the wall time of S07's three download_many
// versions downloading the 20 flags from a loopback flag server: with no
// added latency (loopback HTTP and the file writes only), and with 5 ms per
// answer standing in for the network, which is what makes threads pay off
// for I/O-bound work (the tutorial's point, and its GIL FAQ's).
//
//	go test ./scenarios/ -run '^$' -bench Flags -benchtime 20x
func BenchmarkFlags(b *testing.B) {
	for _, latency := range []time.Duration{0, 5 * time.Millisecond} {
		srv, err := scenarios.NewFlagServer(latency)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(srv.Close)
		for _, v := range []struct {
			mode    scenarios.FlagsMode
			workers int
		}{
			{scenarios.FlagsSequential, 0},
			{scenarios.FlagsThreads, 0},
			{scenarios.FlagsPool, 4},
			{scenarios.FlagsPool, 10},
		} {
			name := v.mode.String()
			if v.workers > 0 {
				name = fmt.Sprintf("%s-%d", name, v.workers)
			}
			b.Run(fmt.Sprintf("latency=%v/%s", latency, name), func(b *testing.B) {
				cfg := scenarios.DefaultFlagsConfig()
				cfg.Dir, cfg.BaseURL, cfg.Mode = b.TempDir(), srv.URL(), v.mode
				if v.workers > 0 {
					cfg.Workers = v.workers
				}
				for b.Loop() {
					res, err := scenarios.Flags(nil, cfg)
					if err != nil || res.Count != 20 {
						b.Fatalf("count %d, %v", res.Count, err)
					}
				}
			})
		}
	}
}
