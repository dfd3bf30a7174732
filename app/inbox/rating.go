package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"agent/app/agent"
	"agent/app/channel"
)

// Ratings of automatic replies on the channels that send. The automatic bot's answers and
// auto-sent replies ask the customer whether they resolved the question, as the channel
// allows (a line in a mail, reply buttons on WhatsApp, quick replies on Messenger), and
// the customer's answer is the reply's feedback, as a rating in the widget is.

// rateable is the condition that the message id names one the customer may rate: the
// bot's answer (not its greeting or notices) or a reply auto-sent for a person.
func rateable(id string) string {
	return `(EXISTS (SELECT 1 FROM automatic_messages am WHERE am.message_id = ` + id + ` AND am.kind = 'bot_answer')
	OR EXISTS (SELECT 1 FROM auto_sent a WHERE a.message_id = ` + id + `))`
}

// Rateable reports whether the customer may rate a message on a channel that sends.
func (s *Store) Rateable(ctx context.Context, messageID int64) (bool, error) {
	var ok bool
	if err := s.db.Read.QueryRowContext(ctx, "SELECT "+rateable("?1"), messageID).Scan(&ok); err != nil {
		return false, fmt.Errorf("inbox: rateable: %w", err)
	}
	return ok, nil
}

// RatingPrompt returns the reply a message asks the customer's reason about (the question
// after "Not resolved"), or 0.
func (s *Store) RatingPrompt(ctx context.Context, messageID int64) (int64, error) {
	var id int64
	err := s.db.Read.QueryRowContext(ctx, "SELECT rated_id FROM rating_prompts WHERE message_id = ?", messageID).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("inbox: rating prompt: %w", err)
	}
	return id, nil
}

// RatingState is what the customer's next words in a conversation may answer, from the
// latest message they were sent.
type RatingState struct {
	Rateable int64 // that message, when it is an automatic reply they may rate
	AskedWhy int64 // the reply whose reason that message asked for
}

// sqlRatingState reads the latest message a conversation's (?) customer was sent: whether
// they may rate it, and the reply it asks the reason about.
var sqlRatingState = `SELECT m.id, ` + rateable("m.id") + `, COALESCE((SELECT rated_id FROM rating_prompts WHERE message_id = m.id), 0)
	FROM (SELECT id FROM messages WHERE conversation_id = ? AND author IN ('bot', 'human', 'system') ORDER BY id DESC LIMIT 1) m`

// RatingState returns what the customer's next words in a conversation may answer.
func (s *Store) RatingState(ctx context.Context, conversationID int64) (RatingState, error) {
	var id int64
	var rateable bool
	var st RatingState
	err := s.db.Read.QueryRowContext(ctx, sqlRatingState, conversationID).Scan(&id, &rateable, &st.AskedWhy)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("inbox: rating state: %w", err)
	}
	if rateable {
		st.Rateable = id
	}
	return st, nil
}

// RatedConversation returns the conversation of an automatic reply that a customer's
// button names: it must be a reply they may rate, in a conversation of channel ch with
// that contact; false otherwise (another customer's, another workspace's, not a rateable
// reply), and the button is then only words.
func (s *Store) RatedConversation(ctx context.Context, ch channel.Channel, contactID, messageID int64) (Conversation, bool, error) {
	var id int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT c.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.id = ?1 AND c.workspace_id = ?2 AND c.channel_id = ?3 AND c.contact_id = ?4 AND `+rateable("?1"),
		messageID, ch.WorkspaceID, ch.ID, contactID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, false, nil
	}
	if err != nil {
		return Conversation{}, false, fmt.Errorf("inbox: rated conversation: %w", err)
	}
	c, err := s.Get(ctx, ch.WorkspaceID, id)
	return c, err == nil, err
}

// ChannelRating is a customer's rating of an automatic reply, given on a channel.
type ChannelRating struct {
	Rated   int64 // the automatic reply
	Helpful bool
	Reason  string // not helpful: one of FeedbackReasons, or "" when not given (yet)
	Comment string // their words, for the reason "other"
	AskWhy  bool   // not helpful without a reason: ask for it next (buttons)
}

// reasonTitles are the reasons as staff read them.
var reasonTitles = map[string]string{"too_long": "too long to read", "not_useful": "useless answer", "off_topic": "answered another question", "other": "other"}

// RateOnChannel stores a customer's reply on a channel (text, with the channel's record of
// it) that rates the automatic reply r.Rated of conversation c, and the rating as that
// reply's feedback. Resolved, or the reason for a "not resolved" already given, is a note
// for staff: it asks nothing, and the conversation stays as it is. Not resolved is the
// customer's message, which people answer: the conversation goes to them by the
// channel's rules (one already routed keeps its place) and waits in Unreplied; with
// AskWhy, the customer is asked the reason next.
func (s *Service) RateOnChannel(ctx context.Context, ch channel.Channel, c Conversation, text string, r ChannelRating,
	record func(tx *sql.Tx, messageID int64) error) (Message, error) {
	if !r.Helpful && r.Reason != "" && !slices.Contains(FeedbackReasons, r.Reason) {
		return Message{}, fmt.Errorf("inbox: rating: unknown reason %q", r.Reason)
	}
	var prior Feedback
	var rated bool
	var err error
	if prior, rated, err = s.Store.FeedbackOf(ctx, r.Rated); err != nil {
		return Message{}, err
	}
	toPeople := !r.Helpful && (!rated || prior.Helpful || r.Reason == "other")
	m := Message{ConversationID: c.ID, Author: AuthorNote, Body: ratingNote(text, r), CreatedAt: s.Store.now()}
	if toPeople {
		m.Author, m.Body = agent.AuthorVisitor, channelText(text)
	}
	f := Feedback{MessageID: r.Rated, Helpful: r.Helpful, Reason: r.Reason, Comment: r.Comment}
	if !r.Helpful && r.Reason == "" && rated && !prior.Helpful {
		f.Reason, f.Comment = prior.Reason, prior.Comment // "Not resolved" again keeps the reason given
	}
	err = s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if err := record(tx, m.ID); err != nil {
			return err
		}
		return setFeedback(ctx, tx, s.Store.now(), c.ID, f)
	})
	if err != nil {
		return Message{}, fmt.Errorf("inbox: rating: %w", err)
	}
	s.Store.stored(ctx)
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID, Staff: m.Author == AuthorNote})
	if !toPeople {
		s.publish(c, Event{Kind: EventConversation})
		return m, nil
	}
	if err := s.queue(ctx, ch, c); err != nil {
		return m, err
	}
	if r.AskWhy {
		if err := s.askWhy(ctx, c, r.Rated); err != nil {
			return m, err
		}
	}
	return m, nil
}

// ratingNote is how staff read a customer's rating that asks nothing of them.
func ratingNote(text string, r ChannelRating) string {
	s := "The customer rated the automatic reply resolved"
	switch {
	case !r.Helpful && r.Reason == "":
		s = "The customer rated the automatic reply not resolved"
	case !r.Helpful:
		s = "The customer said why the automatic reply did not resolve their question: " + reasonTitles[r.Reason]
	}
	if text != "" {
		s += " (“" + text + "”)"
	}
	return s + "."
}

// askWhy sends the customer the question why the reply rated did not resolve theirs, in
// the reply's language; the channel offers the reasons (Outgoing.Rating RateReason).
func (s *Service) askWhy(ctx context.Context, c Conversation, ratedID int64) error {
	rated, err := s.Store.Message(ctx, c.ID, ratedID)
	if err != nil {
		return err
	}
	m := Message{ConversationID: c.ID, Author: AuthorSystem, Body: agent.Say(rated.Lang, agent.PhraseWhyNot), Lang: rated.Lang, CreatedAt: s.Store.now()}
	err = s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO rating_prompts (message_id, rated_id) VALUES (?, ?)", m.ID, ratedID)
		return err
	})
	if err != nil {
		return fmt.Errorf("inbox: ask why: %w", err)
	}
	s.Store.stored(ctx)
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	s.deliver(ctx, c, m)
	return nil
}

// RatingReply reads a customer's words in conversation c as a rating, when the latest
// message they were sent asks for one: after the question why a reply did not resolve
// theirs, any words are the reason; after an automatic reply they may rate, a reply that
// is only yes or no (in their language: ja, oui, 是…), a no followed by the reason. False
// when the words are not a rating: they are then a message as any other.
func (s *Store) RatingReply(ctx context.Context, c Conversation, text string) (ChannelRating, bool, error) {
	st, err := s.RatingState(ctx, c.ID)
	if err != nil || (st.AskedWhy == 0 && st.Rateable == 0) || strings.TrimSpace(text) == "" {
		return ChannelRating{}, false, err
	}
	if st.AskedWhy != 0 {
		return ChannelRating{Rated: st.AskedWhy, Reason: "other", Comment: strings.TrimSpace(text)}, true, nil
	}
	yes, rest, ok := agent.YesNo(text)
	if !ok {
		return ChannelRating{}, false, nil
	}
	r := ChannelRating{Rated: st.Rateable, Helpful: yes, Comment: rest}
	if rest != "" {
		r.Reason = "other"
	}
	return r, true, nil
}
