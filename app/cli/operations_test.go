package cli

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"agent/app/store"
)

// childHoldEnv makes the test binary open the database at its path and hold it open (see
// holdDatabase), as another process may while a restore runs.
const childHoldEnv = "AGENT_TEST_HOLD_DB"

// holdDatabase opens the database at path and, for each line read from stdin, prints the
// names of its workspaces; it keeps the file open until stdin closes.
func holdDatabase(path string) int {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		names, err := names(db)
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Println(names)
	}
	return 0
}

func names(db *sql.DB) (string, error) {
	rows, err := db.Query("SELECT name FROM workspaces ORDER BY id")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		out = append(out, n)
	}
	return strings.Join(out, ","), rows.Err()
}

func addWorkspace(t *testing.T, data, name string) {
	t.Helper()
	db, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES (?, 0)", name); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRoundTripWhileAnotherProcessHoldsTheDatabase: a backup restored over a
// database another process has open replaces its data (the other process reads the
// restored data on its next query), and the data before it is kept aside.
func TestRestoreRoundTripWhileAnotherProcessHoldsTheDatabase(t *testing.T) {
	data := t.TempDir()
	addWorkspace(t, data, "Before")
	backup := filepath.Join(t.TempDir(), "backup.db")
	if r := run(t, "", "backup", "--data", data, backup); r.code != 0 {
		t.Fatalf("backup: %q", r.stderr)
	}
	addWorkspace(t, data, "After")

	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), childHoldEnv+"="+filepath.Join(data, store.FileName))
	in, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	out := bufio.NewScanner(outPipe)
	read := func() string {
		t.Helper()
		fmt.Fprintln(in, "read")
		if !out.Scan() {
			t.Fatalf("the holding process stopped: %v", out.Err())
		}
		return out.Text()
	}
	if got := read(); got != "Before,After" {
		t.Fatalf("the holder reads %q before the restore", got)
	}

	r := run(t, "", "restore", "--data", data, backup)
	if r.code != 0 {
		t.Fatalf("restore: %d %q", r.code, r.stderr)
	}
	if got := read(); got != "Before" {
		t.Errorf("the holder reads %q after the restore", got)
	}
	in.Close()
	if err := holder.Wait(); err != nil {
		t.Fatalf("the holder: %v", err)
	}
	db, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := names(db.Read)
	db.Close()
	if err != nil || got != "Before" {
		t.Errorf("after the restore the database holds %q (%v)", got, err)
	}
	asides, _ := filepath.Glob(filepath.Join(data, store.FileName+".before-restore-*"))
	if len(asides) != 1 || !strings.Contains(r.stdout, asides[0]) {
		t.Fatalf("kept aside: %v; said %q", asides, r.stdout)
	}
	old, err := store.OpenFile(asides[0])
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if got, _ := names(old.Read); got != "Before,After" {
		t.Errorf("the database kept aside holds %q", got)
	}
	// And a restore of a file that is not a backup changes nothing.
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not sqlite ", 100)), 0o600)
	if r := run(t, "", "restore", "--data", data, junk); r.code != 1 || !strings.Contains(r.stderr, "not a readable SQLite database") {
		t.Fatalf("restore of junk: %d %q", r.code, r.stderr)
	}
}

// TestRestoreRefusesARunningServer: with a server running on the data directory, restore
// changes nothing and says why.
func TestRestoreRefusesARunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	data := t.TempDir()
	addWorkspace(t, data, "Live")
	backup := filepath.Join(t.TempDir(), "backup.db")
	if r := run(t, "", "backup", "--data", data, backup); r.code != 0 {
		t.Fatalf("backup: %q", r.stderr)
	}
	addWorkspace(t, data, "Newer")
	cmd, _ := startChildServer(t, data)
	r := run(t, "", "restore", "--data", data, backup)
	if r.code != 1 || !strings.Contains(r.stderr, "a server is running") || !strings.Contains(r.stderr, fmt.Sprintf("process %d", cmd.Process.Pid)) {
		t.Fatalf("restore beside a server: %d %q", r.code, r.stderr)
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	db, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, _ := names(db.Read); got != "Live,Newer" {
		t.Errorf("the refused restore changed the database: %q", got)
	}
}

func TestVersionCheck(t *testing.T) {
	data := t.TempDir()
	if r := run(t, "", "version", "--check", "--data", data); r.code != 1 || !strings.Contains(r.stderr, "no database") {
		t.Fatalf("no database: %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "migrate", "--data", data); r.code != 0 {
		t.Fatal(r.stderr)
	}
	ms, _ := store.Migrations()
	setVersion := func(v int) {
		db, err := store.OpenFile(filepath.Join(data, store.FileName))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Write.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		version, code int
		want          string
	}{
		{len(ms), 0, "matches this binary"},
		{len(ms) - 2, 1, "applies 2 migration(s)"},
		{len(ms) + 1, 3, "newer than this binary's"},
	} {
		setVersion(tc.version)
		r := run(t, "", "version", "--check", "--data", data)
		if r.code != tc.code || !strings.Contains(r.stdout, tc.want) || !strings.HasPrefix(r.stdout, "agent v-test\n") {
			t.Errorf("schema %d: %d %q", tc.version, r.code, r.stdout)
		}
	}
	// Without --check it only prints the version, and needs no database.
	if r := run(t, "", "version", "--data", t.TempDir()); r.code != 0 || r.stdout != "agent v-test\n" {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

// TestServeWritesScheduledBackups: with backup.dir set, the server writes a backup when it
// starts, and the interval after.
func TestServeWritesScheduledBackups(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	data, backups := t.TempDir(), t.TempDir()
	t.Setenv("AGENT_BACKUP_DIR", backups)
	t.Setenv("AGENT_BACKUP_KEEP", "2")
	startChildServer(t, data)
	deadline := time.Now().Add(20 * time.Second)
	for {
		names, err := store.ScheduledBackups(backups)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) == 1 {
			if _, err := store.Check(context.Background(), filepath.Join(backups, names[0])); err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no backup written: %v", names)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeMetricsOnTheirOwnAddress: with metrics.listen set, the server counts its
// requests by route, and serves them on that address only.
func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("AGENT_METRICS_LISTEN", addr)
	_, base := startChildServer(t, t.TempDir())
	base = strings.TrimSuffix(base, "/setup") // a new install's first page
	for range 3 {
		res, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if res, err := http.Get(base + "/metrics"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the product's address: %v %v", res, err)
	}
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var counted float64 // whatever the status (/healthz warns of a nearly full disk with a 503)
	for _, m := range families["agent_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && l.GetValue() == "GET /healthz" {
				counted += m.GetCounter().GetValue()
			}
		}
	}
	if found := counted == 3; !found || families["agent_database_bytes"] == nil || families["agent_sse_streams"] == nil {
		t.Fatalf("scraped %d families; /healthz counted %v times", len(families), counted)
	}
}
