package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockName is the file in the data directory that servers and restores lock (flock):
// each server holds a shared lock while it runs, a restore an exclusive one, so that a
// restore never replaces the database under a running server and no server starts
// during a restore. The kernel drops a lock when its process ends, however it ends, so
// a crash leaves nothing stale behind.
const LockName = "agent.lock"

// ErrServerRunning reports a data directory a server is running on.
var ErrServerRunning = errors.New("a server is running on this data directory")

// ErrRestoring reports a data directory a restore is writing.
var ErrRestoring = errors.New("a restore is running on this data directory")

// Lock is a held lock on a data directory; Release lets it go.
type Lock struct{ f *os.File }

// Release drops the lock.
func (l *Lock) Release() error { return l.f.Close() }

// LockServing takes the shared lock a server holds while it runs (several servers may
// share a data directory), and notes the process's id for a restore to name.
func LockServing(dir string) (*Lock, error) {
	l, err := lock(dir, syscall.LOCK_SH)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("store: %s: %w; start the server when it has finished", dir, ErrRestoring)
	}
	if err != nil {
		return nil, err
	}
	// Each server writes its id; the last one started is named.
	if err := l.f.Truncate(0); err == nil {
		l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return l, nil
}

// LockExclusive takes the lock no server may hold at the same time, for a restore. It
// fails at once with ErrServerRunning (naming the server's process) when one runs.
func LockExclusive(dir string) (*Lock, error) {
	l, err := lock(dir, syscall.LOCK_EX)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		b, _ := os.ReadFile(filepath.Join(dir, LockName))
		pid := strings.TrimSpace(string(b))
		if pid != "" {
			pid = " (process " + pid + ")"
		}
		return nil, fmt.Errorf("store: %s: %w%s; stop it first", dir, ErrServerRunning, pid)
	}
	return l, err
}

func lock(dir string, how int) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockName), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: lock %s: %w", dir, err)
	}
	return &Lock{f: f}, nil
}
