package inbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"agent/app/channel"
	"agent/app/knowledge"
)

// Visitor is a person on a website's chat widget, known only by the opaque token their
// browser keeps.
type Visitor struct {
	ID          int64
	WorkspaceID int64
	ChannelID   int64
	Lang        string
	// PreviewBy, set by the caller, is the signed-in member trying the widget in the
	// admin: the conversations OpenConversation starts are then previews, created by them.
	PreviewBy int64
	// QuoteID, set by the caller, is the quote whose public page the visitor is on: their
	// conversations there are the quote's (channel ChannelQuote), and only those.
	QuoteID int64
}

// ErrUnknownVisitor means a token that names no visitor of the channel.
var ErrUnknownVisitor = errors.New("inbox: unknown visitor")

// NewVisitor registers a visitor of a channel and returns the token their browser keeps;
// only its hash is stored.
func (s *Store) NewVisitor(ctx context.Context, ch channel.Channel, lang string) (Visitor, string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return Visitor{}, "", err
	}
	token := "v_" + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	now := s.now().Unix()
	lang = knowledge.NormalizeLang(lang)
	res, err := s.db.Write.ExecContext(ctx, `INSERT INTO visitors (workspace_id, channel_id, token_hash, lang, created_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`, ch.WorkspaceID, ch.ID, sum[:], lang, now, now)
	if err != nil {
		return Visitor{}, "", fmt.Errorf("inbox: new visitor: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Visitor{}, "", fmt.Errorf("inbox: new visitor: %w", err)
	}
	return Visitor{ID: id, WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, Lang: lang}, token, nil
}

// sqlVisitorByToken finds a channel's visitor by the hash of their token.
const sqlVisitorByToken = "SELECT id, lang FROM visitors WHERE token_hash = ? AND channel_id = ?"

// VisitorByToken finds the visitor of a channel that token belongs to.
func (s *Store) VisitorByToken(ctx context.Context, ch channel.Channel, token string) (Visitor, error) {
	if token == "" {
		return Visitor{}, ErrUnknownVisitor
	}
	sum := sha256.Sum256([]byte(token))
	v := Visitor{ChannelID: ch.ID, WorkspaceID: ch.WorkspaceID}
	err := s.db.Read.QueryRowContext(ctx, sqlVisitorByToken, sum[:], ch.ID).Scan(&v.ID, &v.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return Visitor{}, ErrUnknownVisitor
	}
	if err != nil {
		return Visitor{}, fmt.Errorf("inbox: visitor: %w", err)
	}
	return v, nil
}

// sqlVisitorConversation reads a visitor's latest conversation (on a quote's page: of
// that quote; elsewhere: of none).
const sqlVisitorConversation = "SELECT " + conversationColumns + ` FROM conversations WHERE visitor_id = ? AND workspace_id = ?
	AND COALESCE(quote_id, 0) = ? ORDER BY id DESC LIMIT 1`

// VisitorConversation returns the visitor's latest conversation on their channel (open or
// closed, so that a returning visitor sees it), or ErrNotFound when they have none.
func (s *Store) VisitorConversation(ctx context.Context, v Visitor) (Conversation, error) {
	c, err := scanConversation(s.db.Read.QueryRowContext(ctx, sqlVisitorConversation, v.ID, v.WorkspaceID, v.QuoteID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: visitor conversation: %w", err)
	}
	return c, nil
}

// OpenConversation returns the visitor's open conversation, starting one on the channel
// (with its agent) when they have none open: pending until their first message.
func (s *Store) OpenConversation(ctx context.Context, ch channel.Channel, v Visitor, agentActive bool) (Conversation, error) {
	c, err := s.VisitorConversation(ctx, v)
	if err == nil && c.Status == "open" && c.Preview == (v.PreviewBy != 0) {
		return c, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Conversation{}, err
	}
	n := NewConversation{ChannelID: ch.ID, Channel: string(ch.Kind), VisitorID: v.ID, Preview: v.PreviewBy != 0, CreatedBy: v.PreviewBy,
		QuoteID: v.QuoteID, Pending: true}
	if v.QuoteID != 0 {
		n.Channel = ChannelQuote
	}
	if agentActive {
		n.AgentID = ch.AgentID
	}
	return s.Create(ctx, ch.WorkspaceID, n)
}

// sqlSeeVisitor records when a visitor (?3) was last around, and their browser's language
// (?2) when it says one.
const sqlSeeVisitor = "UPDATE visitors SET last_seen_at = ?1, lang = CASE WHEN ?2 <> '' THEN ?2 ELSE lang END WHERE id = ?3"

// TouchVisitor records that the visitor is around, with their browser's language. A
// message they send records it too (VisitorMessage).
func (s *Store) TouchVisitor(ctx context.Context, v Visitor, lang string) error {
	_, err := s.db.Write.ExecContext(ctx, sqlSeeVisitor, s.now().Unix(), knowledge.NormalizeLang(lang), v.ID)
	if err != nil {
		return fmt.Errorf("inbox: touch visitor: %w", err)
	}
	return nil
}

// Feedback is a visitor's rating of an AI reply.
type Feedback struct {
	MessageID int64
	Helpful   bool
	Reason    string // for a thumbs down: too_long, not_useful, off_topic, other
	Comment   string
	CreatedAt time.Time
}

// The reasons a visitor can give for a thumbs down.
var FeedbackReasons = []string{"too_long", "not_useful", "off_topic", "other"}

// SetFeedback records (or replaces) the visitor's rating of an AI reply in their
// conversation; a message that is not an AI reply of that conversation is ErrNotFound.
func (s *Store) SetFeedback(ctx context.Context, conversationID int64, f Feedback) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return setFeedback(ctx, tx, s.now(), conversationID, f) })
}

func setFeedback(ctx context.Context, tx *sql.Tx, now time.Time, conversationID int64, f Feedback) error {
	if f.Helpful {
		f.Reason, f.Comment = "", ""
	}
	if f.Reason != "" && !slices.Contains(FeedbackReasons, f.Reason) {
		return fmt.Errorf("inbox: feedback: unknown reason %q", f.Reason)
	}
	if len([]rune(f.Comment)) > 500 {
		f.Comment = string([]rune(f.Comment)[:500])
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO feedback (message_id, helpful, reason, comment, created_at)
		SELECT m.id, ?, ?, ?, ? FROM messages m JOIN ai_replies a ON a.message_id = m.id WHERE m.id = ? AND m.conversation_id = ?
		ON CONFLICT (message_id) DO UPDATE SET helpful = excluded.helpful, reason = excluded.reason, comment = excluded.comment,
			created_at = excluded.created_at`, f.Helpful, f.Reason, f.Comment, now.Unix(), f.MessageID, conversationID)
	if err != nil {
		return fmt.Errorf("inbox: feedback: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// FeedbackOf returns the rating of an AI reply, and false when there is none.
func (s *Store) FeedbackOf(ctx context.Context, messageID int64) (Feedback, bool, error) {
	f := Feedback{MessageID: messageID}
	var at int64
	err := s.db.Read.QueryRowContext(ctx, "SELECT helpful, reason, comment, created_at FROM feedback WHERE message_id = ?", messageID).
		Scan(&f.Helpful, &f.Reason, &f.Comment, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("inbox: feedback: %w", err)
	}
	f.CreatedAt = time.Unix(at, 0)
	return f, true, nil
}
