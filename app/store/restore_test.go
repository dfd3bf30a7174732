package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func workspaceNames(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.Read.Query("SELECT name FROM workspaces ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	return strings.Join(names, ",")
}

func TestScheduledBackupsKeepTheNewestN(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(dir, "agent-manual.db"), []byte("mine"), 0o600)
	t0 := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	var made []string
	for i := range 5 {
		p, err := db.BackupRotating(ctx, dir, 3, t0.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, filepath.Base(p))
	}
	got, err := ScheduledBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(made[2:], " ") {
		t.Fatalf("kept %v, want the newest three of %v", got, made)
	}
	for _, other := range []string{"notes.txt", "agent-manual.db"} {
		if _, err := os.Stat(filepath.Join(dir, other)); err != nil {
			t.Errorf("%s, not a scheduled backup, was touched: %v", other, err)
		}
	}
	if info, err := Check(ctx, filepath.Join(dir, got[2])); err != nil || info.SchemaVersion != info.Known {
		t.Fatalf("the newest backup: %+v %v", info, err)
	}
}

func TestCheckRefusesWhatItCannotRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.db")
	if err := db.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(t.TempDir(), "newer.db")
	db.Backup(ctx, newer)
	db.Close()
	ms, _ := Migrations()
	nd, _ := OpenFile(newer)
	nd.Write.Exec("PRAGMA user_version = 9999")
	nd.Close()

	other := filepath.Join(t.TempDir(), "other.db")
	od, _ := OpenFile(other)
	od.Write.Exec("CREATE TABLE notes (x)")
	od.Write.Exec("PRAGMA user_version = 3")
	od.Close()

	// A backup cut short: its pages past the first are gone.
	b, _ := os.ReadFile(good)
	cut := filepath.Join(t.TempDir(), "cut.db")
	os.WriteFile(cut, b[:len(b)/3], 0o600)
	text := filepath.Join(t.TempDir(), "text.db")
	os.WriteFile(text, []byte("not a database at all, just some text that is long enough to be read"), 0o600)

	if info, err := Check(ctx, good); err != nil || info.SchemaVersion != len(ms) {
		t.Fatalf("a good backup: %+v %v", info, err)
	}
	for name, tc := range map[string]struct{ path, want string }{
		"newer":   {newer, "newer than this binary"},
		"other":   {other, "not a database of this product"},
		"cut":     {cut, "malformed"},
		"text":    {text, "not a readable SQLite database"},
		"missing": {filepath.Join(dir, "nope.db"), "no such file"},
	} {
		if _, err := Check(ctx, tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// TestRestoreKeepsTheOldDatabaseAside: a restore puts the backup's data in place, the
// database before it aside, and a connection that had the old database open reads the
// restored data from its next query.
func TestRestoreKeepsTheOldDatabaseAside(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES ('Before', 0)")
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES ('After', 0)")
	if got := workspaceNames(t, db); got != "Before,After" {
		t.Fatal(got)
	}
	now := time.Date(2026, 12, 7, 3, 4, 5, 0, time.UTC)
	info, aside, err := Restore(ctx, backup, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, FileName+".before-restore-20261207T030405Z"); aside != want || info.SchemaVersion != info.Known {
		t.Fatalf("aside %s, info %+v", aside, info)
	}
	if got := workspaceNames(t, db); got != "Before" {
		t.Errorf("the open connection reads %q after the restore", got)
	}
	db.Close()
	old, err := OpenFile(aside)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if got := workspaceNames(t, old); got != "Before,After" {
		t.Errorf("the copy aside holds %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+".restoring")); !os.IsNotExist(err) {
		t.Errorf("the staged copy is left: %v", err)
	}
}

func TestLocksKeepRestoresAndServersApart(t *testing.T) {
	dir := t.TempDir()
	a, err := LockServing(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LockServing(dir)
	if err != nil {
		t.Fatalf("a second server: %v", err)
	}
	if _, err := LockExclusive(dir); err == nil || !strings.Contains(err.Error(), "a server is running") || !strings.Contains(err.Error(), "process ") {
		t.Fatalf("restore beside servers: %v", err)
	}
	a.Release()
	b.Release()
	x, err := LockExclusive(dir)
	if err != nil {
		t.Fatalf("after the servers stopped: %v", err)
	}
	if _, err := LockServing(dir); err == nil || !strings.Contains(err.Error(), "a restore is running") {
		t.Fatalf("a server during a restore: %v", err)
	}
	x.Release()
}
