package store

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"testing"
)

// BenchmarkStatementCache reads one conversation by id (as every customer message does)
// through a pool without go-sqlite3's statement cache, which compiles the statement on
// each call, and through the store's read pool, which keeps it compiled.
func BenchmarkStatementCache(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1)",
		"INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES (1, 1, 'chat', 1, 1)",
	} {
		if _, err := db.Write.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	uncached, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, FileName)+"?"+url.Values{"_query_only": {"true"}}.Encode())
	if err != nil {
		b.Fatal(err)
	}
	defer uncached.Close()
	const q = `SELECT id, workspace_id, COALESCE(agent_id, 0), channel, preview, lang, status, COALESCE(assignee_id, 0),
		ai_active, unread, awaiting, last_activity_at, created_at, updated_at FROM conversations WHERE id = ? AND workspace_id = ?`
	for _, pool := range []struct {
		name string
		db   *sql.DB
	}{{"compiled-each-time", uncached}, {"cached", db.Read}} {
		b.Run(pool.name, func(b *testing.B) {
			var v [14]any
			dest := make([]any, len(v))
			for i := range v {
				dest[i] = &v[i]
			}
			for b.Loop() {
				if err := pool.db.QueryRowContext(ctx, q, 1, 1).Scan(dest...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
