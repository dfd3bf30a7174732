package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
)

// ErrNoFetcher means URL sources are switched off (no fetch client configured).
const ErrNoFetcher = Error("web pages cannot be fetched by this server")

// AddURL adds a public web page as a source. It is fetched by the background worker;
// until then its status is pending. An address that is plainly private or local is
// refused here; one whose name resolves to such an address fails when it is fetched.
func (m *Manager) AddURL(ctx context.Context, workspaceID int64, raw string) (Source, error) {
	if m.web == nil {
		return Source{}, ErrNoFetcher
	}
	u, err := m.checkURL(raw)
	if err != nil {
		return Source{}, err
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

// checkURL parses the address of a page to fetch and refuses, as an *InputError on
// "url", one the fetcher would never reach: a local name or a private IP address.
func (m *Manager) checkURL(raw string) (*url.URL, error) {
	u, err := fetch.CheckURL(raw)
	if err != nil {
		return nil, inputError("url", plainMessage(err))
	}
	if err := m.web.CheckHost(u); err != nil {
		if msg := fetch.Explain(err); msg != "" {
			return nil, inputError("url", msg)
		}
		return nil, err
	}
	return u, nil
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
	doc, err := m.extract(ctx, func(ctx context.Context) (extract.Document, error) {
		return extractPage(ctx, page)
	})
	if ctx.Err() != nil {
		return SyncFailed, ctx.Err()
	}
	if err != nil {
		return SyncFailed, m.recordSyncError(ctx, src, err)
	}
	drafts := chunkDocument(doc, doc.Title)
	if len(drafts) == 0 {
		return SyncFailed, m.recordSyncError(ctx, src, extract.ErrEmpty)
	}
	if err := m.checkChunks("page", drafts); err != nil {
		return SyncFailed, m.recordSyncError(ctx, src, err)
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
// server sends none, by the URL's extension); either way the body must be what they
// claim (binary data served as text/plain is refused as it would be in an upload).
func extractPage(ctx context.Context, page fetch.Page) (extract.Document, error) {
	mediaType, _, _ := mime.ParseMediaType(page.ContentType)
	switch mediaType {
	case "text/html", "application/xhtml+xml", "application/pdf", "text/markdown", "text/plain":
		return extract.File(ctx, "", page.ContentType, page.Body)
	}
	return extract.File(ctx, path.Base(page.FinalURL), page.ContentType, page.Body)
}

// recordSyncError keeps the source's chunks (an outage must not empty the knowledge) and
// shows the error in the admin in plain words; the log keeps the detail. SyncedAt stays
// the time of the last sync that worked. It returns nil when the error was recorded.
func (m *Manager) recordSyncError(ctx context.Context, src *Source, cause error) error {
	src.Error = syncMessage(cause)
	if src.ChunkCount == 0 {
		src.Status = StatusError
	}
	src.NextSyncAt = time.Time{} // with scheduled syncs off, wait for the next re-sync request
	if m.opts.SyncEvery > 0 && !errors.Is(cause, fetch.ErrBlocked) && !errors.Is(cause, fetch.ErrBadURL) {
		// A refused address fails the same way every time: only a re-sync tries it again.
		src.NextSyncAt = m.now().Add(m.opts.SyncEvery)
	}
	if src.ID == 0 {
		return nil // a crawled page that failed before it became a source
	}
	_, err := m.db.Write.ExecContext(ctx, "UPDATE sources SET status = ?, error = ?, next_sync_at = ? WHERE id = ?",
		src.Status, src.Error, nullUnix(src.NextSyncAt), src.ID)
	if err != nil {
		return fmt.Errorf("knowledge: record sync error: %w", err)
	}
	m.log.Info("knowledge: sync failed", "source", src.ID, "url", src.URL, "err", cause)
	return nil
}

// syncMessage is why a page could not be synced, as one sentence for the admin.
func syncMessage(err error) string {
	if msg := fetch.Explain(err); msg != "" {
		return msg
	}
	var tooMany *chunkLimitError
	switch {
	case errors.As(err, &tooMany):
		return sentence(tooMany.Error())
	case errors.Is(err, extract.ErrEmpty):
		return "The page has no text to answer from."
	case errors.Is(err, extract.ErrUnsupported), errors.Is(err, extract.ErrEncrypted),
		errors.Is(err, extract.ErrCorrupt), errors.Is(err, extract.ErrTooLarge):
		return sentence(plainMessage(err))
	}
	return "The page could not be fetched; the details are in the server log."
}

// sentence makes a message fragment a sentence: capital first letter, final stop.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
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
