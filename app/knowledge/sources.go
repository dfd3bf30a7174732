package knowledge

import (
	"agent/app/store"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
)

const sourceColumns = `id, workspace_id, kind, title, lang, status, error, body, question, variants, url, filename,
	content_type, size, content_hash, etag, last_modified, COALESCE(crawl_id, 0), external_id, chunk_count,
	COALESCE(synced_at, 0), COALESCE(next_sync_at, 0), created_at, updated_at, preset`

func scanSource(row interface{ Scan(...any) error }) (Source, error) {
	var s Source
	var variants string
	var synced, next, created, updated int64
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Kind, &s.Title, &s.Lang, &s.Status, &s.Error, &s.Body, &s.Question, &variants,
		&s.URL, &s.Filename, &s.ContentType, &s.Size, &s.ContentHash, &s.ETag, &s.LastModified, &s.CrawlID, &s.ExternalID,
		&s.ChunkCount, &synced, &next, &created, &updated, &s.Preset)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(variants), &s.Variants); err != nil {
		return s, fmt.Errorf("variants of source %d: %w", s.ID, err)
	}
	s.SyncedAt, s.NextSyncAt = store.TimeOrZero(synced), store.TimeOrZero(next)
	s.CreatedAt, s.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	return s, nil
}

func nullUnix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// Source returns one source of a workspace.
func (m *Manager) Source(ctx context.Context, workspaceID, id int64) (Source, error) {
	s, err := scanSource(m.db.Read.QueryRowContext(ctx, "SELECT "+sourceColumns+" FROM sources WHERE id = ? AND workspace_id = ?", id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return Source{}, ErrNotFound
	}
	if err != nil {
		return Source{}, fmt.Errorf("knowledge: get source: %w", err)
	}
	return s, nil
}

// save inserts or updates src and replaces its chunks with drafts, in tx.
func (m *Manager) save(ctx context.Context, tx *sql.Tx, src *Source, drafts []draft) error {
	now := m.now()
	src.UpdatedAt = now
	variants, err := json.Marshal(nonNil(src.Variants))
	if err != nil {
		return err
	}
	if src.ID == 0 {
		src.CreatedAt = now
		res, err := tx.ExecContext(ctx, `INSERT INTO sources (workspace_id, kind, title, lang, status, error, body, question, variants,
			url, filename, content_type, size, content_hash, etag, last_modified, crawl_id, external_id, synced_at, next_sync_at,
			created_at, updated_at, preset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			src.WorkspaceID, src.Kind, src.Title, src.Lang, src.Status, src.Error, src.Body, src.Question, string(variants),
			src.URL, src.Filename, src.ContentType, src.Size, src.ContentHash, src.ETag, src.LastModified, store.NullID(src.CrawlID),
			src.ExternalID, nullUnix(src.SyncedAt), nullUnix(src.NextSyncAt), now.Unix(), now.Unix(), src.Preset)
		if err != nil {
			return fmt.Errorf("insert source: %w", err)
		}
		src.ID, _ = res.LastInsertId()
	} else {
		_, err := tx.ExecContext(ctx, `UPDATE sources SET title = ?, lang = ?, status = ?, error = ?, body = ?, question = ?, variants = ?,
			url = ?, filename = ?, content_type = ?, size = ?, content_hash = ?, etag = ?, last_modified = ?, synced_at = ?,
			next_sync_at = ?, updated_at = ?, preset = ? WHERE id = ?`,
			src.Title, src.Lang, src.Status, src.Error, src.Body, src.Question, string(variants), src.URL, src.Filename,
			src.ContentType, src.Size, src.ContentHash, src.ETag, src.LastModified, nullUnix(src.SyncedAt), nullUnix(src.NextSyncAt),
			now.Unix(), src.Preset, src.ID)
		if err != nil {
			return fmt.Errorf("update source: %w", err)
		}
	}
	if drafts == nil {
		return nil
	}
	return replaceChunks(ctx, tx, src, drafts)
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// write runs fn in a transaction that changes a workspace's knowledge, then drops what is
// kept in memory about it (the phrasing model only when short answers may have changed:
// a crawl writing pages need not retrain it). Dropping after the commit, not inside the
// transaction, keeps a concurrent search from caching what the transaction replaces.
func (m *Manager) write(ctx context.Context, workspaceID int64, shortAnswers bool, fn func(*sql.Tx) error) error {
	m.ensureIndex(ctx)
	defer func() {
		m.vectors.invalidate(workspaceID)
		m.stats.changed()
		if shortAnswers {
			m.phrases.changed(workspaceID)
		}
	}()
	return m.db.Tx(ctx, fn)
}

// saveOne saves a source and its chunks in a transaction of its own. Without drafts
// only the source's row changes, which no cache of the index depends on.
func (m *Manager) saveOne(ctx context.Context, src *Source, drafts []draft) error {
	fn := func(tx *sql.Tx) error { return m.save(ctx, tx, src, drafts) }
	var err error
	if drafts == nil {
		err = m.db.Tx(ctx, fn)
	} else {
		err = m.write(ctx, src.WorkspaceID, src.Kind == KindShortAnswer, fn)
	}
	if err != nil {
		return fmt.Errorf("knowledge: save %s: %w", src.Kind, err)
	}
	return nil
}

// ArticleInput is an article as the admin writes it.
type ArticleInput struct {
	Title string
	Body  string // Markdown
	Lang  string // "" = detect
	URL   string // optional public page to cite
}

func (in *ArticleInput) check() error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	if in.Title == "" {
		return inputError("title", "is required")
	}
	if utf8.RuneCountInString(in.Title) > 200 {
		return inputError("title", "must be at most 200 characters")
	}
	if in.Body == "" {
		return inputError("body", "is required")
	}
	if len(in.Body) > 1<<20 {
		return inputError("body", "must be at most 1 MB")
	}
	if in.URL = strings.TrimSpace(in.URL); in.URL != "" {
		u, err := fetch.CheckURL(in.URL)
		if err != nil {
			return inputError("url", plainMessage(err))
		}
		in.URL = u.String()
	}
	in.Lang = NormalizeLang(in.Lang)
	return nil
}

// articleDrafts chunks an article's Markdown.
func (m *Manager) articleDrafts(ctx context.Context, title, body string) ([]draft, error) {
	doc, err := m.extract(ctx, func(ctx context.Context) (extract.Document, error) {
		return extract.Markdown(ctx, []byte(body))
	})
	if errors.Is(err, extract.ErrEmpty) {
		return nil, inputError("body", "has no text")
	}
	if err != nil {
		return nil, userFacing("body", err)
	}
	drafts := chunkDocument(doc, title)
	if err := m.checkChunks("article", drafts); err != nil {
		return nil, inputError("body", err.Error())
	}
	return drafts, nil
}

// CreateArticle adds an article and indexes it.
func (m *Manager) CreateArticle(ctx context.Context, workspaceID int64, in ArticleInput) (Source, error) {
	return m.putArticle(ctx, Source{WorkspaceID: workspaceID, Kind: KindArticle}, in)
}

// UpdateArticle changes an article and re-indexes it.
func (m *Manager) UpdateArticle(ctx context.Context, workspaceID, id int64, in ArticleInput) (Source, error) {
	src, err := m.Source(ctx, workspaceID, id)
	if err != nil {
		return Source{}, err
	}
	if src.Kind != KindArticle {
		return Source{}, ErrNotFound
	}
	return m.putArticle(ctx, src, in)
}

func (m *Manager) putArticle(ctx context.Context, src Source, in ArticleInput) (Source, error) {
	if err := in.check(); err != nil {
		return Source{}, err
	}
	drafts, err := m.articleDrafts(ctx, in.Title, in.Body)
	if err != nil {
		return Source{}, err
	}
	src.Title, src.Body, src.Lang, src.URL = in.Title, in.Body, in.Lang, in.URL
	src.Status, src.Error, src.SyncedAt = StatusReady, "", m.now()
	if err := m.saveOne(ctx, &src, drafts); err != nil {
		return Source{}, err
	}
	return src, nil
}

// maxVariants bounds a short answer's other phrasings: real intent sets have hundreds of
// them, and the phrasing model trains on 1,000 for one answer in milliseconds
// (docs/EVAL.md, Many phrasings).
const maxVariants = 1000

// ShortAnswerInput is a question with its answer, for questions customers ask often.
type ShortAnswerInput struct {
	Question string
	Variants []string // other ways customers ask the same
	Answer   string
	Lang     string
}

func (in *ShortAnswerInput) check() error {
	in.Question, in.Answer = strings.TrimSpace(in.Question), strings.TrimSpace(in.Answer)
	var vs []string
	for _, v := range in.Variants {
		if v = strings.TrimSpace(v); v != "" && v != in.Question {
			vs = append(vs, v)
		}
	}
	in.Variants = distinct(vs)
	longest := 0
	for _, v := range in.Variants {
		longest = max(longest, utf8.RuneCountInString(v))
	}
	switch {
	case in.Question == "":
		return inputError("question", "is required")
	case utf8.RuneCountInString(in.Question) > 500:
		return inputError("question", "must be at most 500 characters")
	case in.Answer == "":
		return inputError("answer", "is required")
	case utf8.RuneCountInString(in.Answer) > 5000:
		return inputError("answer", "must be at most 5000 characters")
	case len(in.Variants) > maxVariants:
		return inputError("variants", fmt.Sprintf("must be at most %d", maxVariants))
	case longest > 500:
		return inputError("variants", "must each be at most 500 characters")
	}
	in.Lang = NormalizeLang(in.Lang)
	if in.Lang == "" {
		in.Lang = DetectLang(strings.Join(append([]string{in.Question, in.Answer}, in.Variants...), "\n"))
	}
	return nil
}

// CreateShortAnswer adds a short answer and indexes it.
func (m *Manager) CreateShortAnswer(ctx context.Context, workspaceID int64, in ShortAnswerInput) (Source, error) {
	if err := unfilled(in.Answer); err != nil {
		return Source{}, err
	}
	return m.putShortAnswer(ctx, nil, Source{WorkspaceID: workspaceID, Kind: KindShortAnswer}, in)
}

// UpdateShortAnswer changes a short answer and re-indexes it.
func (m *Manager) UpdateShortAnswer(ctx context.Context, workspaceID, id int64, in ShortAnswerInput) (Source, error) {
	src, err := m.Source(ctx, workspaceID, id)
	if err != nil {
		return Source{}, err
	}
	if src.Kind != KindShortAnswer {
		return Source{}, ErrNotFound
	}
	if err := unfilled(in.Answer); err != nil {
		return Source{}, err
	}
	src.Preset = "" // edited: the shop's own answer now
	return m.putShortAnswer(ctx, nil, src, in)
}

// putShortAnswer saves in tx, or in a transaction of its own when tx is nil.
func (m *Manager) putShortAnswer(ctx context.Context, tx *sql.Tx, src Source, in ShortAnswerInput) (Source, error) {
	if err := in.check(); err != nil {
		return Source{}, err
	}
	src.Title, src.Question, src.Variants, src.Body, src.Lang = in.Question, in.Question, in.Variants, in.Answer, in.Lang
	src.Status, src.Error, src.SyncedAt = StatusReady, "", m.now()
	drafts := []draft{{text: in.Answer}}
	if placeholder.MatchString(in.Answer) {
		// A preset still to be filled in: kept, not indexed, so no one is answered with it.
		src.Status, drafts = StatusPending, []draft{}
	}
	var err error
	if tx != nil {
		err = m.save(ctx, tx, &src, drafts)
	} else {
		err = m.saveOne(ctx, &src, drafts)
	}
	if err != nil {
		return Source{}, err
	}
	return src, nil
}

// Remove deletes sources of a workspace with their chunks and returns how many it removed.
func (m *Manager) Remove(ctx context.Context, workspaceID int64, ids []int64) (int, error) {
	removed := 0
	err := m.write(ctx, workspaceID, true, func(tx *sql.Tx) error {
		for _, id := range ids {
			var ok int
			err := tx.QueryRowContext(ctx, "SELECT 1 FROM sources WHERE id = ? AND workspace_id = ?", id, workspaceID).Scan(&ok)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if err := deleteChunks(ctx, tx, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM sources WHERE id = ?", id); err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("knowledge: remove: %w", err)
	}
	return removed, nil
}

// Chunks lists a source's chunks in order.
func (m *Manager) Chunks(ctx context.Context, workspaceID, sourceID int64) ([]Chunk, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT id, source_id, ord, heading, anchor, lang, text FROM chunks
		WHERE source_id = ? AND workspace_id = ? ORDER BY ord`, sourceID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("knowledge: chunks: %w", err)
	}
	defer rows.Close()
	var out []Chunk
	for rows.Next() {
		var c Chunk
		if err := rows.Scan(&c.ID, &c.SourceID, &c.Ord, &c.Heading, &c.Anchor, &c.Lang, &c.Text); err != nil {
			return nil, fmt.Errorf("knowledge: chunks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
