package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/usererr"
)

// NewOutgoing is a conversation a person starts with a customer on a channel that sends
// (an email now).
type NewOutgoing struct {
	Channel   channel.Channel
	ContactID int64
	UserID    int64  // who writes: the conversation is theirs, not the AI's
	Text      string // the first message
	// Record keeps what the channel needs with the conversation and its first message
	// (an email's subject and thread token), in the same transaction.
	Record func(tx *sql.Tx, c Conversation, messageID int64) error
}

// StartConversation starts a conversation from a person's first message: assigned to
// them, the AI off, the contact's; the conversation, the message and the channel's record
// are stored in one transaction, then the message is handed to the channel's outbox.
func (s *Service) StartConversation(ctx context.Context, n NewOutgoing) (Conversation, Message, error) {
	ch := n.Channel
	text := strings.TrimSpace(n.Text)
	switch {
	case text == "":
		return Conversation{}, Message{}, &usererr.InputError{Field: "message", Message: "write a message first"}
	case utf8.RuneCountInString(text) > MaxMessage:
		return Conversation{}, Message{}, &usererr.InputError{Field: "message", Message: fmt.Sprintf("keep the message under %d characters", MaxMessage)}
	case s.Outboxes[ch.Kind] == nil:
		return Conversation{}, Message{}, usererr.Error("this channel cannot start conversations")
	}
	if _, err := s.Store.Contact(ctx, ch.WorkspaceID, n.ContactID); err != nil {
		return Conversation{}, Message{}, err
	}
	now := s.Store.now()
	m := Message{Author: agent.AuthorHuman, UserID: n.UserID, Body: text, CreatedAt: now}
	var convID int64
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO conversations (workspace_id, channel_id, channel, contact_id, assignee_id, ai_active,
			last_activity_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`,
			ch.WorkspaceID, ch.ID, ch.Kind, n.ContactID, n.UserID, now.Unix(), now.Unix(), now.Unix())
		if err != nil {
			return err
		}
		if convID, err = res.LastInsertId(); err != nil {
			return err
		}
		m.ConversationID = convID
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if n.Record == nil {
			return nil
		}
		return n.Record(tx, Conversation{ID: convID, WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, Channel: string(ch.Kind)}, m.ID)
	})
	if err != nil {
		return Conversation{}, Message{}, fmt.Errorf("inbox: start conversation: %w", err)
	}
	s.Store.stored(ctx)
	c, err := s.Store.Get(ctx, ch.WorkspaceID, convID)
	if err != nil {
		return Conversation{}, Message{}, err
	}
	s.publish(c, Event{Kind: EventConversation})
	s.deliver(ctx, c, m)
	return c, m, nil
}
