package cli

import (
	"runtime"
	"slices"
	"strings"
)

// minProcs is the fewest Go processors (GOMAXPROCS) the server runs with. With one (a
// one-CPU machine, or a server pinned to one core), a goroutine coming back from a SQLite
// call (cgo) queues for the only processor behind the ones the scheduler prefers, and a
// few requests wait seconds: the inbox list for 16 staff at once had a p99 of 2.5–3.4 s
// against a p50 of 24–35 ms, and 0.2 s with two processors on the same core
// (docs/BENCHMARKS.md, Load).
const minProcs = 2

// ensureProcs raises GOMAXPROCS to minProcs unless the environment sets it, and returns
// what it is.
func ensureProcs(environ []string) int {
	set := slices.ContainsFunc(environ, func(kv string) bool { return strings.HasPrefix(kv, "GOMAXPROCS=") })
	if n := runtime.GOMAXPROCS(0); set || n >= minProcs {
		return n
	}
	runtime.GOMAXPROCS(minProcs)
	return minProcs
}
