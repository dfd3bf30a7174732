package cli

import (
	"runtime"
	"testing"
)

// The server runs with at least two processors, unless GOMAXPROCS says otherwise.
func TestEnsureProcs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	if n := ensureProcs([]string{"GOMAXPROCS=1"}); n != 1 || runtime.GOMAXPROCS(0) != 1 {
		t.Errorf("with GOMAXPROCS=1 set: %d, runtime %d; want 1", n, runtime.GOMAXPROCS(0))
	}
	if n := ensureProcs([]string{"HOME=/root"}); n != minProcs || runtime.GOMAXPROCS(0) != minProcs {
		t.Errorf("one processor: %d, runtime %d; want %d", n, runtime.GOMAXPROCS(0), minProcs)
	}
	runtime.GOMAXPROCS(3)
	if n := ensureProcs(nil); n != 3 {
		t.Errorf("three processors: %d; want 3", n)
	}
}
