package quote

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"agent/app/store"
	"agent/app/usererr"

	"github.com/shopspring/decimal"
)

// Store keeps quotes in the database.
type Store struct {
	db   *store.DB
	now  func() time.Time
	link linkKey
}

// New returns a Store over db.
func New(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

// SetClock replaces the store's clock (tests of expiry).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Create adds a draft quote to a workspace.
func (s *Store) Create(ctx context.Context, workspaceID int64, in Input) (Quote, error) {
	q, err := in.Check()
	if err != nil {
		return Quote{}, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, workspaceID, q)
		return err
	})
	if err != nil {
		return Quote{}, err
	}
	return s.Get(ctx, workspaceID, id)
}

// Update replaces a quote's content (not its status). An accepted quote is refused.
func (s *Store) Update(ctx context.Context, workspaceID, id int64, in Input) (Quote, error) {
	q, err := in.Check()
	if err != nil {
		return Quote{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var status Status
		err := tx.QueryRowContext(ctx, "SELECT status FROM quotes WHERE id = ? AND workspace_id = ?", id, workspaceID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if status == Accepted {
			return ErrAccepted
		}
		return s.update(ctx, tx, workspaceID, id, q)
	})
	if err != nil {
		return Quote{}, wrap("update", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// Outcome is what an import did with one quote.
type Outcome string

// The outcomes of an import.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
)

// Import creates the quote with in's number, or updates the workspace's quote of that
// number when its content differs: importing the same file again changes nothing. An
// accepted quote is refused only when the import would change it.
func (s *Store) Import(ctx context.Context, workspaceID int64, in Input) (Quote, Outcome, error) {
	q, err := in.Check()
	if err != nil {
		return Quote{}, "", err
	}
	var id int64
	var outcome Outcome
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getQuote(ctx, tx, workspaceID, "q.number = ?", q.Number)
		switch {
		case errors.Is(err, ErrNotFound):
			id, outcome = 0, Created
			id, err = s.insert(ctx, tx, workspaceID, q)
			return err
		case err != nil:
			return err
		}
		id = old.ID
		if sameContent(old, q) {
			outcome = Unchanged
			return nil
		}
		if old.Status == Accepted {
			return ErrAccepted
		}
		outcome = Updated
		return s.update(ctx, tx, workspaceID, id, q)
	})
	if err != nil {
		return Quote{}, "", wrap("import "+q.Number, err)
	}
	got, err := s.Get(ctx, workspaceID, id)
	return got, outcome, err
}

// sameContent reports whether the stored quote old already holds q's content.
func sameContent(old, q Quote) bool {
	a, _ := json.Marshal(contentOf(old))
	b, _ := json.Marshal(contentOf(q))
	return string(a) == string(b)
}

// contentOf is what a person or an import gives, in a canonical form.
func contentOf(q Quote) any {
	type line struct{ Name, Description, Quantity, UnitPrice, DiscountPercent, DiscountAmount, TaxRate string }
	lines := make([]line, len(q.Lines))
	for i, l := range q.Lines {
		lines[i] = line{l.Name, l.Description, l.Quantity.String(), l.UnitPrice.String(), l.DiscountPercent.String(), l.DiscountAmount.String(), l.TaxRate.String()}
	}
	return []any{q.Number, q.Title, q.BuyerCompany, orEmpty(q.Contacts), q.OwnerID, q.Currency, q.PaymentTerms, q.DeliveryTerms, q.Notes, q.ExpiresOn, lines}
}

func (s *Store) insert(ctx context.Context, tx *sql.Tx, workspaceID int64, q Quote) (int64, error) {
	expires, err := s.checkRefs(ctx, tx, workspaceID, q)
	if err != nil {
		return 0, err
	}
	t := q.Totals()
	contacts, _ := json.Marshal(orEmpty(q.Contacts))
	now := s.now().Unix()
	res, err := tx.ExecContext(ctx, `INSERT INTO quotes (workspace_id, number, title, buyer_company, buyer_contacts, owner_id,
		currency, payment_terms, delivery_terms, notes, expires_on, expires_at, subtotal, total, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		workspaceID, q.Number, q.Title, q.BuyerCompany, string(contacts), store.NullID(q.OwnerID), q.Currency, q.PaymentTerms,
		q.DeliveryTerms, q.Notes, q.ExpiresOn, expires.Unix(), Fixed(t.Subtotal, t.Scale), Fixed(t.Total, t.Scale), now, now)
	if store.IsUniqueViolation(err) {
		return 0, ErrNumberTaken
	}
	if err != nil {
		return 0, fmt.Errorf("quote: create: %w", err)
	}
	id, _ := res.LastInsertId()
	return id, insertLines(ctx, tx, id, q.Lines)
}

func (s *Store) update(ctx context.Context, tx *sql.Tx, workspaceID, id int64, q Quote) error {
	expires, err := s.checkRefs(ctx, tx, workspaceID, q)
	if err != nil {
		return err
	}
	t := q.Totals()
	contacts, _ := json.Marshal(orEmpty(q.Contacts))
	_, err = tx.ExecContext(ctx, `UPDATE quotes SET number = ?, title = ?, buyer_company = ?, buyer_contacts = ?, owner_id = ?,
		currency = ?, payment_terms = ?, delivery_terms = ?, notes = ?, expires_on = ?, expires_at = ?, subtotal = ?, total = ?,
		updated_at = ? WHERE id = ? AND workspace_id = ?`,
		q.Number, q.Title, q.BuyerCompany, string(contacts), store.NullID(q.OwnerID), q.Currency, q.PaymentTerms, q.DeliveryTerms,
		q.Notes, q.ExpiresOn, expires.Unix(), Fixed(t.Subtotal, t.Scale), Fixed(t.Total, t.Scale), s.now().Unix(), id, workspaceID)
	if store.IsUniqueViolation(err) {
		return ErrNumberTaken
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM quote_lines WHERE quote_id = ?", id); err != nil {
		return err
	}
	return insertLines(ctx, tx, id, q.Lines)
}

// checkRefs checks that the owner is a member of the workspace and returns when the
// quote expires: the end of its expiry day in the workspace's time zone.
func (s *Store) checkRefs(ctx context.Context, tx *sql.Tx, workspaceID int64, q Quote) (time.Time, error) {
	if q.OwnerID != 0 {
		ok, err := store.InWorkspace(ctx, tx, "memberships", "user_id", workspaceID, []int64{q.OwnerID})
		if err != nil {
			return time.Time{}, err
		}
		if !ok {
			return time.Time{}, &usererr.InputError{Field: "owner", Message: "the owner is not a member of this workspace"}
		}
	}
	var zone string
	if err := tx.QueryRowContext(ctx, "SELECT time_zone FROM workspaces WHERE id = ?", workspaceID).Scan(&zone); err != nil {
		return time.Time{}, err
	}
	return endOfDay(q.ExpiresOn, zone), nil
}

// endOfDay is the first instant after the day (YYYY-MM-DD) in the named zone (UTC when
// the zone is unknown).
func endOfDay(day, zone string) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	d, _ := time.ParseInLocation(time.DateOnly, day, loc)
	return d.AddDate(0, 0, 1)
}

func insertLines(ctx context.Context, tx *sql.Tx, quoteID int64, lines []Line) error {
	for i, l := range lines {
		_, err := tx.ExecContext(ctx, `INSERT INTO quote_lines (quote_id, position, name, description, quantity, unit_price,
			discount_percent, discount_amount, tax_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			quoteID, i, l.Name, l.Description, l.Quantity.String(), l.UnitPrice.String(), l.DiscountPercent.String(),
			l.DiscountAmount.String(), l.TaxRate.String())
		if err != nil {
			return fmt.Errorf("quote: save line %d: %w", i, err)
		}
	}
	return nil
}

func orEmpty(cs []Contact) []Contact {
	if cs == nil {
		return []Contact{}
	}
	return cs
}

// Get returns one quote of a workspace; another workspace's is ErrNotFound.
func (s *Store) Get(ctx context.Context, workspaceID, id int64) (Quote, error) {
	return getQuote(ctx, s.db.Read, workspaceID, "q.id = ?", id)
}

// ByNumber returns the workspace's quote with that number.
func (s *Store) ByNumber(ctx context.Context, workspaceID int64, number string) (Quote, error) {
	return getQuote(ctx, s.db.Read, workspaceID, "q.number = ?", number)
}

// querier is a pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const quoteColumns = `q.id, q.workspace_id, q.number, q.title, q.buyer_company, q.buyer_contacts, COALESCE(q.owner_id, 0),
	q.currency, q.payment_terms, q.delivery_terms, q.notes, q.expires_on, q.expires_at, q.status, q.link_version,
	COALESCE(q.published_at, 0), COALESCE(q.accepted_at, 0), COALESCE(q.withdrawn_at, 0), q.created_at, q.updated_at`

// getQuote reads one quote of the workspace matching where (a condition on q with one
// argument), with its lines.
func getQuote(ctx context.Context, db querier, workspaceID int64, where string, arg any) (Quote, error) {
	var q Quote
	var contacts string
	var expires, published, accepted, withdrawn, created, updated int64
	err := db.QueryRowContext(ctx, "SELECT "+quoteColumns+" FROM quotes q WHERE q.workspace_id = ? AND "+where, workspaceID, arg).Scan(
		&q.ID, &q.WorkspaceID, &q.Number, &q.Title, &q.BuyerCompany, &contacts, &q.OwnerID, &q.Currency, &q.PaymentTerms,
		&q.DeliveryTerms, &q.Notes, &q.ExpiresOn, &expires, &q.Status, &q.LinkVersion, &published, &accepted, &withdrawn,
		&created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Quote{}, ErrNotFound
	}
	if err != nil {
		return Quote{}, fmt.Errorf("quote: get: %w", err)
	}
	if err := json.Unmarshal([]byte(contacts), &q.Contacts); err != nil {
		return Quote{}, fmt.Errorf("quote: get %d: contacts: %w", q.ID, err)
	}
	q.ExpiresAt = time.Unix(expires, 0)
	q.PublishedAt, q.AcceptedAt, q.WithdrawnAt = store.TimeOrZero(published), store.TimeOrZero(accepted), store.TimeOrZero(withdrawn)
	q.CreatedAt, q.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	rows, err := db.QueryContext(ctx, `SELECT name, description, quantity, unit_price, discount_percent, discount_amount, tax_rate
		FROM quote_lines WHERE quote_id = ? ORDER BY position`, q.ID)
	if err != nil {
		return Quote{}, fmt.Errorf("quote: get lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		var qty, price, pct, amount, rate string
		if err := rows.Scan(&l.Name, &l.Description, &qty, &price, &pct, &amount, &rate); err != nil {
			return Quote{}, fmt.Errorf("quote: get lines: %w", err)
		}
		l.Quantity, l.UnitPrice = decimal.RequireFromString(qty), decimal.RequireFromString(price)
		l.DiscountPercent, l.DiscountAmount = decimal.RequireFromString(pct), decimal.RequireFromString(amount)
		l.TaxRate = decimal.RequireFromString(rate)
		q.Lines = append(q.Lines, l)
	}
	return q, wrap("get lines", rows.Err())
}

// Summary is a quote as lists show it.
type Summary struct {
	ID            int64
	Number        string
	Title         string
	BuyerCompany  string
	OwnerID       int64
	Currency      string
	Total         string // fixed to the currency's decimals
	Status        Status // stored
	ExpiresOn     string // YYYY-MM-DD
	ExpiresAt     time.Time
	UpdatedAt     time.Time
	Views         int
	Conversations int
}

// TotalText is the total for people: "12,400.00 EUR".
func (s Summary) TotalText() string {
	d, err := decimal.NewFromString(s.Total)
	if err != nil {
		return s.Total + " " + s.Currency
	}
	scale, _ := Scale(s.Currency)
	return Format(d, scale, s.Currency)
}

// State is the summary's status at now (see Quote.State).
func (s Summary) State(now time.Time) Status {
	return Quote{Status: s.Status, ExpiresAt: s.ExpiresAt}.State(now)
}

// List returns the workspace's quotes, the last changed first.
func (s *Store) List(ctx context.Context, workspaceID int64) ([]Summary, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT q.id, q.number, q.title, q.buyer_company, COALESCE(q.owner_id, 0), q.currency,
		q.total, q.status, q.expires_on, q.expires_at, q.updated_at,
		(SELECT COUNT(*) FROM quote_views v WHERE v.quote_id = q.id),
		(SELECT COUNT(*) FROM conversations c WHERE c.quote_id = q.id AND c.pending = 0)
		FROM quotes q WHERE q.workspace_id = ? ORDER BY q.updated_at DESC, q.id DESC`, workspaceID)
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

// Publish makes a draft or withdrawn quote's public page live. A quote past its expiry
// date or without lines is refused.
func (s *Store) Publish(ctx context.Context, workspaceID, id int64) (Quote, error) {
	return s.transition(ctx, workspaceID, id, func(q Quote, now time.Time) (string, error) {
		switch {
		case q.Status == Accepted:
			return "", ErrAccepted
		case q.Status == Published && q.State(now) == Published:
			return "", nil // already live
		case !now.Before(q.ExpiresAt):
			return "", ErrPastExpiry
		case len(q.Lines) == 0:
			return "", ErrNoLines
		}
		return "status = 'published', published_at = ?1", nil
	})
}

// Withdraw takes a published quote's page down for good: its link stops working, and a
// later Publish gives the quote a new one.
func (s *Store) Withdraw(ctx context.Context, workspaceID, id int64) (Quote, error) {
	return s.transition(ctx, workspaceID, id, func(q Quote, now time.Time) (string, error) {
		if q.Status != Published {
			return "", ErrNotWithdrawable
		}
		return "status = 'withdrawn', withdrawn_at = ?1, link_version = link_version + 1", nil
	})
}

// Accept marks a published quote accepted by the buyer (also after its expiry date, when
// the seller agrees to hold it). Its page stays up; its content can no longer change.
func (s *Store) Accept(ctx context.Context, workspaceID, id int64) (Quote, error) {
	return s.transition(ctx, workspaceID, id, func(q Quote, now time.Time) (string, error) {
		switch q.Status {
		case Accepted:
			return "", nil
		case Published:
			return "status = 'accepted', accepted_at = ?1", nil
		}
		return "", ErrNotPublished
	})
}

// transition changes a quote's status in one transaction: decide says which columns to
// set (?1 is now), "" for no change, or why not.
func (s *Store) transition(ctx context.Context, workspaceID, id int64, decide func(Quote, time.Time) (string, error)) (Quote, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		q, err := getQuote(ctx, tx, workspaceID, "q.id = ?", id)
		if err != nil {
			return err
		}
		now := s.now()
		set, err := decide(q, now)
		if err != nil || set == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE quotes SET "+set+", updated_at = ?1 WHERE id = ?2", now.Unix(), id)
		return err
	})
	if err != nil {
		return Quote{}, wrap("change status", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// wrap adds context to database errors and lets errors meant for people through as they are.
func wrap(what string, err error) error {
	var ue usererr.Error
	var ie *usererr.InputError
	if err == nil || errors.As(err, &ue) || errors.As(err, &ie) {
		return err
	}
	return fmt.Errorf("quote: %s: %w", what, err)
}
