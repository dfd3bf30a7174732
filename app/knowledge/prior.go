package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// BM25 weighs a word by how rare it is in the index. In a small knowledge base the
// counts say little: every word of an article's title is in each of its chunks, and
// "how" or "is" are in as few chunks as "warranty", so a short answer asking "How do I
// track my order?" would outrank the warranty section for "How long is the warranty?".
// The index therefore holds idfPrior rows that no search returns (rowids −1 to
// −idfPrior, scope "zzpad"): a prior collection of typical length in which each common
// word (common.go) is in about a fifth of the rows, as in real text, and nothing else
// is. Rare words keep a high idf, common ones get a low one, and on a large index the
// prior changes next to nothing.
const (
	// priorMarker is in the scope of each prior row: an index without idfPrior of
	// them is one to build again (a new version of the prior, or the empty index that
	// migration 0006 left). Change it with the common words, so that an upgraded
	// install's prior holds the same words as a new one's.
	priorMarker = "zzprior3"
	// priorWords is how many common words each prior row holds: with the title and
	// heading fillers and the scope, about the length of a chunk's row, so that BM25's
	// length normalisation is not skewed.
	priorWords = 120
)

// indexState remembers that the index is current, so that it is checked once.
type indexState struct {
	mu   sync.Mutex
	done bool
}

// ensureIndex builds the search index again, prior rows and every chunk's row, when it
// is not this version's; it runs once per process before the index is read or written.
// A failure is logged, and the next call tries again.
func (m *Manager) ensureIndex(ctx context.Context) {
	m.index.mu.Lock()
	defer m.index.mu.Unlock()
	if m.index.done {
		return
	}
	if err := m.buildIndex(ctx); err != nil {
		m.log.Error("knowledge: build the search index", "err", err)
		return
	}
	m.index.done = true
}

func (m *Manager) buildIndex(ctx context.Context) error {
	current := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) (bool, error) {
		var n int
		err := q.QueryRowContext(ctx, "SELECT doc FROM chunks_fts_vocab WHERE term = ?", priorMarker).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return n == idfPrior, err
	}
	if ok, err := current(m.db.Read); ok || err != nil {
		return err
	}
	n := 0
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		if ok, err := current(tx); ok || err != nil {
			return err // another process built it meanwhile
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM chunks_fts"); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO chunks_fts (rowid, scope, title, heading, body, stems) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		if err := writePrior(ctx, ins); err != nil {
			return err
		}
		n, err = reindexChunks(ctx, tx, ins)
		return err
	})
	if err != nil {
		return err
	}
	m.log.Info("knowledge: search index built", "chunks", n)
	m.stats.changed()
	return nil
}

// writePrior inserts the prior rows: a window sliding along the common words, so that
// each is in the same share of the rows.
func writePrior(ctx context.Context, ins *sql.Stmt) error {
	words := slices.Sorted(func(yield func(string) bool) {
		for w := range commonWords {
			if !yield(w) {
				return
			}
		}
	})
	body := make([]string, priorWords)
	for i := range idfPrior {
		for k := range body {
			body[k] = words[(i*priorWords+k)%len(words)]
		}
		if _, err := ins.ExecContext(ctx, -(i + 1), "zzpad "+priorMarker, "zzpad zzpad zzpad zzpad zzpad", "zzpad zzpad", strings.Join(body, " "), ""); err != nil {
			return fmt.Errorf("write prior: %w", err)
		}
	}
	return nil
}

// reindexChunks inserts the row of every chunk, as replaceChunks does, and returns how
// many.
func reindexChunks(ctx context.Context, tx *sql.Tx, ins *sql.Stmt) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.workspace_id, c.lang, c.heading, c.text, s.kind, s.title, s.question, s.variants
		FROM chunks c JOIN sources s ON s.id = c.source_id ORDER BY c.id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var lang, heading, text, variants string
		var src Source
		if err := rows.Scan(&id, &src.WorkspaceID, &lang, &heading, &text, &src.Kind, &src.Title, &src.Question, &variants); err != nil {
			return n, err
		}
		if err := json.Unmarshal([]byte(variants), &src.Variants); err != nil {
			return n, fmt.Errorf("variants of chunk %d: %w", id, err)
		}
		r := buildRow(src.WorkspaceID, lang, indexText(&src), heading, text)
		if _, err := ins.ExecContext(ctx, id, r.scope, r.title, r.heading, r.body, r.stems); err != nil {
			return n, fmt.Errorf("index chunk %d: %w", id, err)
		}
		n++
	}
	return n, rows.Err()
}
