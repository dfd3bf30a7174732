package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"time"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
)

// ErrNoFetcher means URL sources are switched off (no fetch client configured).
const ErrNoFetcher = Error("web pages cannot be fetched by this server")

// AddURL adds a public web page as a source. It is fetched by the background worker;
// until then its status is pending.
func (m *Manager) AddURL(ctx context.Context, workspaceID int64, raw string) (Source, error) {
	if m.web == nil {
		return Source{}, ErrNoFetcher
	}
	u, err := fetch.CheckURL(raw)
	if err != nil {
		return Source{}, inputError("url", plainMessage(err))
	}
	src := Source{WorkspaceID: workspaceID, Kind: KindURL, Title: u.String(), URL: u.String(), Status: StatusPending}
	if err := m.saveOne(ctx, &src, nil); err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return Source{}, inputError("url", "this page is already in the knowledge")
		}
		return Source{}, err
	}
	m.wake()
	return src, nil
}

// RequestSync marks sources to be fetched again as soon as the worker can, whatever
// their schedule ("re-sync" in the admin). Only URL sources are affected.
func (m *Manager) RequestSync(ctx context.Context, workspaceID int64, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		res, err := m.db.Write.ExecContext(ctx, `UPDATE sources SET next_sync_at = ? WHERE id = ? AND workspace_id = ? AND kind = 'url'`,
			m.now().Unix(), id, workspaceID)
		if err != nil {
			return n, fmt.Errorf("knowledge: request sync: %w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	m.wake()
	return n, nil
}

// SyncResult says what a sync did.
type SyncResult string

// The results of a sync.
const (
	SyncUnchanged SyncResult = "unchanged" // the server said 304, or the bytes were the same
	SyncUpdated   SyncResult = "updated"   // the page changed and was re-indexed
	SyncFailed    SyncResult = "failed"    // the error is on the source; its old chunks stay
)

// Sync fetches a URL source again. A page that has not changed (ETag, Last-Modified,
// or the same content hash) costs one request and no indexing.
func (m *Manager) Sync(ctx context.Context, workspaceID, id int64) (SyncResult, error) {
	if m.web == nil {
		return SyncFailed, ErrNoFetcher
	}
	src, err := m.Source(ctx, workspaceID, id)
	if err != nil {
		return SyncFailed, err
	}
	if src.Kind != KindURL {
		return SyncFailed, ErrNotFound
	}
	page, err := m.web.Get(ctx, fetch.Request{URL: src.URL, ETag: src.ETag, LastModified: src.LastModified})
	if err != nil {
		if ctx.Err() != nil {
			return SyncFailed, ctx.Err()
		}
		return SyncFailed, m.recordSyncError(ctx, &src, err)
	}
	return m.applyPage(ctx, &src, page)
}

// applyPage stores a fetched page into src (new or existing): unchanged pages only move
// the schedule; changed ones are extracted and re-indexed.
func (m *Manager) applyPage(ctx context.Context, src *Source, page fetch.Page) (SyncResult, error) {
	now := m.now()
	src.SyncedAt = now
	if m.opts.SyncEvery > 0 {
		src.NextSyncAt = now.Add(m.opts.SyncEvery)
	} else {
		src.NextSyncAt = time.Time{}
	}
	hash := contentHash(page.Body)
	if src.ID != 0 && src.Status == StatusReady && (page.NotModified || hash == src.ContentHash) {
		_, err := m.db.Write.ExecContext(ctx, "UPDATE sources SET synced_at = ?, next_sync_at = ?, error = '' WHERE id = ?",
			now.Unix(), nullUnix(src.NextSyncAt), src.ID)
		if err != nil {
			return SyncFailed, fmt.Errorf("knowledge: sync %s: %w", src.URL, err)
		}
		return SyncUnchanged, nil
	}
	doc, err := extractPage(page)
	if err != nil {
		return SyncFailed, m.recordSyncError(ctx, src, err)
	}
	drafts := chunkDocument(doc)
	if len(drafts) == 0 {
		return SyncFailed, m.recordSyncError(ctx, src, extract.ErrEmpty)
	}
	if doc.Title != "" {
		src.Title = truncate(doc.Title, 200)
	}
	src.ContentType, src.Size, src.ContentHash = page.ContentType, int64(len(page.Body)), hash
	src.ETag, src.LastModified = page.ETag, page.LastModified
	src.Status, src.Error = StatusReady, ""
	if err := m.saveOne(ctx, src, drafts); err != nil {
		return SyncFailed, err
	}
	return SyncUpdated, nil
}

// extractPage picks the extractor for a fetched page by its content type (or, when the
// server sends none, by the URL's extension).
func extractPage(page fetch.Page) (extract.Document, error) {
	mediaType, _, _ := mime.ParseMediaType(page.ContentType)
	switch {
	case mediaType == "text/html" || mediaType == "application/xhtml+xml":
		return extract.HTML(page.Body, page.ContentType)
	case mediaType == "application/pdf":
		return extract.PDF(page.Body)
	case mediaType == "text/markdown":
		return extract.Markdown(page.Body)
	case mediaType == "text/plain":
		return extract.Text(page.Body)
	}
	return extract.File(path.Base(page.FinalURL), page.ContentType, page.Body)
}

// recordSyncError keeps the source's chunks (an outage must not empty the knowledge) and
// shows the error in the admin. It returns nil when the error was recorded.
func (m *Manager) recordSyncError(ctx context.Context, src *Source, cause error) error {
	msg := cause.Error()
	var se *fetch.StatusError
	if errors.As(cause, &se) {
		msg = fmt.Sprintf("the server answered HTTP %d", se.Status)
	}
	src.Error = msg
	if src.ChunkCount == 0 {
		src.Status = StatusError
	}
	now := m.now()
	src.SyncedAt = now
	src.NextSyncAt = time.Time{} // with scheduled syncs off, wait for the next re-sync request
	if m.opts.SyncEvery > 0 {
		src.NextSyncAt = now.Add(m.opts.SyncEvery)
	}
	if src.ID == 0 {
		return nil // a crawled page that failed before it became a source
	}
	_, err := m.db.Write.ExecContext(ctx, "UPDATE sources SET status = ?, error = ?, synced_at = ?, next_sync_at = ? WHERE id = ?",
		src.Status, src.Error, now.Unix(), nullUnix(src.NextSyncAt), src.ID)
	if err != nil {
		return fmt.Errorf("knowledge: record sync error: %w", err)
	}
	m.log.Info("knowledge: sync failed", "source", src.ID, "url", src.URL, "err", cause)
	return nil
}

// sourceByURL returns the URL source of a workspace with this URL, if any.
func (m *Manager) sourceByURL(ctx context.Context, workspaceID int64, url string) (Source, bool, error) {
	s, err := scanSource(m.db.Read.QueryRowContext(ctx, "SELECT "+sourceColumns+" FROM sources WHERE workspace_id = ? AND kind = 'url' AND url = ?", workspaceID, url))
	if errors.Is(err, sql.ErrNoRows) {
		return Source{}, false, nil
	}
	if err != nil {
		return Source{}, false, fmt.Errorf("knowledge: source by url: %w", err)
	}
	return s, true, nil
}
