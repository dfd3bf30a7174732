package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != len(ms) || v == 0 {
		t.Fatalf("schema version = %d, want %d", v, len(ms))
	}
	if _, err := db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES ('Shop', 1)"); err != nil {
		t.Fatal(err)
	}
	n, err := db.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, err %v; want 0, nil", n, err)
	}
	db.Close()

	// Reopening migrates nothing and keeps the data.
	db, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var count int
	if err := db.Read.QueryRow("SELECT count(*) FROM workspaces").Scan(&count); err != nil || count != 1 {
		t.Fatalf("workspaces = %d, err %v; want 1", count, err)
	}
}

func TestPragmas(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"},
		{"busy_timeout", "5000"},
	} {
		var got string
		if err := db.Read.QueryRow("PRAGMA " + c.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
	}
	if _, err := db.Read.Exec("INSERT INTO workspaces (name, created_at) VALUES ('x', 1)"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, dir)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("err = %v, want a refusal of the newer schema", err)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES ('Backed up', 1)"); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dest); err == nil {
		t.Error("backup over an existing file succeeded")
	}
	cp, err := OpenFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var name string
	if err := cp.Read.QueryRow("SELECT name FROM workspaces").Scan(&name); err != nil || name != "Backed up" {
		t.Fatalf("copy holds %q, err %v", name, err)
	}
}

// atVersion opens a new database at migration version n, with the rows the statements add,
// for a test of what the later migrations do to them.
func atVersion(t *testing.T, n int, statements ...string) *DB {
	t.Helper()
	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:n] {
		if _, err := db.Write.Exec(m.SQL); err != nil {
			t.Fatal(m.Name, err)
		}
	}
	for _, q := range append([]string{fmt.Sprintf("PRAGMA user_version = %d", n)}, statements...) {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	return db
}

// 0005 keeps the vectors of articles, with their length, and has short answers embedded
// again, a vector per phrasing.
func TestMigrationPhrasingVectors(t *testing.T) {
	ctx := context.Background()
	db := atVersion(t, 4,
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		"INSERT INTO sources (id, workspace_id, kind, title, created_at, updated_at) VALUES (1, 1, 'article', 'Shipping', 1, 1), (2, 1, 'short_answer', 'Hours?', 1, 1)",
		"INSERT INTO chunks (id, source_id, workspace_id, ord, text, embedding, embed_model) VALUES (1, 1, 1, 0, 'a', zeroblob(12), 'm'), (2, 2, 1, 0, 'b', zeroblob(12), 'm'), (3, 1, 1, 1, 'c', NULL, '')",
	)
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != len(ms)-4 {
		t.Fatalf("migrate = %d, %v", n, err)
	}
	var got []string
	rows, err := db.Read.Query("SELECT id, embedding IS NOT NULL, embed_model, embed_dims FROM chunks ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, dims int
		var has bool
		var model string
		if err := rows.Scan(&id, &has, &model, &dims); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %v %s %d", id, has, model, dims))
	}
	if want := []string{"1 true m 3", "2 false  0", "3 false  0"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chunks after 0005: %q, want %q", got, want)
	}
}

// 0008 makes the install's first owner its super admin: the earliest enabled user who
// owns a workspace, not an earlier disabled user nor an earlier agent.
func TestMigrationFirstSuperAdmin(t *testing.T) {
	ctx := context.Background()
	db := atVersion(t, 6,
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		`INSERT INTO users (id, email, name, password_hash, disabled, created_at) VALUES
			(1, 'gone@example.com', 'Gone', 'x', 1, 1),
			(2, 'agent@example.com', 'Agent', 'x', 0, 2),
			(3, 'owner@example.com', 'Owner', 'x', 0, 3),
			(4, 'later@example.com', 'Later owner', 'x', 0, 4)`,
		"INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (1, 1, 'owner', 1), (1, 2, 'agent', 2), (1, 3, 'owner', 3), (1, 4, 'owner', 4)",
	)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var supers []string
	rows, err := db.Read.Query("SELECT email FROM users WHERE super_admin = 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			t.Fatal(err)
		}
		supers = append(supers, email)
	}
	if strings.Join(supers, ",") != "owner@example.com" {
		t.Errorf("super admins after the upgrade = %v, want the first enabled owner", supers)
	}
}

// TestPingWrite: a database that still answers queries but takes no writes fails
// PingWrite, not Ping.
func TestPingWrite(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingWrite(ctx); err != nil {
		t.Fatalf("PingWrite on a healthy database: %v", err)
	}
	// The writer is one connection: make it refuse writes, as a read-only file would.
	if _, err := db.Write.Exec("PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := db.PingWrite(ctx); err == nil || !strings.Contains(err.Error(), "store: write") {
		t.Errorf("PingWrite on a database that takes no writes = %v", err)
	}
}

func TestFreeSpace(t *testing.T) {
	if n, err := FreeSpace(t.TempDir()); err != nil || n == 0 {
		t.Errorf("FreeSpace of a temporary directory = %d, %v", n, err)
	}
	if _, err := FreeSpace(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("FreeSpace of a missing directory: no error")
	}
}

// 0011 indexes the messages already stored; messages added or changed later wait in
// messages_unindexed (the inbox indexes them in batches), and deleted ones leave both.
func TestMigrationMessageSearch(t *testing.T) {
	ctx := context.Background()
	db := atVersion(t, 10,
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		"INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES (1, 1, 'chat', 1, 1), (2, 1, 'chat', 1, 1)",
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (1, 1, 'visitor', 'My parcel never arrived', 1), (2, 2, 'visitor', '我要退款', 1)",
	)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ids := func(q string, args ...any) string {
		t.Helper()
		rows, err := db.Read.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return fmt.Sprint(ids)
	}
	check := func(when, match, want string) {
		t.Helper()
		if got := ids("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid", match); got != want {
			t.Errorf("%s: %s finds %v, want %v", when, match, got, want)
		}
	}
	waiting := func(when, want string) {
		t.Helper()
		if got := ids("SELECT id FROM messages_unindexed ORDER BY id"); got != want {
			t.Errorf("%s: waiting %v, want %v", when, got, want)
		}
	}
	check("migrated", `"ARR" AND "RIV"`, "[1]")
	check("migrated", `"要退款"`, "[2]")
	waiting("migrated", "[]")
	// A word of two characters at the end of a text begins a trigram: the text's own
	// last two, with the space after.
	var terms int
	if err := db.Read.QueryRow("SELECT count(*) FROM messages_fts_vocab WHERE term = '退款 '").Scan(&terms); err != nil || terms != 1 {
		t.Errorf("trigram '退款 ': %d, %v", terms, err)
	}
	for _, q := range []string{
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (3, 1, 'human', 'Sorry, it arrives tomorrow', 1)",
		"UPDATE messages SET body = 'My box never came' WHERE id = 1",
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	check("changed", `"arr"`, "[]")
	waiting("changed", "[1 3]")
	// Indexed, then changed again and deleted: gone from the index (a text forgotten with
	// other words than it was indexed with would fail, "database disk image is malformed").
	if _, err := db.Write.Exec("INSERT INTO messages_fts (rowid, body) SELECT m.id, m.body || ' ' FROM messages_unindexed u JOIN messages m ON m.id = u.id; DELETE FROM messages_unindexed"); err != nil {
		t.Fatal(err)
	}
	check("indexed", `"box"`, "[1]")
	if _, err := db.Write.Exec("UPDATE messages SET body = 'Never mind' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	check("changed again", `"box"`, "[]")
	if _, err := db.Write.Exec("DELETE FROM conversations WHERE id IN (1, 2)"); err != nil {
		t.Fatal(err)
	}
	check("deleted", `"要退款"`, "[]")
	check("deleted", `"arr"`, "[]")
	waiting("deleted", "[]")
}
