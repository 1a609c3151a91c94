package interleavetest

import (
	"os"
	"strings"
)

// goraceExitSleep is the race runtime's option (GORACE) for how long a
// binary that exits with status 0 sleeps first; its default is 1000 ms.
const goraceExitSleep = "atexit_sleep_ms"

// noExitSleepEnv returns env with GORACE's atexit_sleep_ms set to 0, and
// whether it changed anything: env already setting atexit_sleep_ms (to
// any value) is kept as it is. The other GORACE options are kept.
func noExitSleepEnv(env []string) ([]string, bool) {
	gorace := ""
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GORACE="); ok {
			gorace = v
			continue
		}
		out = append(out, kv)
	}
	for _, opt := range strings.Fields(gorace) {
		if strings.HasPrefix(opt, goraceExitSleep+"=") {
			return env, false
		}
	}
	return append(out, "GORACE="+strings.TrimSpace(gorace+" "+goraceExitSleep+"=0")), true
}

// skipRaceExitSleep re-executes a -race test binary with atexit_sleep_ms=0
// in GORACE, unless GORACE sets it already. The race runtime reads GORACE
// once, at start, and by default sleeps a second before a successful exit
// so that goroutines still running can report their races. Main's binary
// has none still running when it exits 0 (goleak fails it otherwise), so
// the second is idle: one per package, about ten seconds of go test -race
// ./...'s wall time on two cores, and one more per child process of the
// tests that re-run their own binary (the children inherit GORACE). The
// exec keeps the process (its pid, files and arguments), so go test sees
// nothing of it; where exec is not available, the binary runs on as it
// is, with the sleep.
func skipRaceExitSleep() {
	if !raceEnabled {
		return
	}
	env, changed := noExitSleepEnv(os.Environ())
	if !changed {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	_ = execve(exe, os.Args, env)
}
