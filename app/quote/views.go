package quote

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"agent/app/store"
)

// View is one opening of a quote's public page.
type View struct {
	Visitor  string // a short id of the browser, the same on its later visits
	Browser  string // "Firefox on Linux"
	ViewedAt time.Time
}

// maxViews bounds the views a quote's page lists; the counts cover them all.
const maxViews = 200

// RecordView records that the page of quote id was opened by the browser visitor.
func (s *Store) RecordView(ctx context.Context, quoteID int64, visitor, userAgent string) error {
	_, err := s.db.Write.ExecContext(ctx, "INSERT INTO quote_views (quote_id, visitor, browser, viewed_at) VALUES (?, ?, ?, ?)",
		quoteID, visitor, Browser(userAgent), s.now().Unix())
	if err != nil {
		return fmt.Errorf("quote: record view: %w", err)
	}
	return nil
}

// Viewers is who viewed a quote's page: the latest views, and the totals.
type Viewers struct {
	Views    []View // the latest first, at most maxViews
	Total    int
	Visitors int // distinct browsers
}

// Views returns who viewed the page of a quote of the workspace.
func (s *Store) Views(ctx context.Context, workspaceID, quoteID int64) (Viewers, error) {
	var out Viewers
	err := s.db.Read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT v.visitor) FROM quote_views v
		JOIN quotes q ON q.id = v.quote_id WHERE q.id = ? AND q.workspace_id = ?`, quoteID, workspaceID).Scan(&out.Total, &out.Visitors)
	if err != nil {
		return out, fmt.Errorf("quote: views: %w", err)
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT v.visitor, v.browser, v.viewed_at FROM quote_views v
		JOIN quotes q ON q.id = v.quote_id WHERE q.id = ? AND q.workspace_id = ? ORDER BY v.id DESC LIMIT ?`, quoteID, workspaceID, maxViews)
	if err != nil {
		return out, fmt.Errorf("quote: views: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v View
		var at int64
		if err := rows.Scan(&v.Visitor, &v.Browser, &at); err != nil {
			return out, fmt.Errorf("quote: views: %w", err)
		}
		v.ViewedAt = time.Unix(at, 0)
		out.Views = append(out.Views, v)
	}
	return out, wrap("views", rows.Err())
}

// Browser summarises a User-Agent header for people: "Chrome on Windows", "Safari on
// iOS", or "Bot or link preview" for crawlers and chat apps unfurling the link.
func Browser(ua string) string {
	l := strings.ToLower(ua)
	if l == "" {
		return "Unknown browser"
	}
	for _, b := range []string{"bot", "crawler", "spider", "preview", "facebookexternalhit", "slack", "curl/", "wget/", "python-", "go-http-client"} {
		if strings.Contains(l, b) {
			return "Bot or link preview"
		}
	}
	name := "Unknown browser"
	for _, b := range []struct{ token, name string }{
		{"edg/", "Edge"}, {"opr/", "Opera"}, {"samsungbrowser", "Samsung Internet"}, {"firefox/", "Firefox"},
		{"fxios", "Firefox"}, {"crios", "Chrome"}, {"chrome/", "Chrome"}, {"chromium", "Chromium"}, {"safari/", "Safari"},
	} {
		if strings.Contains(l, b.token) {
			name = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{
		{"iphone", "iOS"}, {"ipad", "iPadOS"}, {"android", "Android"}, {"cros", "ChromeOS"}, {"windows", "Windows"},
		{"mac os x", "macOS"}, {"linux", "Linux"},
	} {
		if strings.Contains(l, o.token) {
			return name + " on " + o.name
		}
	}
	return name
}

// Conversation is a conversation started on a quote's page, as the quote's admin page
// lists it.
type Conversation struct {
	ID         int64
	Status     string // open or closed
	AssigneeID int64
	Messages   int
	LastActive time.Time
}

// Conversations lists the conversations started on a quote's page, the latest active
// first.
func (s *Store) Conversations(ctx context.Context, workspaceID, quoteID int64) ([]Conversation, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT c.id, c.status, COALESCE(c.assignee_id, 0),
		(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id), c.last_activity_at
		FROM conversations c WHERE c.quote_id = ? AND c.workspace_id = ? AND c.preview = 0 AND c.pending = 0
		ORDER BY c.last_activity_at DESC, c.id DESC`, quoteID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("quote: conversations: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		var c Conversation
		var last int64
		if err := rows.Scan(&c.ID, &c.Status, &c.AssigneeID, &c.Messages, &last); err != nil {
			return nil, fmt.Errorf("quote: conversations: %w", err)
		}
		c.LastActive = store.TimeOrZero(last)
		out = append(out, c)
	}
	return out, wrap("conversations", rows.Err())
}

// ForConversation returns the quote a conversation of the workspace was started on, or
// ErrNotFound when it was started elsewhere.
func (s *Store) ForConversation(ctx context.Context, workspaceID, conversationID int64) (Quote, error) {
	var id sql.NullInt64
	err := s.db.Read.QueryRowContext(ctx, "SELECT quote_id FROM conversations WHERE id = ? AND workspace_id = ?",
		conversationID, workspaceID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !id.Valid) {
		return Quote{}, ErrNotFound
	}
	if err != nil {
		return Quote{}, fmt.Errorf("quote: of conversation: %w", err)
	}
	return s.Get(ctx, workspaceID, id.Int64)
}
