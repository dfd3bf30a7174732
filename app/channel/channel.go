// Package channel holds the ways customers reach a workspace (the chat widget now; email,
// WhatsApp and Messenger later), each with the AI agent that answers it and the rules for
// handing its conversations to people.
package channel

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/store"
	"agent/app/usererr"
)

// Kind is how customers reach the business.
type Kind string

// The kinds of channel.
const (
	Chat      Kind = "chat"
	Email     Kind = "email"
	WhatsApp  Kind = "whatsapp"
	Messenger Kind = "messenger"
)

// HandoffMode is what happens when the AI hands a conversation off.
type HandoffMode string

// The handoff modes.
const (
	// Assign gives the conversation to one of the chosen users or team members who is
	// online with free capacity (round robin); with none available it waits in Unassigned.
	Assign HandoffMode = "assign"
	// Unassigned puts the conversation in Unassigned for anyone to take.
	Unassigned HandoffMode = "unassigned"
	// Stay keeps the AI on the conversation: it sends the unavailable message instead.
	Stay HandoffMode = "stay"
)

// Channel is one way in for customers, with its AI agent and handoff rules.
type Channel struct {
	ID             int64
	WorkspaceID    int64
	Kind           Kind
	Name           string
	AgentID        int64 // 0: no AI, conversations go straight to people
	PublicKey      string
	AllowedOrigins []string // sites that may embed the widget; empty allows any
	Welcome        string
	QuickReplies   []string
	Handoff        HandoffMode
	HandoffUsers   []int64
	HandoffTeams   []int64
	// HandoffMessage replaces the AI's words when it hands off; UnavailableMessage is sent
	// when no one can take over. Empty: the agent's phrases, in the customer's language.
	HandoffMessage     string
	UnavailableMessage string
	ShowHuman          bool          // the widget header shows the assigned person
	CloseAfter         time.Duration // a conversation without activity this long is closed
	Active             bool
	Widget             WidgetSettings // the chat widget's look, pre-chat questions and greetings per language
	// IdentitySecret signs the host site's identity tokens (VerifyIdentity); only people
	// who manage channels see it.
	IdentitySecret string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// AllowsOrigin reports whether a page at origin (scheme://host[:port]) may use the widget.
func (c Channel) AllowsOrigin(origin string) bool {
	if len(c.AllowedOrigins) == 0 {
		return true
	}
	o := strings.ToLower(strings.TrimRight(origin, "/"))
	for _, a := range c.AllowedOrigins {
		if o == a {
			return true
		}
	}
	return false
}

// Input is what a person submits to create or change a channel.
type Input struct {
	Kind               Kind
	Name               string
	AgentID            int64
	AllowedOrigins     []string
	Welcome            string
	QuickReplies       []string
	Handoff            HandoffMode
	HandoffUsers       []int64
	HandoffTeams       []int64
	HandoffMessage     string
	UnavailableMessage string
	ShowHuman          bool
	CloseAfter         time.Duration // 0: the kind's DefaultRules (a day for chat, 72 hours for email)
	Active             bool
	Widget             WidgetSettings
}

// Error is a failure fit to show to a person as it is.
type Error = usererr.Error

// Errors callers tell apart with errors.Is.
const ErrNotFound = Error("not found")

func inputError(field, msg string) error { return &usererr.InputError{Field: field, Message: msg} }

// Store reads and changes channels.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

func (in *Input) check() error {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return inputError("name", "a channel needs a name")
	case utf8.RuneCountInString(in.Name) > 80:
		return inputError("name", "keep the name under 80 characters")
	}
	switch in.Kind {
	case Chat, Email, WhatsApp, Messenger:
	default:
		return inputError("kind", "choose a kind of channel")
	}
	switch in.Handoff {
	case "":
		in.Handoff = Assign
	case Assign, Unassigned, Stay:
	default:
		return inputError("handoff", "choose what happens on handoff")
	}
	var origins []string
	for _, o := range in.AllowedOrigins {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		norm, err := normalizeOrigin(o)
		if err != nil {
			return inputError("origins", err.Error())
		}
		origins = append(origins, norm)
	}
	in.AllowedOrigins = origins
	quick, err := checkQuickReplies("quick_replies", in.QuickReplies)
	if err != nil {
		return err
	}
	in.QuickReplies = quick
	if err := in.Widget.check(); err != nil {
		return err
	}
	for field, s := range map[string]string{"welcome": in.Welcome, "handoff_message": in.HandoffMessage, "unavailable_message": in.UnavailableMessage} {
		if utf8.RuneCountInString(s) > 1000 {
			return inputError(field, "keep it under 1000 characters")
		}
	}
	if in.CloseAfter == 0 {
		in.CloseAfter = DefaultRules[in.Kind].CloseAfter
	}
	if in.CloseAfter < time.Hour || in.CloseAfter > 30*24*time.Hour {
		return inputError("close_after", "choose between 1 hour and 30 days")
	}
	return nil
}

// normalizeOrigin turns "https://Shop.example/" into "https://shop.example", refusing
// anything that is not a bare http(s) origin.
func normalizeOrigin(o string) (string, error) {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", fmt.Errorf("%q is not a site address such as https://shop.example", o)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

const channelColumns = `id, workspace_id, kind, name, COALESCE(agent_id, 0), public_key, allowed_origins, welcome, quick_replies,
	handoff_mode, handoff_message, unavailable_message, show_human, close_after, active, widget, identity_secret, created_at, updated_at`

func scanChannel(row interface{ Scan(...any) error }) (Channel, error) {
	var c Channel
	var origins, quick, widget string
	var closeAfter, created, updated int64
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.Kind, &c.Name, &c.AgentID, &c.PublicKey, &origins, &c.Welcome, &quick,
		&c.Handoff, &c.HandoffMessage, &c.UnavailableMessage, &c.ShowHuman, &closeAfter, &c.Active, &widget, &c.IdentitySecret, &created, &updated)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(origins), &c.AllowedOrigins); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(quick), &c.QuickReplies); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(widget), &c.Widget); err != nil {
		return c, err
	}
	c.CloseAfter = time.Duration(closeAfter) * time.Second
	c.CreatedAt, c.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	return c, nil
}

// List returns a workspace's channels by name.
func (s *Store) List(ctx context.Context, workspaceID int64) ([]Channel, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT "+channelColumns+" FROM channels WHERE workspace_id = ? ORDER BY name, id", workspaceID)
	if err != nil {
		return nil, fmt.Errorf("channel: list: %w", err)
	}
	var cs []Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("channel: list: %w", err)
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("channel: list: %w", err)
	}
	for i := range cs {
		if err := s.loadTargets(ctx, &cs[i]); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// Get returns one channel of a workspace; a channel of another workspace is ErrNotFound.
func (s *Store) Get(ctx context.Context, workspaceID, id int64) (Channel, error) {
	return s.one(ctx, "id = ? AND workspace_id = ?", id, workspaceID)
}

// ByPublicKey returns the channel a widget snippet names.
func (s *Store) ByPublicKey(ctx context.Context, key string) (Channel, error) {
	if key == "" {
		return Channel{}, ErrNotFound
	}
	return s.one(ctx, "public_key = ?", key)
}

// ByID returns a channel whatever its workspace, for work done on behalf of a conversation.
func (s *Store) ByID(ctx context.Context, id int64) (Channel, error) {
	return s.one(ctx, "id = ?", id)
}

func (s *Store) one(ctx context.Context, where string, args ...any) (Channel, error) {
	c, err := scanChannel(s.db.Read.QueryRowContext(ctx, "SELECT "+channelColumns+" FROM channels WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, ErrNotFound
	}
	if err != nil {
		return Channel{}, fmt.Errorf("channel: get: %w", err)
	}
	return c, s.loadTargets(ctx, &c)
}

func (s *Store) loadTargets(ctx context.Context, c *Channel) error {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT COALESCE(user_id, 0), COALESCE(team_id, 0) FROM channel_handoff_targets WHERE channel_id = ? ORDER BY user_id, team_id", c.ID)
	if err != nil {
		return fmt.Errorf("channel: handoff targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, t int64
		if err := rows.Scan(&u, &t); err != nil {
			return fmt.Errorf("channel: handoff targets: %w", err)
		}
		if u != 0 {
			c.HandoffUsers = append(c.HandoffUsers, u)
		} else {
			c.HandoffTeams = append(c.HandoffTeams, t)
		}
	}
	return rows.Err()
}

// Create adds a channel with a fresh public key.
func (s *Store) Create(ctx context.Context, workspaceID int64, in Input) (Channel, error) {
	return s.put(ctx, workspaceID, 0, in)
}

// Update changes a channel; its public key stays, so installed snippets keep working.
func (s *Store) Update(ctx context.Context, workspaceID, id int64, in Input) (Channel, error) {
	if _, err := s.Get(ctx, workspaceID, id); err != nil {
		return Channel{}, err
	}
	return s.put(ctx, workspaceID, id, in)
}

func (s *Store) put(ctx context.Context, workspaceID, id int64, in Input) (Channel, error) {
	if err := in.check(); err != nil {
		return Channel{}, err
	}
	origins, _ := json.Marshal(append([]string{}, in.AllowedOrigins...))
	quick, _ := json.Marshal(append([]string{}, in.QuickReplies...))
	widget, _ := json.Marshal(in.Widget)
	now := s.now().Unix()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkTargets(ctx, tx, workspaceID, in); err != nil {
			return err
		}
		if in.AgentID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM agents WHERE id = ? AND workspace_id = ?", in.AgentID, workspaceID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return inputError("agent", "choose one of this workspace's agents")
			}
		}
		agent := any(nil)
		if in.AgentID != 0 {
			agent = in.AgentID
		}
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO channels (workspace_id, kind, name, agent_id, public_key, allowed_origins, welcome,
				quick_replies, handoff_mode, handoff_message, unavailable_message, show_human, close_after, active, widget, identity_secret,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				workspaceID, in.Kind, in.Name, agent, newKey(), string(origins), in.Welcome, string(quick), in.Handoff,
				in.HandoffMessage, in.UnavailableMessage, in.ShowHuman, int64(in.CloseAfter/time.Second), in.Active, string(widget), newSecret(), now, now)
			if err != nil {
				return err
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE channels SET kind = ?, name = ?, agent_id = ?, allowed_origins = ?, welcome = ?,
			quick_replies = ?, handoff_mode = ?, handoff_message = ?, unavailable_message = ?, show_human = ?, close_after = ?, active = ?,
			widget = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
			in.Kind, in.Name, agent, string(origins), in.Welcome, string(quick), in.Handoff, in.HandoffMessage, in.UnavailableMessage,
			in.ShowHuman, int64(in.CloseAfter/time.Second), in.Active, string(widget), now, id, workspaceID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM channel_handoff_targets WHERE channel_id = ?", id); err != nil {
			return err
		}
		for _, u := range in.HandoffUsers {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO channel_handoff_targets (channel_id, user_id) VALUES (?, ?)", id, u); err != nil {
				return err
			}
		}
		for _, t := range in.HandoffTeams {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO channel_handoff_targets (channel_id, team_id) VALUES (?, ?)", id, t); err != nil {
				return err
			}
		}
		return nil
	})
	var ie *usererr.InputError
	switch {
	case errors.As(err, &ie):
		return Channel{}, err
	case store.IsUniqueViolation(err):
		return Channel{}, inputError("name", "another channel already has this name")
	case err != nil:
		return Channel{}, fmt.Errorf("channel: save: %w", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// checkTargets refuses handoff targets that are not the workspace's own people and teams.
func checkTargets(ctx context.Context, tx *sql.Tx, workspaceID int64, in Input) error {
	ok, err := store.InWorkspace(ctx, tx, "memberships", "user_id", workspaceID, in.HandoffUsers)
	if err != nil {
		return err
	}
	if !ok {
		return inputError("handoff", "one of the chosen people is not in this workspace; reload the page and choose again")
	}
	ok, err = store.InWorkspace(ctx, tx, "teams", "id", workspaceID, in.HandoffTeams)
	if err != nil {
		return err
	}
	if !ok {
		return inputError("handoff", "one of the chosen teams is not in this workspace; reload the page and choose again")
	}
	return nil
}

// Delete removes a channel; its conversations stay, without it.
func (s *Store) Delete(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, "DELETE FROM channels WHERE id = ? AND workspace_id = ?", id, workspaceID)
	if err != nil {
		return fmt.Errorf("channel: delete: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RotateSecret gives a channel a new identity secret: tokens signed with the old one are
// refused from now on.
func (s *Store) RotateSecret(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, "UPDATE channels SET identity_secret = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
		newSecret(), s.now().Unix(), id, workspaceID)
	if err != nil {
		return fmt.Errorf("channel: rotate secret: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// newKey is a channel's public key: random, URL-safe, unguessable enough that keys of other
// workspaces cannot be enumerated.
func newKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "ch_" + base64.RawURLEncoding.EncodeToString(b)
}
