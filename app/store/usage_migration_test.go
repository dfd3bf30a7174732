package store

import (
	"context"
	"path/filepath"
	"testing"
)

// 0020 gives each conversation the time of its first AI reply (usage counts it in that
// month), from the messages already there; the trigger keeps it for later ones.
func TestMigrationFirstAIReply(t *testing.T) {
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
	for _, m := range ms[:19] {
		if _, err := db.Write.Exec(m.SQL); err != nil {
			t.Fatal(m.Name, err)
		}
	}
	for _, q := range []string{
		"PRAGMA user_version = 19",
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		`INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES
			(1, 1, 'chat', 1, 1), (2, 1, 'email', 1, 1), (3, 1, 'chat', 1, 1)`,
		// 1: two AI replies, the earlier second; 2: the customer and a person only; 3: none yet.
		`INSERT INTO messages (conversation_id, author, body, created_at) VALUES
			(1, 'visitor', 'Hello?', 100), (1, 'bot', 'Later answer', 300), (1, 'bot', 'First answer', 200),
			(2, 'visitor', 'Refund?', 100), (2, 'human', 'Done', 150)`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	first := func(conv int64) int64 {
		t.Helper()
		var at *int64
		if err := db.Read.QueryRow("SELECT first_ai_reply_at FROM conversations WHERE id = ?", conv).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if at == nil {
			return 0
		}
		return *at
	}
	if got := []int64{first(1), first(2), first(3)}; got[0] != 200 || got[1] != 0 || got[2] != 0 {
		t.Errorf("after the migration: first AI replies %v, want [200 0 0]", got)
	}
	if _, err := db.Write.Exec(`INSERT INTO messages (conversation_id, author, body, created_at) VALUES
		(3, 'bot', 'An answer', 500), (3, 'bot', 'Another', 600), (2, 'system', 'Closed', 700)`); err != nil {
		t.Fatal(err)
	}
	if got := []int64{first(2), first(3)}; got[0] != 0 || got[1] != 500 {
		t.Errorf("after new messages: first AI replies %v, want [0 500]", got)
	}
}
