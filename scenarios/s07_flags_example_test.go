package scenarios_test

import (
	"fmt"
	"os"

	"github.com/interleave-lab/interleave/scenarios"
)

// Flags runs in real mode: real HTTP requests to a flag server on
// 127.0.0.1 (one of its own, as BaseURL is empty), one thread per flag.
// The codes come back in a different order on every run; the printout
// sorts them.
func ExampleFlags() {
	dir, err := os.MkdirTemp("", "flags")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	cfg := scenarios.DefaultFlagsConfig()
	cfg.Dir = dir
	if _, err := scenarios.Flags(os.Stdout, cfg); err != nil {
		fmt.Println(err)
	}
	// Output:
	// BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
	// 20 flags downloaded.
}
