package knowledge

import (
	"context"
	"fmt"
	"strings"
)

// ListFilter narrows the knowledge table.
type ListFilter struct {
	Query  string // part of the title or URL, any case
	Kind   Kind   // "" = all kinds
	Status Status // "" = all statuses
	Offset int
	Limit  int // default 50
}

// where is the SQL condition of f on a workspace's sources, the kind included or not.
func (f ListFilter) where(workspaceID int64, withKind bool) (string, []any) {
	where := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		where = append(where, `(title LIKE ? ESCAPE '\' OR url LIKE ? ESCAPE '\' OR filename LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if withKind && f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	return strings.Join(where, " AND "), args
}

// List returns one page of a workspace's sources, newest first, and how many match in all.
func (m *Manager) List(ctx context.Context, workspaceID int64, f ListFilter) ([]Source, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	cond, args := f.where(workspaceID, true)
	var total int
	if err := m.db.Read.QueryRowContext(ctx, "SELECT count(*) FROM sources WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("knowledge: list: %w", err)
	}
	rows, err := m.db.Read.QueryContext(ctx, "SELECT "+sourceColumns+" FROM sources WHERE "+cond+" ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("knowledge: list: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("knowledge: list: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("knowledge: list: %w", err)
	}
	if err := m.countEmbedFailed(ctx, workspaceID, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// countEmbedFailed fills in Source.EmbedFailed: chunks set aside with an empty vector
// (markEmbedFailed).
func (m *Manager) countEmbedFailed(ctx context.Context, workspaceID int64, sources []Source) error {
	if len(sources) == 0 {
		return nil
	}
	args := []any{workspaceID}
	at := map[int64]int{}
	for i, s := range sources {
		args, at[s.ID] = append(args, s.ID), i
	}
	rows, err := m.db.Read.QueryContext(ctx, `SELECT source_id, count(*) FROM chunks WHERE workspace_id = ? AND source_id IN (`+
		placeholders(len(sources))+`) AND embedding IS NOT NULL AND embed_dims = 0 GROUP BY source_id`, args...)
	if err != nil {
		return fmt.Errorf("knowledge: list: chunks not embedded: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return fmt.Errorf("knowledge: list: chunks not embedded: %w", err)
		}
		sources[at[id]].EmbedFailed = n
	}
	return rows.Err()
}

// Counts says how many sources of each kind match f's search and status (its kind,
// offset and limit aside), so that each kind tab of the table says what it would show.
func (m *Manager) Counts(ctx context.Context, workspaceID int64, f ListFilter) (map[Kind]int, error) {
	cond, args := f.where(workspaceID, false)
	rows, err := m.db.Read.QueryContext(ctx, "SELECT kind, count(*) FROM sources WHERE "+cond+" GROUP BY kind", args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge: counts: %w", err)
	}
	defer rows.Close()
	out := map[Kind]int{}
	for rows.Next() {
		var k Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("knowledge: counts: %w", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}
