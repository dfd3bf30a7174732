// Package closing is the closing agent: one per workspace, set up by the install's super
// admins, that answers buyers on a quote's public page. It quotes the quote's own fields
// exactly (prices, totals, discounts, expiry, terms), answers everything else from its
// chosen knowledge through the answer engine's decision, and hands off to the quote's
// owner, else the chosen teams, through a chat inbox.
package closing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/agent"
	"agent/app/attach"
	"agent/app/channel"
	"agent/app/store"
	"agent/app/usererr"
)

// Settings are a workspace's closing agent.
type Settings struct {
	WorkspaceID    int64
	Name           string
	HasAvatar      bool
	InboxChannelID int64   // the chat inbox handed-off conversations land in
	ToOwner        bool    // hand off to the quote's owner first
	TeamIDs        []int64 // then to these teams' members
	SourceIDs      []int64 // the knowledge it answers from
	// UnavailableOne is said when the owner (or a first team) is not available and someone
	// else takes over; UnavailableAll when no one is. Empty: the default phrase in the
	// buyer's language.
	UnavailableOne string
	UnavailableAll string
	Welcome        string
	FirstAction    string
	QuickReplies   []string
	Trust          agent.Trust
	Active         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Input is what a super admin submits to create or change the closing agent.
type Input struct {
	Name           string
	InboxChannelID int64
	NewInbox       string // the name of a new chat inbox to create, instead of InboxChannelID
	ToOwner        bool
	TeamIDs        []int64
	SourceIDs      []int64
	UnavailableOne string
	UnavailableAll string
	Welcome        string
	FirstAction    string
	QuickReplies   []string
	Trust          agent.Trust
}

// Limits on the settings.
const (
	maxName         = 80
	maxMessage      = 1000
	maxQuickReplies = 5
	maxQuickReply   = 80
	// MaxAvatar is the largest avatar image accepted.
	MaxAvatar = 512 << 10
)

// Errors callers tell apart with errors.Is.
const (
	ErrNotFound  = usererr.Error("the closing agent is not set up")
	ErrForbidden = usererr.Error("only the install's super admins can configure the closing agent")
)

func inputError(field, msg string) error { return &usererr.InputError{Field: field, Message: msg} }

// Store reads and changes the closing agents of every workspace.
type Store struct {
	db       *store.DB
	channels *channel.Store
	now      func() time.Time
}

// NewStore returns a Store over db; channels creates a new handoff inbox when asked to.
func NewStore(db *store.DB, channels *channel.Store) *Store {
	return &Store{db: db, channels: channels, now: time.Now}
}

func (in *Input) check() error {
	in.Name = strings.TrimSpace(in.Name)
	in.NewInbox = strings.TrimSpace(in.NewInbox)
	switch {
	case in.Name == "":
		return inputError("name", "the closing agent needs a name")
	case utf8.RuneCountInString(in.Name) > maxName:
		return inputError("name", fmt.Sprintf("keep the name under %d characters", maxName))
	case in.InboxChannelID == 0 && in.NewInbox == "":
		return inputError("inbox", "choose the inbox handed-off conversations land in, or name a new one")
	case len(in.SourceIDs) == 0:
		return inputError("sources", "choose at least one knowledge source")
	case !in.ToOwner && len(in.TeamIDs) == 0:
		return inputError("handoff", "hand off to the quote's owner, to teams, or both")
	}
	for _, m := range []struct {
		field string
		text  *string
	}{{"unavailable_one", &in.UnavailableOne}, {"unavailable_all", &in.UnavailableAll}, {"welcome", &in.Welcome}, {"first_action", &in.FirstAction}} {
		*m.text = strings.TrimSpace(*m.text)
		if utf8.RuneCountInString(*m.text) > maxMessage {
			return inputError(m.field, fmt.Sprintf("keep the message under %d characters", maxMessage))
		}
	}
	var replies []string
	for _, r := range in.QuickReplies {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if utf8.RuneCountInString(r) > maxQuickReply {
			return inputError("quick_replies", fmt.Sprintf("keep each quick reply under %d characters", maxQuickReply))
		}
		replies = append(replies, r)
	}
	if len(replies) > maxQuickReplies {
		return inputError("quick_replies", fmt.Sprintf("offer at most %d quick replies", maxQuickReplies))
	}
	in.QuickReplies = replies
	if in.Trust == "" {
		in.Trust = agent.TrustBalanced
	}
	for _, t := range agent.Trusts {
		if t == in.Trust {
			return nil
		}
	}
	return inputError("trust", "choose how sure the agent must be to answer")
}

// Get returns the workspace's closing agent; ErrNotFound when none was created.
func (s *Store) Get(ctx context.Context, workspaceID int64) (Settings, error) {
	var st Settings
	var quick string
	var created, updated int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT workspace_id, name, avatar IS NOT NULL, COALESCE(inbox_channel_id, 0), to_owner,
		unavailable_one, unavailable_all, welcome, first_action, quick_replies, trust, active, created_at, updated_at
		FROM closing_agents WHERE workspace_id = ?`, workspaceID).Scan(&st.WorkspaceID, &st.Name, &st.HasAvatar, &st.InboxChannelID,
		&st.ToOwner, &st.UnavailableOne, &st.UnavailableAll, &st.Welcome, &st.FirstAction, &quick, &st.Trust, &st.Active, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, ErrNotFound
	}
	if err != nil {
		return Settings{}, fmt.Errorf("closing: get: %w", err)
	}
	st.CreatedAt, st.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	if err := json.Unmarshal([]byte(quick), &st.QuickReplies); err != nil {
		return Settings{}, fmt.Errorf("closing: quick replies: %w", err)
	}
	if st.SourceIDs, err = s.ids(ctx, "SELECT source_id FROM closing_agent_sources WHERE workspace_id = ? ORDER BY source_id", workspaceID); err != nil {
		return Settings{}, err
	}
	st.TeamIDs, err = s.ids(ctx, "SELECT team_id FROM closing_agent_teams WHERE workspace_id = ? ORDER BY team_id", workspaceID)
	return st, err
}

func (s *Store) ids(ctx context.Context, q string, workspaceID int64) ([]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("closing: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("closing: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Save creates or changes the workspace's closing agent for actor, who must be one of the
// install's super admins (ErrForbidden otherwise: the check is here as well as on the
// route, so no other caller skips it). A new inbox is created as a chat channel without
// an AI of its own. A new closing agent starts deactivated.
func (s *Store) Save(ctx context.Context, actor Actor, workspaceID int64, in Input) (Settings, error) {
	if !actor.SuperAdmin {
		return Settings{}, ErrForbidden
	}
	if err := in.check(); err != nil {
		return Settings{}, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, c := range []struct {
			table, field string
			ids          []int64
		}{{"sources", "sources", in.SourceIDs}, {"teams", "teams", in.TeamIDs}} {
			ok, err := store.InWorkspace(ctx, tx, c.table, "id", workspaceID, c.ids)
			if err != nil {
				return err
			}
			if !ok {
				return inputError(c.field, "one of the chosen "+c.field+" is not in this workspace; reload the page and choose again")
			}
		}
		if in.NewInbox == "" {
			var kind string
			err := tx.QueryRowContext(ctx, "SELECT kind FROM channels WHERE id = ? AND workspace_id = ?", in.InboxChannelID, workspaceID).Scan(&kind)
			if errors.Is(err, sql.ErrNoRows) || err == nil && kind != string(channel.Chat) {
				return inputError("inbox", "choose one of this workspace's chat inboxes")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return Settings{}, fmt.Errorf("closing: save: %w", err)
	}
	if in.NewInbox != "" {
		ch, err := s.channels.Create(ctx, workspaceID, channel.Input{Kind: channel.Chat, Name: in.NewInbox, Handoff: channel.Unassigned, Active: true})
		if err != nil {
			return Settings{}, err
		}
		in.InboxChannelID = ch.ID
	}
	quick, err := json.Marshal(append([]string{}, in.QuickReplies...))
	if err != nil {
		return Settings{}, err
	}
	now := s.now().Unix()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO closing_agents (workspace_id, name, inbox_channel_id, to_owner, unavailable_one,
			unavailable_all, welcome, first_action, quick_replies, trust, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET name = excluded.name, inbox_channel_id = excluded.inbox_channel_id,
				to_owner = excluded.to_owner, unavailable_one = excluded.unavailable_one, unavailable_all = excluded.unavailable_all,
				welcome = excluded.welcome, first_action = excluded.first_action, quick_replies = excluded.quick_replies,
				trust = excluded.trust, updated_at = excluded.updated_at`,
			workspaceID, in.Name, in.InboxChannelID, in.ToOwner, in.UnavailableOne, in.UnavailableAll, in.Welcome, in.FirstAction,
			string(quick), in.Trust, store.NullID(actor.ID), now, now); err != nil {
			return err
		}
		for _, q := range []struct {
			table, column string
			ids           []int64
		}{{"closing_agent_sources", "source_id", in.SourceIDs}, {"closing_agent_teams", "team_id", in.TeamIDs}} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+q.table+" WHERE workspace_id = ?", workspaceID); err != nil {
				return err
			}
			for _, id := range q.ids {
				if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO "+q.table+" (workspace_id, "+q.column+") VALUES (?, ?)", workspaceID, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Settings{}, fmt.Errorf("closing: save: %w", err)
	}
	return s.Get(ctx, workspaceID)
}

// Actor is who asks for a change: only super admins may make one.
type Actor struct {
	ID         int64
	SuperAdmin bool
}

// SetActive activates or deactivates the closing agent. Activating checks that it still
// has knowledge to answer from and an inbox to hand off to (a source or the inbox may
// have been removed since it was saved).
func (s *Store) SetActive(ctx context.Context, actor Actor, workspaceID int64, on bool) error {
	if !actor.SuperAdmin {
		return ErrForbidden
	}
	st, err := s.Get(ctx, workspaceID)
	if err != nil {
		return err
	}
	if on && len(st.SourceIDs) == 0 {
		return inputError("sources", "choose at least one knowledge source before activating")
	}
	if on && st.InboxChannelID == 0 {
		return inputError("inbox", "choose an inbox before activating")
	}
	_, err = s.db.Write.ExecContext(ctx, "UPDATE closing_agents SET active = ?, updated_at = ? WHERE workspace_id = ?", on, s.now().Unix(), workspaceID)
	if err != nil {
		return fmt.Errorf("closing: set active: %w", err)
	}
	return nil
}

// SetAvatar stores an uploaded image as the agent's avatar. What it is comes from its
// bytes (attach.TypeOf), never from the upload's name or header: only an image every
// browser shows safely is taken.
func (s *Store) SetAvatar(ctx context.Context, actor Actor, workspaceID int64, img []byte) error {
	if !actor.SuperAdmin {
		return ErrForbidden
	}
	switch ct := attach.TypeOf(img, ""); {
	case len(img) == 0:
		return inputError("avatar", "the image is empty")
	case len(img) > MaxAvatar:
		return inputError("avatar", fmt.Sprintf("the image is larger than %d KB", MaxAvatar>>10))
	case !attach.Viewable(ct):
		return inputError("avatar", "use a PNG, JPEG, GIF or WebP image")
	default:
		res, err := s.db.Write.ExecContext(ctx, "UPDATE closing_agents SET avatar = ?, avatar_type = ?, updated_at = ? WHERE workspace_id = ?",
			img, ct, s.now().Unix(), workspaceID)
		if err != nil {
			return fmt.Errorf("closing: avatar: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	}
}

// Avatar returns the avatar image and its type; ErrNotFound when there is none.
func (s *Store) Avatar(ctx context.Context, workspaceID int64) ([]byte, string, error) {
	var img []byte
	var ct string
	err := s.db.Read.QueryRowContext(ctx, "SELECT avatar, avatar_type FROM closing_agents WHERE workspace_id = ? AND avatar IS NOT NULL",
		workspaceID).Scan(&img, &ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("closing: avatar: %w", err)
	}
	return img, ct, nil
}
