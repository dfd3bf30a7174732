package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/jobs"
)

// JobAnswer is the job that answers one customer's message from a channel's intake, apart
// from the intake: a slow model holds up no mailbox.
const JobAnswer = "answer-message"

type answerJob struct {
	WorkspaceID    int64 `json:"workspace_id"`
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}

// ChannelMessage stores a customer's message from a channel's intake (email, WhatsApp,
// Messenger), with
// what the channel keeps about it: record runs in the same transaction, so the message is
// stored with its record or not at all, and a message fetched again after a stop is
// recognised by it. With hold empty, the same transaction queues its answer (JobAnswer),
// so a stop right after the commit still answers it, once. With hold, the reason it must
// not be answered automatically (RFC 3834, the per-hour cap, a closed reply window), a
// conversation the AI is on goes to people by the channel's rules (Unassigned where they
// would keep the AI on), with a staff note saying why, and the customer is told nothing.
// Its text is channelText.
func (s *Service) ChannelMessage(ctx context.Context, ch channel.Channel, c Conversation, text, lang, hold string,
	record func(tx *sql.Tx, messageID int64) error) (Message, error) {
	_, m, err := s.channelMessage(ctx, ch, c, nil, text, lang, hold, record)
	return m, err
}

// Opening is the conversation a customer's first message on a channel starts.
type Opening struct {
	New       NewConversation
	ContactID int64 // the customer's contact (0: none)
	// Record, when set, keeps what the channel needs with the conversation (an email's
	// thread, the page a visitor left a message from).
	Record func(tx *sql.Tx, c Conversation) error
}

// StartChannelMessage is ChannelMessage for a message that starts a conversation: the
// conversation, its contact, the channel's records and the message are stored in one
// transaction, so that a stop or a failure between them (before the channel is
// acknowledged) leaves neither a conversation without its first message nor a message
// half stored; the channel delivers it again and it is stored whole.
func (s *Service) StartChannelMessage(ctx context.Context, ch channel.Channel, o Opening, text, lang, hold string,
	record func(tx *sql.Tx, messageID int64) error) (Conversation, Message, error) {
	return s.channelMessage(ctx, ch, Conversation{}, &o, text, lang, hold, record)
}

func (s *Service) channelMessage(ctx context.Context, ch channel.Channel, c Conversation, open *Opening, text, lang, hold string,
	record func(tx *sql.Tx, messageID int64) error) (Conversation, Message, error) {
	m := Message{Author: agent.AuthorVisitor, Body: channelText(text), Lang: lang, CreatedAt: s.Store.now()}
	var note Message
	var handOff bool
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if open != nil {
			if c, err = s.Store.open(ctx, tx, ch.WorkspaceID, *open); err != nil {
				return err
			}
		}
		m.ConversationID = c.ID
		handOff = hold != "" && c.AIActive && !c.Preview
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if err := record(tx, m.ID); err != nil {
			return err
		}
		if hold == "" {
			return jobs.Schedule(ctx, tx, JobAnswer, m.CreatedAt, answerJob{c.WorkspaceID, c.ID, m.ID})
		}
		if !handOff {
			return nil // people have it: they see the message
		}
		rules := ch
		if rules.Handoff == channel.Stay {
			rules.Handoff = channel.Unassigned // staying with the AI would leave it to no one
		}
		if _, err := s.Store.route(ctx, tx, c, rules, CauseAutomation); err != nil {
			return err
		}
		note = Message{ConversationID: c.ID, Author: AuthorNote, Body: "Not answered automatically: " + hold + ".", CreatedAt: m.CreatedAt}
		note.ID, err = insertMessage(ctx, tx, note)
		return err
	})
	if err != nil {
		return Conversation{}, Message{}, fmt.Errorf("inbox: channel message: %w", err)
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	if handOff {
		s.publish(c, Event{Kind: EventMessage, MessageID: note.ID, Staff: true})
	}
	if handOff || open != nil {
		s.publish(c, Event{Kind: EventConversation})
	}
	return c, m, nil
}

// AnswerQueued is the job handler of JobAnswer: it answers the message as VisitorMessage
// answers, when it is still the last thing said in its conversation. A newer message has
// its own job (which answers both), and a message answered meanwhile (AnswerOwed at a
// start, a person) needs nothing: so a job run twice answers once. The message is claimed
// first, as every answer is (see turn).
func (s *Service) AnswerQueued(ctx context.Context, payload json.RawMessage) error {
	var j answerJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return fmt.Errorf("inbox: answer: %w", err)
	}
	c, err := s.Store.Get(ctx, j.WorkspaceID, j.ConversationID)
	if errors.Is(err, ErrNotFound) {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	m, err := s.Store.Message(ctx, c.ID, j.MessageID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var t turn
	owed := false
	err = s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		var later int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND id > ?
			AND author IN ('visitor', 'bot', 'human', 'system')`, c.ID, m.ID).Scan(&later); err != nil {
			return err
		}
		if owed = later == 0; owed {
			t, err = claimTurn(ctx, tx, m.ID, process)
		}
		return err
	})
	if err != nil || !owed {
		return err
	}
	ch, err := s.Channels.ByID(ctx, c.ChannelID)
	if err == nil {
		a, aiOK := s.activeAgent(ctx, c)
		_, err = s.answer(ctx, ch, c, a, aiOK, m, t)
	}
	if err != nil {
		// Given back for the job's next attempt; a claim already ended (the reply stored,
		// a later step failed) has nothing to give back, and the next attempt finds the
		// message answered.
		if rerr := s.Store.endTurn(context.WithoutCancel(ctx), t); rerr != nil && !errors.Is(rerr, errClaimLost) && s.Log != nil {
			s.Log.Error("give back a claim", "message", m.ID, "err", rerr)
		}
		return fmt.Errorf("inbox: answer message %d of conversation %d: %w", m.ID, c.ID, err)
	}
	return nil
}

// ChannelEcho stores a reply a person wrote outside the inbox (in Meta's own inbox for a
// Messenger page) as a person's message, with the channel's record of it in the same
// transaction, and takes the conversation off the AI: someone answers it by hand. It is
// not sent: the customer has it already. With open, the echo starts the conversation on
// ch, stored in the same transaction (as StartChannelMessage).
func (s *Service) ChannelEcho(ctx context.Context, ch channel.Channel, c Conversation, open *Opening, text string,
	record func(tx *sql.Tx, messageID int64) error) (Conversation, Message, error) {
	m := Message{Author: agent.AuthorHuman, Body: channelText(text), CreatedAt: s.Store.now()}
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if open != nil {
			if c, err = s.Store.open(ctx, tx, ch.WorkspaceID, *open); err != nil {
				return err
			}
		}
		m.ConversationID = c.ID
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
		return Conversation{}, Message{}, fmt.Errorf("inbox: channel echo: %w", err)
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	s.publish(c, Event{Kind: EventConversation})
	return c, m, nil
}

// open stores the conversation o starts, with its contact and the channel's record, in tx.
func (s *Store) open(ctx context.Context, tx *sql.Tx, workspaceID int64, o Opening) (Conversation, error) {
	c, err := s.create(ctx, tx, workspaceID, o.New)
	if err != nil {
		return c, err
	}
	if o.ContactID != 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE conversations SET contact_id = ? WHERE id = ?", o.ContactID, c.ID); err != nil {
			return c, err
		}
	}
	if o.Record != nil {
		err = o.Record(tx, c)
	}
	return c, err
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
