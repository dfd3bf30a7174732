package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/store"
	"agent/app/usererr"
)

// Cause says why a conversation was handed off.
type Cause string

// The causes of a handoff.
const (
	CauseNoAnswer   Cause = "ai_could_not_answer"
	CauseVisitor    Cause = "visitor_asked"
	CauseRepeated   Cause = "repeated_answer"
	CauseAutomation Cause = "automation"
	CauseManual     Cause = "manual"
)

// CauseOf maps the engine's reason for a handoff to its recorded cause.
func CauseOf(r agent.Reason) Cause {
	switch r {
	case agent.ReasonHuman:
		return CauseVisitor
	case agent.ReasonRepeated:
		return CauseRepeated
	}
	return CauseNoAnswer
}

// Outcome is where a handoff left the conversation.
type Outcome string

// The outcomes of a handoff.
const (
	Assigned         Outcome = "assigned"   // to a person
	LeftUnassigned   Outcome = "unassigned" // waiting in Unassigned (or for a team)
	StayedWithTheBot Outcome = "stayed"     // the channel keeps the AI on it
)

// Handoff is one recorded transfer.
type Handoff struct {
	ID             int64
	ConversationID int64
	Cause          Cause
	Outcome        Outcome
	ToUserID       int64
	ToTeamID       int64
	ByUserID       int64
	CreatedAt      time.Time
}

// Presence is whether a person takes conversations now, and how many at most.
type Presence struct {
	UserID   int64
	Online   bool
	Capacity int
	Open     int // open conversations assigned to them
}

// Free reports whether they can take one more conversation.
func (p Presence) Free() bool { return p.Online && p.Open < p.Capacity }

// DefaultCapacity is how many open conversations a person takes until they say otherwise.
const DefaultCapacity = 5

// SetOnline records a person going online (true) or away.
func (s *Store) SetOnline(ctx context.Context, workspaceID, userID int64, online bool) error {
	status := "away"
	if online {
		status = "online"
	}
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO presence (workspace_id, user_id, status, capacity, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		workspaceID, userID, status, DefaultCapacity, s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: set presence: %w", err)
	}
	return nil
}

// SetCapacity sets how many open conversations a person takes at most (1–100).
func (s *Store) SetCapacity(ctx context.Context, workspaceID, userID int64, capacity int) error {
	if capacity < 1 || capacity > 100 {
		return &usererr.InputError{Field: "capacity", Message: "choose between 1 and 100"}
	}
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO presence (workspace_id, user_id, capacity, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET capacity = excluded.capacity, updated_at = excluded.updated_at`,
		workspaceID, userID, capacity, s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: set capacity: %w", err)
	}
	return nil
}

// PresenceOf returns a person's presence (away with the default capacity when never set).
func (s *Store) PresenceOf(ctx context.Context, workspaceID, userID int64) (Presence, error) {
	ps, err := s.Presences(ctx, workspaceID, []int64{userID})
	if err != nil {
		return Presence{}, err
	}
	return ps[0], nil
}

// Presences returns the presence of each person, in the order given.
func (s *Store) Presences(ctx context.Context, workspaceID int64, userIDs []int64) ([]Presence, error) {
	return s.presence(ctx, s.db.Read, workspaceID, userIDs)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sqlPresence reads the presence of each person of a JSON array of user ids (?3), or away
// with the default capacity (?1), and how many open conversations of the workspace (?2)
// they have: one query for the whole team rather than one per person.
const sqlPresence = `SELECT u.value, COALESCE(p.status, 'away'), COALESCE(p.capacity, ?1),
	(SELECT COUNT(*) FROM conversations c WHERE c.workspace_id = ?2 AND c.assignee_id = u.value AND c.status = 'open' AND c.preview = 0)
	FROM json_each(?3) u LEFT JOIN presence p ON p.workspace_id = ?2 AND p.user_id = u.value`

// presence returns the presence of each user, in the order given, with their open load.
func (s *Store) presence(ctx context.Context, q querier, workspaceID int64, userIDs []int64) ([]Presence, error) {
	out := make([]Presence, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	list, err := json.Marshal(userIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: presence: %w", err)
	}
	rows, err := q.QueryContext(ctx, sqlPresence, DefaultCapacity, workspaceID, string(list))
	if err != nil {
		return nil, fmt.Errorf("inbox: presence: %w", err)
	}
	defer rows.Close()
	of := make(map[int64]Presence, len(userIDs))
	for rows.Next() {
		var p Presence
		var status string
		if err := rows.Scan(&p.UserID, &status, &p.Capacity, &p.Open); err != nil {
			return nil, fmt.Errorf("inbox: presence: %w", err)
		}
		p.Online = status == "online"
		of[p.UserID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: presence: %w", err)
	}
	for i, id := range userIDs {
		out[i] = of[id]
	}
	return out, nil
}

// candidates are the people a channel hands off to: its users, and the members of its
// teams (with the team they came through), each once, users first.
func (s *Store) candidates(ctx context.Context, q querier, ch channel.Channel) (users []int64, teamOf map[int64]int64, err error) {
	teamOf = map[int64]int64{}
	seen := map[int64]bool{}
	for _, u := range ch.HandoffUsers {
		if !seen[u] {
			seen[u] = true
			users = append(users, u)
		}
	}
	for _, t := range ch.HandoffTeams {
		members, err := s.teamMembers(ctx, q, ch.WorkspaceID, t)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range members {
			if !seen[u] {
				seen[u] = true
				users = append(users, u)
				teamOf[u] = t
			}
		}
	}
	return users, teamOf, nil
}

// teamMembers are a team's enabled members of the workspace.
func (s *Store) teamMembers(ctx context.Context, q querier, workspaceID, team int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT tm.user_id FROM team_members tm JOIN memberships m ON m.user_id = tm.user_id
		AND m.workspace_id = ? JOIN users u ON u.id = tm.user_id AND u.disabled = 0 WHERE tm.team_id = ? ORDER BY tm.user_id`, workspaceID, team)
	if err != nil {
		return nil, fmt.Errorf("inbox: team members: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// route applies the channel's handoff rules to a conversation inside tx and records the
// handoff. Round robin: among the candidates online with free capacity, the one who was
// assigned a conversation longest ago (on a tie, the one with fewer open conversations).
func (s *Store) route(ctx context.Context, tx *sql.Tx, c Conversation, ch channel.Channel, cause Cause) (Handoff, error) {
	h := Handoff{ConversationID: c.ID, Cause: cause, CreatedAt: s.now()}
	switch ch.Handoff {
	case channel.Stay:
		h.Outcome = StayedWithTheBot
	case channel.Unassigned:
		h.Outcome = LeftUnassigned
	default:
		best, team, err := s.pick(ctx, tx, c.WorkspaceID, ch)
		if err != nil {
			return h, err
		}
		h.Outcome = LeftUnassigned
		if best != 0 {
			h.Outcome, h.ToUserID, h.ToTeamID = Assigned, best, team
		} else if len(ch.HandoffTeams) > 0 {
			h.ToTeamID = ch.HandoffTeams[0] // waits in the team's view
		}
	}
	if err := s.applyHandoff(ctx, tx, c, &h); err != nil {
		return h, err
	}
	return h, nil
}

// pick chooses, by round robin, the channel's candidate to assign a conversation to, and
// the team they came through; 0 when none is online with free capacity.
func (s *Store) pick(ctx context.Context, tx *sql.Tx, workspaceID int64, ch channel.Channel) (user, team int64, err error) {
	users, teamOf, err := s.candidates(ctx, tx, ch)
	if err != nil {
		return 0, 0, err
	}
	best, err := s.pickFree(ctx, tx, workspaceID, users)
	return best, teamOf[best], err
}

// without is users less one person.
func without(users []int64, not int64) []int64 {
	if not == 0 {
		return users
	}
	out := make([]int64, 0, len(users))
	for _, u := range users {
		if u != not {
			out = append(out, u)
		}
	}
	return out
}

// pickFree chooses among users the one to give a conversation to, round robin: among
// those online with free capacity, the one assigned a conversation longest ago (on a tie,
// the one with fewer open conversations); 0 when none is free.
func (s *Store) pickFree(ctx context.Context, tx *sql.Tx, workspaceID int64, users []int64) (int64, error) {
	ps, err := s.presence(ctx, tx, workspaceID, users)
	if err != nil {
		return 0, err
	}
	var best, bestAt int64
	bestOpen := 0
	for _, p := range ps {
		if !p.Free() {
			continue
		}
		var at int64
		if err := tx.QueryRowContext(ctx, "SELECT last_assigned_at FROM presence WHERE workspace_id = ? AND user_id = ?", workspaceID, p.UserID).Scan(&at); err != nil {
			return 0, err
		}
		// Times are in seconds: among those assigned in the same second, the one with
		// fewer open conversations goes first, so that bursts alternate too.
		if best == 0 || at < bestAt || (at == bestAt && p.Open < bestOpen) {
			best, bestAt, bestOpen = p.UserID, at, p.Open
		}
	}
	return best, nil
}

// sqlHandOut lists a workspace's (?1) conversations waiting for a person, oldest first:
// open, no one assigned, the AI off, the customer awaiting a reply.
const sqlHandOut = `SELECT id FROM conversations WHERE workspace_id = ?1 AND status = 'open' AND assignee_id IS NULL
	AND ai_active = 0 AND awaiting = 1 AND preview = 0 AND pending = 0 AND snoozed_until IS NULL ORDER BY updated_at, id LIMIT ?2`

// maxHandOut bounds the waiting conversations one hand-out considers.
const maxHandOut = 200

// HandOut assigns the conversations waiting for a person (the bot could not answer them,
// or no one was online when the AI handed off) by their channel's rules, as a handoff
// would now: called when someone comes online or a place frees. One waiting for a team
// that is not one of its channel's goes to that team's members. notTo names, by
// conversation, a person not to give it to (who just handed it over). It returns the
// conversations it assigned.
func (s *Store) HandOut(ctx context.Context, workspaceID int64, channels *channel.Store, notTo map[int64]int64) ([]Conversation, error) {
	rows, err := s.db.Read.QueryContext(ctx, sqlHandOut, workspaceID, maxHandOut)
	if err != nil {
		return nil, fmt.Errorf("inbox: hand out: %w", err)
	}
	var waiting []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: hand out: %w", err)
		}
		waiting = append(waiting, id)
	}
	rows.Close()
	var out []Conversation
	// Once no one is free for a channel's (or team's) conversations, the next ones of it
	// wait too: the hand-out only fills places.
	full := map[handOutRule]bool{}
	for _, id := range waiting {
		c, err := s.Get(ctx, workspaceID, id)
		if err != nil {
			return out, err
		}
		ch, err := channels.ByID(ctx, c.ChannelID)
		if errors.Is(err, channel.ErrNotFound) || (err == nil && ch.Handoff != channel.Assign) {
			continue
		}
		if err != nil {
			return out, err
		}
		rule := handOutRule{channel: ch.ID}
		if c.TeamID != 0 && !slices.Contains(ch.HandoffTeams, c.TeamID) {
			rule = handOutRule{team: c.TeamID}
		}
		if full[rule] {
			continue
		}
		assigned := false
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Taken meanwhile (a person, another hand-out): left as it is.
			var still bool
			if err := tx.QueryRowContext(ctx, "SELECT assignee_id IS NULL AND status = 'open' FROM conversations WHERE id = ?", c.ID).Scan(&still); err != nil || !still {
				return err
			}
			users, teamOf := []int64(nil), map[int64]int64{}
			if rule.team != 0 {
				users, err = s.teamMembers(ctx, tx, workspaceID, rule.team)
				for _, u := range users {
					teamOf[u] = rule.team
				}
			} else {
				users, teamOf, err = s.candidates(ctx, tx, ch)
			}
			if err != nil {
				return err
			}
			user, err := s.pickFree(ctx, tx, workspaceID, without(users, notTo[c.ID]))
			if err != nil || user == 0 {
				full[rule] = notTo[c.ID] == 0 // with someone left out, others may still be free
				return err
			}
			assigned = true
			h := Handoff{ConversationID: c.ID, Cause: CauseAutomation, Outcome: Assigned, ToUserID: user, ToTeamID: teamOf[user], CreatedAt: s.now()}
			return s.applyHandoff(ctx, tx, c, &h)
		})
		if err != nil {
			return out, fmt.Errorf("inbox: hand out: %w", err)
		}
		if assigned {
			out = append(out, c)
		}
	}
	return out, nil
}

// handOutRule is whom a waiting conversation may go to: its channel's candidates, or the
// members of the team it waits for.
type handOutRule struct{ channel, team int64 }

// applyHandoff records h and moves the conversation accordingly.
func (s *Store) applyHandoff(ctx context.Context, tx *sql.Tx, c Conversation, h *Handoff) error {
	now := h.CreatedAt.Unix()
	res, err := tx.ExecContext(ctx, `INSERT INTO handoffs (conversation_id, cause, outcome, to_user_id, to_team_id, by_user_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, h.Cause, h.Outcome, store.NullID(h.ToUserID), store.NullID(h.ToTeamID), store.NullID(h.ByUserID), now)
	if err != nil {
		return err
	}
	if h.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if h.Outcome == StayedWithTheBot {
		return nil
	}
	// People take over: the AI stops answering, and the customer waits for a reply.
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = ?, team_id = ?, ai_active = 0, awaiting = 1, unread = 1,
		status = 'open', closed_at = NULL, updated_at = ? WHERE id = ?`, store.NullID(h.ToUserID), store.NullID(h.ToTeamID), now, c.ID); err != nil {
		return err
	}
	if h.ToUserID != 0 {
		_, err = tx.ExecContext(ctx, `INSERT INTO presence (workspace_id, user_id, last_assigned_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (workspace_id, user_id) DO UPDATE SET last_assigned_at = excluded.last_assigned_at`, c.WorkspaceID, h.ToUserID, now, now)
	}
	return err
}

// Handoffs returns a conversation's handoffs, oldest first.
func (s *Store) Handoffs(ctx context.Context, conversationID int64) ([]Handoff, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, conversation_id, cause, outcome, COALESCE(to_user_id, 0), COALESCE(to_team_id, 0),
		COALESCE(by_user_id, 0), created_at FROM handoffs WHERE conversation_id = ? ORDER BY id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("inbox: handoffs: %w", err)
	}
	defer rows.Close()
	var hs []Handoff
	for rows.Next() {
		var h Handoff
		var at int64
		if err := rows.Scan(&h.ID, &h.ConversationID, &h.Cause, &h.Outcome, &h.ToUserID, &h.ToTeamID, &h.ByUserID, &at); err != nil {
			return nil, fmt.Errorf("inbox: handoffs: %w", err)
		}
		h.CreatedAt = time.Unix(at, 0)
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// Assign gives a conversation to a person and/or team by hand (both 0: Unassigned), as a
// handoff with cause manual when the AI had it or it changes hands.
func (s *Store) Assign(ctx context.Context, workspaceID, conversationID, byUserID, toUserID, toTeamID int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := scanConversation(tx.QueryRowContext(ctx, "SELECT "+conversationColumns+" FROM conversations WHERE id = ? AND workspace_id = ? AND preview = 0",
			conversationID, workspaceID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if toUserID != 0 && !member(ctx, tx, workspaceID, toUserID) {
			return &usererr.InputError{Field: "assignee", Message: "choose a member of this workspace"}
		}
		if toTeamID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM teams WHERE id = ? AND workspace_id = ?", toTeamID, workspaceID).Scan(&n); err != nil || n == 0 {
				return &usererr.InputError{Field: "team", Message: "choose a team of this workspace"}
			}
		}
		h := Handoff{ConversationID: c.ID, Cause: CauseManual, Outcome: LeftUnassigned, ToUserID: toUserID, ToTeamID: toTeamID, ByUserID: byUserID, CreatedAt: s.now()}
		if toUserID != 0 {
			h.Outcome = Assigned
		}
		return s.applyHandoff(ctx, tx, c, &h)
	})
}

func member(ctx context.Context, tx *sql.Tx, workspaceID, userID int64) bool {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND user_id = ?", workspaceID, userID).Scan(&n)
	return err == nil && n > 0
}

// SetStatus closes (closed true) or reopens a conversation of a workspace.
func (s *Store) SetStatus(ctx context.Context, workspaceID, conversationID int64, closed bool) error {
	now := s.now().Unix()
	q := sqlReopen + " AND workspace_id = ?"
	if closed {
		q = "UPDATE conversations SET status = 'closed', closed_at = ?, updated_at = ?, awaiting = 0, snoozed_until = NULL WHERE id = ? AND workspace_id = ?"
	}
	res, err := s.db.Write.ExecContext(ctx, q, now, now, conversationID, workspaceID)
	if err != nil {
		return fmt.Errorf("inbox: set status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// sqlReopen opens a closed conversation again (?1, ?2: now; ?3: the conversation).
const sqlReopen = "UPDATE conversations SET status = 'open', closed_at = NULL, updated_at = ?, last_activity_at = ? WHERE id = ?"

// Reopen opens a conversation again in tx: the customer's message stored in the same
// transaction brings it back.
func (s *Store) Reopen(ctx context.Context, tx *sql.Tx, conversationID int64) error {
	now := s.now().Unix()
	if _, err := tx.ExecContext(ctx, sqlReopen, now, now, conversationID); err != nil {
		return fmt.Errorf("inbox: reopen: %w", err)
	}
	return nil
}

// MarkRead records that a person opened the conversation, and saw its messages so far
// (the customer's widget shows them "Seen").
func (s *Store) MarkRead(ctx context.Context, workspaceID, conversationID int64) error {
	_, err := s.db.Write.ExecContext(ctx, `UPDATE conversations SET unread = 0,
		seen_message_id = COALESCE((SELECT MAX(id) FROM messages WHERE conversation_id = ?1 AND author <> 'note'), 0)
		WHERE id = ?1 AND workspace_id = ?2 AND unread = 1`, conversationID, workspaceID)
	if err != nil {
		return fmt.Errorf("inbox: mark read: %w", err)
	}
	return nil
}

// CloseInactive closes open chat, quote page, WhatsApp and Messenger conversations (an email thread
// stays open for its replies) whose channel's close-after time has passed without activity, and returns them.
// A snoozed conversation waits for its time instead. One the widget opened for a first
// message that never came (pending) is deleted instead: no one ever saw it.
func (s *Store) CloseInactive(ctx context.Context) ([]Conversation, error) {
	now := s.now().Unix()
	rows, err := s.db.Read.QueryContext(ctx, "SELECT "+conversationColumns+`, pending FROM conversations c
		WHERE status = 'open' AND preview = 0 AND snoozed_until IS NULL AND channel IN ('chat', 'quote', 'whatsapp', 'messenger') AND last_activity_at <
			? - COALESCE((SELECT close_after FROM channels ch WHERE ch.id = c.channel_id), 86400)`, now)
	if err != nil {
		return nil, fmt.Errorf("inbox: inactive conversations: %w", err)
	}
	var stale, empty []Conversation
	for rows.Next() {
		var pending bool
		c, err := scanConversation(rows, &pending)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if pending {
			empty = append(empty, c)
		} else {
			stale = append(stale, c)
		}
	}
	rows.Close()
	for _, c := range empty {
		if _, err := s.db.Write.ExecContext(ctx, "DELETE FROM conversations WHERE id = ? AND pending = 1 AND last_activity_at = ?",
			c.ID, c.LastActive.Unix()); err != nil {
			return nil, fmt.Errorf("inbox: delete empty conversation: %w", err)
		}
	}
	for _, c := range stale {
		if _, err := s.db.Write.ExecContext(ctx, `UPDATE conversations SET status = 'closed', closed_at = ?, awaiting = 0, updated_at = ?
			WHERE id = ? AND status = 'open' AND last_activity_at = ?`, now, now, c.ID, c.LastActive.Unix()); err != nil {
			return nil, fmt.Errorf("inbox: close inactive: %w", err)
		}
	}
	return stale, nil
}
