package store

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The widget identity migration: an install that already has data is marked to keep
// decoding the IDs of the fixed alphabet (a new one is not), and each existing channel
// gets an identity secret of its own.
func TestMigrationWidgetIdentity(t *testing.T) {
	ctx := context.Background()
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for i, m := range ms {
		if m.Name == "widget_identity" {
			at = i
		}
	}
	if at < 0 {
		t.Fatal("no widget_identity migration")
	}
	legacy := func(db *DB) string {
		t.Helper()
		var v string
		db.Read.QueryRow("SELECT value FROM settings WHERE key = 'ids_legacy'").Scan(&v)
		return v
	}

	fresh, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got := legacy(fresh); got != "" {
		t.Errorf("a new install keeps the fixed alphabet: ids_legacy = %q", got)
	}

	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, m := range ms[:at] {
		if _, err := db.Write.Exec(m.SQL); err != nil {
			t.Fatal(m.Name, err)
		}
	}
	for _, q := range []string{
		"PRAGMA user_version = " + strconv.Itoa(at),
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		`INSERT INTO channels (workspace_id, kind, name, public_key, created_at, updated_at) VALUES
			(1, 'chat', 'Website', 'ch_a', 1, 1), (1, 'chat', 'Blog', 'ch_b', 1, 1)`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := legacy(db); got != "1" {
		t.Errorf("an upgraded install: ids_legacy = %q, want 1", got)
	}
	var a, b, widget string
	if err := db.Read.QueryRow("SELECT identity_secret, widget FROM channels WHERE public_key = 'ch_a'").Scan(&a, &widget); err != nil {
		t.Fatal(err)
	}
	db.Read.QueryRow("SELECT identity_secret FROM channels WHERE public_key = 'ch_b'").Scan(&b)
	if !strings.HasPrefix(a, "sk_") || len(a) != 51 || a == b || widget != "{}" {
		t.Errorf("secrets %q and %q, widget %q", a, b, widget)
	}
}
