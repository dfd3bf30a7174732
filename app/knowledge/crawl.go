package knowledge

import (
	"agent/app/store"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"agent/app/fetch"
)

// CrawlStatus is where an "import related URLs" job is.
type CrawlStatus string

// The statuses of a crawl.
const (
	CrawlPending   CrawlStatus = "pending"
	CrawlRunning   CrawlStatus = "running"
	CrawlDone      CrawlStatus = "done"
	CrawlFailed    CrawlStatus = "failed"
	CrawlCancelled CrawlStatus = "cancelled"
)

// MaxCrawlPages is the most pages one crawl may import.
const MaxCrawlPages = 1000

// Crawl is one "import related URLs" job and its progress.
type Crawl struct {
	ID          int64
	WorkspaceID int64
	StartURL    string
	MaxPages    int
	Status      CrawlStatus
	Discovered  int
	Fetched     int
	Skipped     int
	Failed      int
	Current     string
	Error       string
	CreatedAt   time.Time
	StartedAt   time.Time
	FinishedAt  time.Time
}

// Active reports whether the crawl has not finished yet.
func (c Crawl) Active() bool { return c.Status == CrawlPending || c.Status == CrawlRunning }

const crawlColumns = `id, workspace_id, start_url, max_pages, status, discovered, fetched, skipped, failed, current_url, error,
	created_at, COALESCE(started_at, 0), COALESCE(finished_at, 0)`

func scanCrawl(row interface{ Scan(...any) error }) (Crawl, error) {
	var c Crawl
	var created, started, finished int64
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.StartURL, &c.MaxPages, &c.Status, &c.Discovered, &c.Fetched, &c.Skipped, &c.Failed,
		&c.Current, &c.Error, &created, &started, &finished)
	c.CreatedAt, c.StartedAt, c.FinishedAt = time.Unix(created, 0), store.TimeOrZero(started), store.TimeOrZero(finished)
	return c, err
}

// StartCrawl queues a crawl of the site of raw; the worker runs it. maxPages 0 means the
// configured default; more than MaxCrawlPages is an input error.
func (m *Manager) StartCrawl(ctx context.Context, workspaceID int64, raw string, maxPages int) (Crawl, error) {
	if m.web == nil {
		return Crawl{}, ErrNoFetcher
	}
	u, err := m.checkURL(raw)
	if err != nil {
		return Crawl{}, err
	}
	switch {
	case maxPages == 0:
		maxPages = m.opts.CrawlMaxPages
	case maxPages < 0 || maxPages > MaxCrawlPages:
		return Crawl{}, inputError("max_pages", fmt.Sprintf("must be between 1 and %d", MaxCrawlPages))
	}
	now := m.now().Unix()
	res, err := m.db.Write.ExecContext(ctx, "INSERT INTO crawls (workspace_id, start_url, max_pages, created_at) VALUES (?, ?, ?, ?)",
		workspaceID, u.String(), maxPages, now)
	if err != nil {
		return Crawl{}, fmt.Errorf("knowledge: start crawl: %w", err)
	}
	id, _ := res.LastInsertId()
	m.wake()
	return m.Crawl(ctx, workspaceID, id)
}

// Crawl returns one crawl of a workspace.
func (m *Manager) Crawl(ctx context.Context, workspaceID, id int64) (Crawl, error) {
	c, err := scanCrawl(m.db.Read.QueryRowContext(ctx, "SELECT "+crawlColumns+" FROM crawls WHERE id = ? AND workspace_id = ?", id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return Crawl{}, ErrNotFound
	}
	if err != nil {
		return Crawl{}, fmt.Errorf("knowledge: get crawl: %w", err)
	}
	return c, nil
}

// Crawls lists a workspace's most recent crawls, newest first.
func (m *Manager) Crawls(ctx context.Context, workspaceID int64, limit int) ([]Crawl, error) {
	rows, err := m.db.Read.QueryContext(ctx, "SELECT "+crawlColumns+" FROM crawls WHERE workspace_id = ? ORDER BY id DESC LIMIT ?", workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("knowledge: list crawls: %w", err)
	}
	defer rows.Close()
	var out []Crawl
	for rows.Next() {
		c, err := scanCrawl(rows)
		if err != nil {
			return nil, fmt.Errorf("knowledge: list crawls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CancelCrawl stops a crawl; the pages it already imported stay.
func (m *Manager) CancelCrawl(ctx context.Context, workspaceID, id int64) error {
	res, err := m.db.Write.ExecContext(ctx, `UPDATE crawls SET status = 'cancelled', finished_at = ?, current_url = ''
		WHERE id = ? AND workspace_id = ? AND status IN ('pending', 'running')`, m.now().Unix(), id, workspaceID)
	if err != nil {
		return fmt.Errorf("knowledge: cancel crawl: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	m.mu.Lock()
	if cancel, ok := m.running[id]; ok {
		cancel()
	}
	m.mu.Unlock()
	return nil
}

// runCrawl runs one queued crawl to its end, storing each page as a URL source and the
// progress on the crawl, so the admin can watch it. It returns an error only when the
// crawl could not be started (and the worker should wait before trying again).
func (m *Manager) runCrawl(ctx context.Context, c Crawl) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.mu.Lock()
	m.running[c.ID] = cancel
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.running, c.ID)
		m.mu.Unlock()
	}()

	res, err := m.db.Write.ExecContext(ctx, "UPDATE crawls SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'pending'",
		m.now().Unix(), c.ID)
	if err != nil {
		return fmt.Errorf("knowledge: start crawl %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // cancelled meanwhile
	}
	err = m.web.Crawl(ctx, fetch.CrawlOptions{Start: c.StartURL, MaxPages: c.MaxPages},
		func(ctx context.Context, page fetch.Page) error { return m.importPage(ctx, c, page) },
		func(p fetch.Progress) {
			_, err := m.db.Write.ExecContext(ctx, `UPDATE crawls SET discovered = ?, fetched = ?, skipped = ?, failed = ?, current_url = ?
				WHERE id = ? AND status = 'running'`, p.Discovered, p.Fetched, p.Skipped, p.Failed, p.Current, c.ID)
			if err != nil && ctx.Err() == nil {
				m.log.Warn("knowledge: crawl progress", "crawl", c.ID, "err", err)
			}
		})
	status, msg := CrawlDone, ""
	switch {
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return nil // cancelled by the admin (already recorded) or shutdown (resumed at start)
	case err != nil:
		status, msg = CrawlFailed, syncMessage(err)
		m.log.Warn("knowledge: crawl failed", "crawl", c.ID, "err", err)
	}
	_, err = m.db.Write.ExecContext(context.WithoutCancel(ctx), `UPDATE crawls SET status = ?, error = ?, current_url = '', finished_at = ?
		WHERE id = ? AND status = 'running'`, status, msg, m.now().Unix(), c.ID)
	if err != nil {
		m.log.Error("knowledge: finish crawl", "crawl", c.ID, "err", err)
	}
	m.log.Info("knowledge: crawl finished", "crawl", c.ID, "status", status, "error", msg)
	return nil
}

// importPage stores one crawled page: a new URL source, or a sync of the one that has
// this URL already (unchanged pages cost nothing, which is what makes resuming cheap).
func (m *Manager) importPage(ctx context.Context, c Crawl, page fetch.Page) error {
	src, found, err := m.sourceByURL(ctx, c.WorkspaceID, page.FinalURL)
	if err != nil {
		return err
	}
	if !found {
		src = Source{WorkspaceID: c.WorkspaceID, Kind: KindURL, Title: page.FinalURL, URL: page.FinalURL, CrawlID: c.ID, Status: StatusPending}
	}
	result, err := m.applyPage(ctx, &src, page)
	if err != nil {
		return err
	}
	if result == SyncFailed {
		return errors.New(src.Error)
	}
	return nil
}
