// Package webhook sends a workspace's events to the URLs it subscribed: each delivery a
// signed JSON POST, retried for a day through the job runner, with a log of every attempt.
//
// Events are recorded where their facts are written, in the same transaction: the inbox's
// by triggers on its tables (embed/migrations), others by Record. A job then writes the
// event's payload once and queues one delivery per subscription.
package webhook

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"agent/app/fetch"
	"agent/app/jobs"
	"agent/app/store"
	"agent/app/usererr"
)

// Type names a kind of event, as receivers see it in the payload and the headers.
type Type string

// The event types. The inbox's are recorded by triggers, which name them too.
const (
	ConversationCreated Type = "conversation.created"
	MessageCustomer     Type = "message.customer" // a customer's message
	MessageAI           Type = "message.ai"       // the AI's reply
	MessageHuman        Type = "message.human"    // a person's reply
	Handoff             Type = "conversation.handoff"
	ConversationClosed  Type = "conversation.closed"
	ResolutionEvaluated Type = "resolution.evaluated" // the report's ledger froze a conversation's outcome
	FeedbackGiven       Type = "feedback.given"
	KnowledgeGapCreated Type = "knowledge_gap.created"
	// Ping is the test event a person sends from Settings; no subscription chooses it.
	Ping Type = "ping"
)

// Types lists the event types a subscription may choose, in the order Settings shows them.
var Types = []Type{ConversationCreated, MessageCustomer, MessageAI, MessageHuman, Handoff, ConversationClosed,
	ResolutionEvaluated, FeedbackGiven, KnowledgeGapCreated}

// Describe says in words what an event type announces.
func Describe(t Type) string {
	switch t {
	case ConversationCreated:
		return "A conversation starts"
	case MessageCustomer:
		return "A customer writes"
	case MessageAI:
		return "The AI replies"
	case MessageHuman:
		return "A person replies"
	case Handoff:
		return "A conversation is handed to people"
	case ConversationClosed:
		return "A conversation is closed"
	case ResolutionEvaluated:
		return "A conversation's outcome is settled for the report"
	case FeedbackGiven:
		return "A customer rates an AI reply"
	case KnowledgeGapCreated:
		return "A question the knowledge does not answer is noted"
	case Ping:
		return "A test sent from Settings"
	}
	return string(t)
}

// Errors a person can act on.
const (
	ErrNotFound  = usererr.Error("webhook not found")
	ErrNoEvents  = usererr.Error("choose at least one event")
	ErrBadURL    = usererr.Error("the URL must be an absolute http:// or https:// URL without a user name or password")
	ErrUnknown   = usererr.Error("unknown event type")
	ErrTooMany   = usererr.Error("a workspace has at most 20 webhooks")
	maxPerSpace  = 20
	maxURLLength = 2000
)

// Subscription is a URL that receives some of a workspace's events.
type Subscription struct {
	ID          int64
	WorkspaceID int64
	URL         string
	Secret      string
	Events      []Type
	Active      bool
	CreatedAt   time.Time
	// PausedAt is when the product paused it for failing deliveries (zero when not), and
	// PausedReason why, in words (pause.go).
	PausedAt     time.Time
	PausedReason string
}

// Wants reports whether the subscription chose t.
func (s Subscription) Wants(t Type) bool { return slices.Contains(s.Events, t) }

// Store keeps the subscriptions and their delivery log.
type Store struct {
	db    *store.DB
	now   func() time.Time
	guard *fetch.Client // the address policy, for what a URL shows before DNS
}

// NewStore returns a Store over db; allowPrivate is webhooks.allow_private_urls.
func NewStore(db *store.DB, allowPrivate bool) *Store {
	return &Store{db: db, now: time.Now, guard: fetch.New(fetch.Options{AllowPrivate: allowPrivate, Setting: SettingAllowPrivate})}
}

// SetClock replaces the clock, for tests.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// CheckURL reports whether raw is a URL deliveries can be sent to (its address is checked
// when sending, after DNS).
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(raw) > maxURLLength {
		return nil, ErrBadURL
	}
	return u, nil
}

// ErrPrivate refuses a URL on a private or local network, for the admin to see at once
// (one whose name resolves there is refused when it is sent).
var ErrPrivate = &usererr.InputError{Field: "url", Message: "this address is on a private or local network; webhooks are sent to public addresses only, unless the server's setting " + SettingAllowPrivate + " allows others"}

// checkURL is CheckURL and the install's address policy.
func (s *Store) checkURL(raw string) (*url.URL, error) {
	u, err := CheckURL(raw)
	if err != nil {
		return nil, err
	}
	if err := s.guard.CheckHost(u); err != nil {
		if errors.Is(err, fetch.ErrBlocked) {
			return nil, ErrPrivate
		}
		return nil, ErrBadURL
	}
	return u, nil
}

// encodeTypes is the events column: each type between spaces, which the triggers search.
func encodeTypes(ts []Type) (string, error) {
	if len(ts) == 0 {
		return "", ErrNoEvents
	}
	var b strings.Builder
	b.WriteByte(' ')
	for _, t := range ts {
		if !slices.Contains(Types, t) {
			return "", fmt.Errorf("%w: %s", ErrUnknown, t)
		}
		b.WriteString(string(t) + " ")
	}
	return b.String(), nil
}

func decodeTypes(s string) []Type {
	var ts []Type
	for _, f := range strings.Fields(s) {
		ts = append(ts, Type(f))
	}
	return ts
}

// newSecret makes a subscription's signing secret: 32 random bytes.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// Create adds a subscription with a new secret.
func (s *Store) Create(ctx context.Context, workspaceID, byUserID int64, rawURL string, events []Type) (Subscription, error) {
	u, err := s.checkURL(rawURL)
	if err != nil {
		return Subscription{}, err
	}
	evs, err := encodeTypes(events)
	if err != nil {
		return Subscription{}, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM webhook_subscriptions WHERE workspace_id = ?", workspaceID).Scan(&n); err != nil {
			return err
		}
		if n >= maxPerSpace {
			return ErrTooMany
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_subscriptions (workspace_id, url, secret, events, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, workspaceID, u.String(), newSecret(), evs, store.NullID(byUserID), s.now().Unix())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		if errors.Is(err, ErrTooMany) {
			return Subscription{}, err
		}
		return Subscription{}, fmt.Errorf("webhook: create: %w", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// Update changes a subscription's URL, events and whether it is active.
func (s *Store) Update(ctx context.Context, workspaceID, id int64, rawURL string, events []Type, active bool) error {
	u, err := s.checkURL(rawURL)
	if err != nil {
		return err
	}
	evs, err := encodeTypes(events)
	if err != nil {
		return err
	}
	res, err := s.db.Write.ExecContext(ctx, "UPDATE webhook_subscriptions SET url = ?, events = ?, active = ? WHERE id = ? AND workspace_id = ?",
		u.String(), evs, active, id, workspaceID)
	return affected(res, err, "update")
}

// Delete removes a subscription and its log.
func (s *Store) Delete(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, "DELETE FROM webhook_subscriptions WHERE id = ? AND workspace_id = ?", id, workspaceID)
	return affected(res, err, "delete")
}

func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("webhook: %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const subscriptionColumns = "id, workspace_id, url, secret, events, active, created_at, COALESCE(paused_at, 0), paused_reason"

func scanSubscription(row interface{ Scan(...any) error }) (Subscription, error) {
	var sub Subscription
	var evs string
	var created, paused int64
	err := row.Scan(&sub.ID, &sub.WorkspaceID, &sub.URL, &sub.Secret, &evs, &sub.Active, &created, &paused, &sub.PausedReason)
	sub.Events, sub.CreatedAt, sub.PausedAt = decodeTypes(evs), time.Unix(created, 0), store.TimeOrZero(paused)
	return sub, err
}

// Get returns a subscription of a workspace; another workspace's is ErrNotFound.
func (s *Store) Get(ctx context.Context, workspaceID, id int64) (Subscription, error) {
	sub, err := scanSubscription(s.db.Read.QueryRowContext(ctx,
		"SELECT "+subscriptionColumns+" FROM webhook_subscriptions WHERE id = ? AND workspace_id = ?", id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, ErrNotFound
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("webhook: get: %w", err)
	}
	return sub, nil
}

// List returns a workspace's subscriptions, oldest first.
func (s *Store) List(ctx context.Context, workspaceID int64) ([]Subscription, error) {
	return s.list(ctx, "workspace_id = ?", workspaceID)
}

// list returns the subscriptions that match where, oldest first.
func (s *Store) list(ctx context.Context, where string, args ...any) ([]Subscription, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT "+subscriptionColumns+" FROM webhook_subscriptions WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("webhook: list: %w", err)
	}
	defer rows.Close()
	var subs []Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("webhook: list: %w", err)
		}
		subs = append(subs, sub)
	}
	return subs, rows.Err()
}

// Record notes that an event of type t about ref happened in a workspace, when an active
// subscription wants it, and schedules its dispatch. Call it in the transaction that
// writes the fact, so that the event exists if and only if the fact does. It does what
// the inbox's triggers do, for the facts kept outside the inbox.
func Record(ctx context.Context, db jobs.Execer, at time.Time, workspaceID int64, t Type, ref int64) error {
	res, err := db.ExecContext(ctx, `INSERT INTO webhook_events (workspace_id, type, ref_id, created_at)
		SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM webhook_subscriptions
			WHERE workspace_id = ?1 AND active = 1 AND instr(events, ' ' || ?2 || ' ') > 0)`, workspaceID, string(t), ref, at.Unix())
	if err != nil {
		return fmt.Errorf("webhook: record %s: %w", t, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("webhook: record %s: %w", t, err)
	}
	return jobs.Schedule(ctx, db, JobDispatch, at, dispatchJob{Event: id})
}
