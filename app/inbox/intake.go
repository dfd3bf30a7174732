package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"agent/app/agent"
	"agent/app/channel"
)

// ChannelMessage stores a customer's message from a channel's intake (email, WhatsApp,
// Messenger), with what the channel keeps about it: record runs in the same transaction, so
// the message is stored with its record or not at all, and a message fetched again after a
// stop is recognised by it. Then, when answer is true, it is answered as VisitorMessage answers;
// a message that must not be answered automatically (RFC 3834, a closed reply window) is
// only stored and shown. Its text is channelText.
func (s *Service) ChannelMessage(ctx context.Context, ch channel.Channel, c Conversation, text, lang string, answer bool,
	record func(tx *sql.Tx, messageID int64) error) (Message, []Message, error) {
	m := Message{ConversationID: c.ID, Author: agent.AuthorVisitor, Body: channelText(text), Lang: lang, CreatedAt: s.Store.now()}
	// As VisitorMessage: only a message the AI is to answer is claimed.
	a, aiOK := s.activeAgent(ctx, c)
	var t turn
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if err := record(tx, m.ID); err != nil {
			return err
		}
		if answer && aiOK {
			t, err = claimTurn(ctx, tx, m.ID, process)
		}
		return err
	})
	if err != nil {
		return Message{}, nil, fmt.Errorf("inbox: channel message: %w", err)
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	if !answer {
		return m, nil, nil
	}
	out, err := s.answer(ctx, ch, c, a, aiOK, m, t)
	return m, out, err
}

// ChannelEcho stores a reply a person wrote outside the inbox (in Meta's own inbox for a
// Messenger page) as a person's message, with the channel's record of it in the same
// transaction, and takes the conversation off the AI: someone answers it by hand. It is
// not sent: the customer has it already.
func (s *Service) ChannelEcho(ctx context.Context, c Conversation, text string, record func(tx *sql.Tx, messageID int64) error) (Message, error) {
	m := Message{ConversationID: c.ID, Author: agent.AuthorHuman, Body: channelText(text), CreatedAt: s.Store.now()}
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if err := record(tx, m.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE conversations SET ai_active = 0, status = 'open', closed_at = NULL WHERE id = ?", c.ID)
		return err
	})
	if err != nil {
		return Message{}, fmt.Errorf("inbox: channel echo: %w", err)
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	s.publish(c, Event{Kind: EventConversation})
	return m, nil
}

// channelText is a channel's message as stored: cut at MaxMessage rather than refused (the
// whole stays with the channel), "(no text)" when empty.
func channelText(text string) string {
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > MaxMessage {
		text = string(r[:MaxMessage-1]) + "…"
	}
	if text == "" {
		text = "(no text)"
	}
	return text
}

// HandOff gives a conversation the AI cannot answer to people by the channel's rules, as
// the AI's own handoff does (a customer's photo without words, which the AI cannot read),
// and tells the customer when no one takes over.
func (s *Service) HandOff(ctx context.Context, ch channel.Channel, c Conversation, cause Cause, lang string) ([]Message, error) {
	return s.handoff(ctx, ch, c, cause, lang, turn{})
}
