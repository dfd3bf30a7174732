package quote

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A page of the quote list holds at most MaxPage quotes.
const MaxPage = 1000

// ListFilter narrows the quote list and says which page of it to read.
type ListFilter struct {
	// Status keeps the quotes in that state, as State reads it (a published quote past
	// its last day is Expired, not Published); "" keeps all.
	Status Status
	// Search keeps the quotes with it in their number, title or buyer's company (any case,
	// for letters without accents: SQLite's LIKE); only its first MaxSearch characters count.
	Search string
	// After is the last quote of the previous page; zero for the first page.
	After Cursor
	// Limit is how many quotes to read, at most MaxPage+1: a caller asks for one more than
	// it shows to know whether another page follows.
	Limit int
}

// Cursor is where a page of the list starts: after the quote last changed at UpdatedAt
// (unix seconds) with that ID. The list is ordered by both, so a page never repeats nor
// skips a quote that did not change meanwhile (one that changed moves to the first page).
type Cursor struct {
	UpdatedAt int64
	ID        int64
}

// IsZero reports whether c is the first page's.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// String writes c for a link or a command line: "1767225600-42".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.UpdatedAt, 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor String wrote; "" is the first page.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	at, id, ok := strings.Cut(s, "-")
	t, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || t < 0 || n <= 0 {
		return Cursor{}, fmt.Errorf("%q is not a position in the quote list", s)
	}
	return Cursor{UpdatedAt: t, ID: n}, nil
}

// CursorOf is the cursor of the page that follows s.
func CursorOf(s Summary) Cursor { return Cursor{UpdatedAt: s.UpdatedAt.Unix(), ID: s.ID} }

// MaxSearch bounds a search's length: no number, title or company is longer.
const MaxSearch = maxShort

// Statuses are the states the list filters by, in their order of life.
var Statuses = []Status{Draft, Published, Expired, Accepted, Withdrawn}

// List returns a page of the workspace's quotes, the last changed first (ties by the
// newest), filtered by f. The order is an index's, so a page costs the same wherever it
// is in the list.
func (s *Store) List(ctx context.Context, workspaceID int64, f ListFilter) ([]Summary, error) {
	where := []string{"q.workspace_id = ?"}
	args := []any{workspaceID}
	now := s.now().Unix()
	switch f.Status {
	case "":
	case Published:
		where, args = append(where, "q.status = 'published' AND q.expires_at > ?"), append(args, now)
	case Expired:
		where, args = append(where, "q.status = 'published' AND q.expires_at <= ?"), append(args, now)
	case Draft, Accepted, Withdrawn:
		where, args = append(where, "q.status = ?"), append(args, string(f.Status))
	default:
		return nil, fmt.Errorf("quote: list: no status %q", f.Status)
	}
	term := f.Search
	if r := []rune(term); len(r) > MaxSearch {
		term = string(r[:MaxSearch])
	}
	if term = strings.TrimSpace(term); term != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(term) + "%"
		where = append(where, `(q.number LIKE ? ESCAPE '\' OR q.title LIKE ? ESCAPE '\' OR q.buyer_company LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if !f.After.IsZero() {
		where, args = append(where, "(q.updated_at, q.id) < (?, ?)"), append(args, f.After.UpdatedAt, f.After.ID)
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPage+1 {
		limit = MaxPage + 1
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT q.id, q.number, q.title, q.buyer_company, COALESCE(q.owner_id, 0), q.currency,
		q.total, q.status, q.expires_on, q.expires_at, q.updated_at,
		(SELECT COUNT(*) FROM quote_views v WHERE v.quote_id = q.id),
		(SELECT COUNT(*) FROM conversations c WHERE c.quote_id = q.id AND c.pending = 0)
		FROM quotes q WHERE `+strings.Join(where, " AND ")+` ORDER BY q.updated_at DESC, q.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("quote: list: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var x Summary
		var expires, updated int64
		if err := rows.Scan(&x.ID, &x.Number, &x.Title, &x.BuyerCompany, &x.OwnerID, &x.Currency, &x.Total, &x.Status,
			&x.ExpiresOn, &expires, &updated, &x.Views, &x.Conversations); err != nil {
			return nil, fmt.Errorf("quote: list: %w", err)
		}
		x.ExpiresAt, x.UpdatedAt = time.Unix(expires, 0), time.Unix(updated, 0)
		out = append(out, x)
	}
	return out, wrap("list", rows.Err())
}
