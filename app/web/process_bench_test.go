package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The benchmarks that measure the server from outside run the real binary, `agent
// serve`, as a child process: its memory and open files are its own, and it can be
// pinned to a CPU of its own.

// buildAgent builds the binary into a temporary directory.
func buildAgent(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "agent")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "GOFLAGS=-tags=sqlite_fts5", "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// agentProcess is a running `agent serve`.
type agentProcess struct {
	cmd    *exec.Cmd
	host   string // host:port it listens on
	stderr *lockedBuffer
}

// lockedBuffer is the server's log, written by the process while the benchmark may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startAgent serves the data directory on a free loopback port, with env (AGENT_*
// settings) added to the benchmark's environment, and waits until it listens. With cpus
// set and taskset installed, the server runs on those CPUs only. It is killed when the
// benchmark ends, unless stopped first.
func startAgent(b *testing.B, bin, data, cpus string, env ...string) *agentProcess {
	args := []string{bin, "serve"}
	if cpus != "" {
		args = append([]string{"taskset", "-c", cpus}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), append([]string{"AGENT_DATA_DIR=" + data, "AGENT_SERVER_LISTEN=127.0.0.1:0",
		"AGENT_LOG_LEVEL=warn"}, env...)...)
	stdout, _ := cmd.StdoutPipe()
	p := &agentProcess{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Open http://"); ok {
				addr <- strings.TrimSuffix(u, "/setup")
			}
		}
	}()
	select {
	case p.host = <-addr:
	case <-time.After(60 * time.Second):
		b.Fatalf("the server did not start:\n%s", p.stderr.String())
	}
	return p
}

// stop sends SIGTERM and waits for the process to exit, returning how long it took.
func (p *agentProcess) stop(b *testing.B) time.Duration {
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		b.Errorf("serve exited with %v:\n%s", err, p.stderr.String())
	}
	return time.Since(start)
}

// rss is the process's resident memory in KiB.
func (p *agentProcess) rss(b *testing.B) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
