package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// 0012 gives each visitor who wrote (outside a preview) one contact, and their
// conversations that contact; later widget conversations get theirs as they start.
func TestMigrationContacts(t *testing.T) {
	ctx := context.Background()
	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:11] {
		if _, err := db.Write.Exec(m.SQL); err != nil {
			t.Fatal(m.Name, err)
		}
	}
	for _, q := range []string{
		"PRAGMA user_version = 11",
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		"INSERT INTO channels (id, workspace_id, kind, name, public_key, created_at, updated_at) VALUES (1, 1, 'chat', 'Website', 'k', 1, 1)",
		"INSERT INTO visitors (id, workspace_id, channel_id, token_hash, created_at, last_seen_at) VALUES (1, 1, 1, x'01', 1, 5), (2, 1, 1, x'02', 2, 2), (3, 1, 1, x'03', 3, 3)",
		// Visitor 1 wrote twice, visitor 2 only in a preview, visitor 3 never; one conversation has no visitor.
		`INSERT INTO conversations (id, workspace_id, channel, visitor_id, preview, created_at, updated_at) VALUES
			(1, 1, 'chat', 1, 0, 1, 1), (2, 1, 'chat', 1, 0, 4, 4), (3, 1, 'chat', 2, 1, 2, 2), (4, 1, 'chat', NULL, 0, 3, 3)`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	contacts := func() string {
		rows, err := db.Read.Query(`SELECT c.id, COALESCE(c.contact_id, 0), COALESCE(k.visitor_id, 0) FROM conversations c
			LEFT JOIN contacts k ON k.id = c.contact_id ORDER BY c.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, contact, visitor int64
			if err := rows.Scan(&id, &contact, &visitor); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d:%d:%d", id, contact, visitor))
		}
		return strings.Join(got, " ")
	}
	if got, want := contacts(), "1:1:1 2:1:1 3:0:0 4:0:0"; got != want {
		t.Errorf("conversation:contact:visitor after 0012 = %s, want %s", got, want)
	}
	// New conversations: visitor 1's joins its contact, visitor 3's first one makes a contact.
	if _, err := db.Write.Exec(`INSERT INTO conversations (id, workspace_id, channel, visitor_id, created_at, updated_at) VALUES
		(5, 1, 'chat', 1, 6, 6), (6, 1, 'chat', 3, 7, 7), (7, 1, 'chat', 3, 8, 8)`); err != nil {
		t.Fatal(err)
	}
	if got, want := contacts(), "1:1:1 2:1:1 3:0:0 4:0:0 5:1:1 6:2:3 7:2:3"; got != want {
		t.Errorf("conversation:contact:visitor for new conversations = %s, want %s", got, want)
	}
}

// 0015 indexes the contacts there are for the search (those with a name, address or
// phone), and the widget trigger it replaces still gives a visitor's conversations their
// contact, or the contact a merge listed the visitor under.
func TestMigrationContactSearch(t *testing.T) {
	ctx := context.Background()
	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:14] {
		if _, err := db.Write.Exec(m.SQL); err != nil {
			t.Fatal(m.Name, err)
		}
	}
	for _, q := range []string{
		"PRAGMA user_version = 14",
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		"INSERT INTO channels (id, workspace_id, kind, name, public_key, created_at, updated_at) VALUES (1, 1, 'chat', 'Website', 'k', 1, 1)",
		"INSERT INTO visitors (id, workspace_id, channel_id, token_hash, created_at, last_seen_at) VALUES (1, 1, 1, x'01', 1, 1), (2, 1, 1, x'02', 2, 2)",
		`INSERT INTO contacts (id, workspace_id, name, email, phone, visitor_id, created_at, updated_at) VALUES
			(1, 1, 'Kari Nordmann', NULL, NULL, NULL, 1, 1), (2, 1, '', 'ola@example.com', NULL, NULL, 1, 1),
			(3, 1, '', NULL, '+4791234567', NULL, 1, 1), (4, 1, '', NULL, NULL, 1, 1, 1)`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	found := func(match string) string {
		var ids string
		if err := db.Read.QueryRow("SELECT COALESCE(group_concat(rowid, ' '), '') FROM contacts_fts WHERE contacts_fts MATCH ?", match).Scan(&ids); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for match, want := range map[string]string{`"nor" AND "man"`: "1", `"ola"`: "2", `"912"`: "3", `"exa"`: "2"} {
		if got := found(match); got != want {
			t.Errorf("%s finds %q, want %q", match, got, want)
		}
	}
	// Renamed, the index forgets the old name; deleted, the contact.
	if _, err := db.Write.Exec("UPDATE contacts SET name = 'Kari Hansen' WHERE id = 1; DELETE FROM contacts WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	if found(`"nor"`) != "" || found(`"han"`) != "1" || found(`"ola"`) != "" {
		t.Error("the index did not follow a rename and a delete")
	}
	// Visitor 2 was merged into contact 4 (visitor 1's): its conversation is contact 4's, and no contact is made for it.
	if _, err := db.Write.Exec(`INSERT INTO contact_visitors (visitor_id, contact_id) VALUES (2, 4);
		INSERT INTO conversations (id, workspace_id, channel, visitor_id, created_at, updated_at) VALUES (1, 1, 'chat', 1, 3, 3), (2, 1, 'chat', 2, 4, 4)`); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.Read.QueryRow("SELECT group_concat(contact_id, ' ') || ' / ' || (SELECT COUNT(*) FROM contacts) FROM conversations").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "4 4 / 3" {
		t.Errorf("the conversations' contacts / contacts = %s, want 4 4 / 3", got)
	}
}
