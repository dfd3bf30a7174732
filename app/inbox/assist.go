package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"agent/app/agent"
)

// AssistSettings are a workspace's assistive reply switches, which owners and admins set:
// suggested replies in the inbox, and whether people may let the assistant auto-send.
type AssistSettings struct {
	Suggestions     bool
	AutoSendAllowed bool
}

// AutoSendOn says whether auto-send may run at all in the workspace.
func (a AssistSettings) AutoSendOn() bool { return a.Suggestions && a.AutoSendAllowed }

// PageExpiry is how long the signal that a person has a conversation open lasts: the open
// page renews it (inbox.js, every PageExpiry/3), so a closed laptop or a killed browser
// stops counting as busy within this time.
const PageExpiry = 45 * time.Second

// The assistant's notes to staff (a note without a person), in English like the inbox.
const (
	NoteCannotAnswer = "The assistant could not answer this message confidently: please reply soon."
	NoteRepeated     = "The assistant stopped auto-sending here: it would have sent the same reply twice. Please take over."
)

// errHeld: a person opened the conversation while the assistant was writing its reply.
var errHeld = errors.New("inbox: a person opened the conversation")

// AssistSettings returns the workspace's switches (all off until set).
func (s *Store) AssistSettings(ctx context.Context, workspaceID int64) (AssistSettings, error) {
	var a AssistSettings
	err := s.db.Read.QueryRowContext(ctx, `SELECT suggestions, autosend_allowed FROM assist_settings WHERE workspace_id = ?`,
		workspaceID).Scan(&a.Suggestions, &a.AutoSendAllowed)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("inbox: assist settings: %w", err)
	}
	return a, nil
}

// SetAssistSettings saves the workspace's switches; auto-send needs suggestions on.
func (s *Store) SetAssistSettings(ctx context.Context, workspaceID int64, a AssistSettings) error {
	a.AutoSendAllowed = a.AutoSendOn()
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO assist_settings (workspace_id, suggestions, autosend_allowed, updated_at)
		VALUES (?1, ?2, ?3, ?4) ON CONFLICT (workspace_id) DO UPDATE SET suggestions = ?2, autosend_allowed = ?3, updated_at = ?4`,
		workspaceID, a.Suggestions, a.AutoSendAllowed, s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: save assist settings: %w", err)
	}
	return nil
}

// AutoSend says whether a person turned auto-send on for themselves.
func (s *Store) AutoSend(ctx context.Context, workspaceID, userID int64) (bool, error) {
	var on bool
	err := s.db.Read.QueryRowContext(ctx, `SELECT autosend FROM assist_people WHERE workspace_id = ? AND user_id = ?`,
		workspaceID, userID).Scan(&on)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("inbox: auto-send: %w", err)
	}
	return on, nil
}

// SetAutoSend turns a person's auto-send on or off.
func (s *Store) SetAutoSend(ctx context.Context, workspaceID, userID int64, on bool) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO assist_people (workspace_id, user_id, autosend) VALUES (?1, ?2, ?3)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET autosend = ?3`, workspaceID, userID, on)
	if err != nil {
		return fmt.Errorf("inbox: set auto-send: %w", err)
	}
	return nil
}

// Viewing records that a person has conversation open on their inbox page, in view and
// focused (active) or not, for PageExpiry. A person has one such page: the latest counts.
// A person who opened the conversation has it: auto-send stops there for good.
func (s *Store) Viewing(ctx context.Context, workspaceID, userID, conversationID int64, active bool) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO assist_people (workspace_id, user_id, conversation_id, active, until)
		VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workspace_id, user_id) DO UPDATE SET conversation_id = ?3, active = ?4, until = ?5`,
		workspaceID, userID, conversationID, active, s.now().Add(PageExpiry).Unix())
	if err == nil {
		_, err = s.db.Write.ExecContext(ctx, `INSERT OR IGNORE INTO assist_stopped (conversation_id, reason, created_at) VALUES (?, 'opened', ?)`,
			conversationID, s.now().Unix())
	}
	if err != nil {
		return fmt.Errorf("inbox: viewing: %w", err)
	}
	return nil
}

// Left records that a person's page no longer shows the conversation (its stream ended).
func (s *Store) Left(ctx context.Context, workspaceID, userID, conversationID int64) error {
	_, err := s.db.Write.ExecContext(ctx, `UPDATE assist_people SET active = 0, until = 0
		WHERE workspace_id = ? AND user_id = ? AND conversation_id = ?`, workspaceID, userID, conversationID)
	if err != nil {
		return fmt.Errorf("inbox: left: %w", err)
	}
	return nil
}

// BusyIn returns the conversation a person is busy in (its page open, in view and focused),
// or 0.
func (s *Store) BusyIn(ctx context.Context, workspaceID, userID int64) (int64, error) {
	var id int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT COALESCE(conversation_id, 0) FROM assist_people
		WHERE workspace_id = ? AND user_id = ? AND active = 1 AND until > ?`, workspaceID, userID, s.now().Unix()).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("inbox: busy: %w", err)
	}
	return id, nil
}

// sqlHeld finds whether anyone has a conversation (?1) open now (?2), in view or not.
const sqlHeld = `SELECT EXISTS (SELECT 1 FROM assist_people WHERE conversation_id = ?1 AND until > ?2)`

// sqlStopped finds whether auto-send stopped for good in a conversation (?1).
const sqlStopped = `SELECT EXISTS (SELECT 1 FROM assist_stopped WHERE conversation_id = ?1)`

// autoSendable says whether the assistant may answer the customer's message in c for the
// person it is assigned to: auto-send allowed in the workspace and on for that person, who
// is busy in another conversation, no one has c open, and it has not stopped there.
func (s *Service) autoSendable(ctx context.Context, c Conversation) (bool, error) {
	if c.Preview || c.Status != "open" || c.AIActive || c.AssigneeID == 0 {
		return false, nil
	}
	set, err := s.Store.AssistSettings(ctx, c.WorkspaceID)
	if err != nil || !set.AutoSendOn() {
		return false, err
	}
	on, err := s.Store.AutoSend(ctx, c.WorkspaceID, c.AssigneeID)
	if err != nil || !on {
		return false, err
	}
	busy, err := s.Store.BusyIn(ctx, c.WorkspaceID, c.AssigneeID)
	if err != nil || busy == 0 || busy == c.ID {
		return false, err
	}
	var held, stopped bool
	if err := s.Store.db.Read.QueryRowContext(ctx, sqlHeld, c.ID, s.Store.now().Unix()).Scan(&held); err != nil {
		return false, fmt.Errorf("inbox: auto-send: %w", err)
	}
	if err := s.Store.db.Read.QueryRowContext(ctx, sqlStopped, c.ID).Scan(&stopped); err != nil {
		return false, fmt.Errorf("inbox: auto-send: %w", err)
	}
	return !held && !stopped, nil
}

// assistAgent is the AI agent whose knowledge and trust answer for people in c: the
// conversation's, else its channel's; none is (Agent{}, false). Eager is more than
// auto-send may risk: it decides at Balanced.
func (s *Service) assistAgent(ctx context.Context, c Conversation) (agent.Agent, bool) {
	id := c.AgentID
	if id == 0 && c.ChannelID != 0 {
		if ch, err := s.Channels.ByID(ctx, c.ChannelID); err == nil {
			id = ch.AgentID
		}
	}
	if id == 0 {
		return agent.Agent{}, false
	}
	a, err := s.Agents.Get(ctx, c.WorkspaceID, id)
	if err != nil {
		return agent.Agent{}, false
	}
	if a.Trust != agent.TrustCautious {
		a.Trust = agent.TrustBalanced
	}
	return a, true
}

// autoSend answers the customer's message m in conversation id for the busy person it is
// assigned to, when autoSendable and the engine is confident (an answer: never a clarify
// or a handoff). When it cannot, it leaves the conversation in Unreplied with a note
// asking the person to reply soon; a reply it already gave stops it there for good. It
// returns what it added.
func (s *Service) autoSend(ctx context.Context, workspaceID, id int64, m Message) []Message {
	out, err := s.tryAutoSend(ctx, workspaceID, id, m)
	if err != nil && s.Log != nil {
		s.Log.Error("auto-send failed", "conversation", id, "message", m.ID, "err", err)
	}
	return out
}

func (s *Service) tryAutoSend(ctx context.Context, workspaceID, id int64, m Message) ([]Message, error) {
	c, err := s.Store.Get(ctx, workspaceID, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.autoSendable(ctx, c)
	if err != nil || !ok {
		return nil, err
	}
	a, ok := s.assistAgent(ctx, c)
	if !ok {
		return nil, nil // no AI agent on the conversation or its channel: no knowledge to answer from
	}
	history, err := s.Store.history(ctx, c.ID, m.ID)
	if err != nil {
		return nil, err
	}
	r, err := s.Engine.Respond(ctx, a, agent.Message{Text: m.Body, Lang: m.Lang, Channel: c.Channel, History: history})
	if err != nil {
		return nil, err
	}
	if r.Reason == agent.ReasonRepeated || (r.Decision == agent.Answer && saidBefore(history, r.Text)) {
		if _, err := s.Store.db.Write.ExecContext(ctx, `INSERT OR IGNORE INTO assist_stopped (conversation_id, reason, created_at)
			VALUES (?, 'repeated', ?)`, c.ID, s.Store.now().Unix()); err != nil {
			return nil, err
		}
		return s.assistNote(ctx, c, NoteRepeated, nil)
	}
	if r.Decision != agent.Answer {
		// The decision it did not send is kept with the note: the question may be a
		// knowledge gap (app/gaps).
		out, err := s.assistNote(ctx, c, NoteCannotAnswer, func(tx *sql.Tx, _ int64) error {
			return s.Store.keepUnanswered(ctx, tx, m, unansweredByAutoSend, r)
		})
		if err == nil {
			s.collectGaps(ctx, c)
		}
		return out, err
	}
	reply, err := s.Store.addAIReply(ctx, c.ID, a.ID, r, turn{}, func(tx *sql.Tx) error {
		// Checked again where the reply is stored: a person who opened the conversation
		// while it was being written has it from then on.
		var held, stopped bool
		if err := tx.QueryRowContext(ctx, sqlHeld, c.ID, s.Store.now().Unix()).Scan(&held); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, sqlStopped, c.ID).Scan(&stopped); err != nil {
			return err
		}
		if held || stopped {
			return errHeld
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO auto_sent (message_id, conversation_id, user_id, created_at)
			VALUES ((SELECT MAX(id) FROM messages WHERE conversation_id = ?1), ?1, ?2, ?3)`, c.ID, c.AssigneeID, s.Store.now().Unix())
		return err
	})
	if errors.Is(err, errHeld) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	reply.AutoSent = true
	s.publish(c, Event{Kind: EventMessage, MessageID: reply.ID})
	s.deliver(ctx, c, reply)
	return []Message{reply}, nil
}

// saidBefore says whether the AI already sent text in the conversation: a greeting has no
// source to tell a repeat by.
func saidBefore(history []agent.Turn, text string) bool {
	for _, t := range history {
		if t.Author == agent.AuthorBot && t.Text == text {
			return true
		}
	}
	return false
}

// assistNote adds the assistant's note to staff (unsigned), with what record stores in
// its transaction (unless nil), which keeps the conversation in Unreplied: notes do not
// answer the customer.
func (s *Service) assistNote(ctx context.Context, c Conversation, text string, record func(tx *sql.Tx, messageID int64) error) ([]Message, error) {
	n, err := s.Store.addMessageWith(ctx, Message{ConversationID: c.ID, Author: AuthorNote, Body: text}, record)
	if err != nil {
		return nil, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: n.ID, Staff: true})
	return []Message{n}, nil
}
