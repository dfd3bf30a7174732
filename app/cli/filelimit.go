package cli

import (
	"fmt"
	"syscall"
)

// lowFileLimit is the open-file limit below which serve warns: every connection, event
// stream and upload holds a descriptor, and one busy shop can hold thousands.
const lowFileLimit = 4096

// raiseFileLimit lifts the soft limit on open files to the hard limit and returns it. A
// soft limit of 256 or 1024 is what some systems start a process with; once it is
// reached the server can accept no connection, /healthz included. (Go's runtime raises it
// to one below the hard limit on its own; this makes the start-up's number the real one.)
func raiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, fmt.Errorf("cli: read the open-file limit: %w", err)
	}
	if l.Cur < l.Max {
		soft := l.Cur
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return soft, fmt.Errorf("cli: raise the open-file limit from %d to %d: %w", soft, l.Max, err)
		}
	}
	return l.Cur, nil
}
