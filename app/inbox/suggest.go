package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Suggestion is a reply offered to a person above the reply box, as stored: what became of
// it (Outcome) is what the report counts.
type Suggestion struct {
	ID       int64
	Text     string
	Title    string // the source's title
	URL      string // the source's link, when it has one
	SourceID int64
	Origin   string // "customer" (their last message) or "typed" (the person's words)
}

// The outcomes of a suggestion.
const (
	SuggestionOffered = "offered"
	SuggestionSent    = "sent"
	SuggestionEdited  = "edited"
	SuggestionIgnored = "ignored"
)

// Suggest offers a person up to three replies in a conversation: to typed, the words they
// are writing, or when empty to the customer's last message. The new ones replace those
// offered before (which no one acted on), so that at most three wait for an outcome.
// With suggestions off in the workspace, or no AI agent to take the knowledge from, there
// are none.
func (s *Service) Suggest(ctx context.Context, workspaceID, conversationID, userID int64, typed string) ([]Suggestion, error) {
	set, err := s.Store.AssistSettings(ctx, workspaceID)
	if err != nil || !set.Suggestions {
		return nil, err
	}
	c, err := s.Store.Get(ctx, workspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	a, ok := s.assistAgent(ctx, c)
	if !ok {
		return nil, nil
	}
	text, origin := strings.TrimSpace(typed), "typed"
	var lang string
	if text == "" {
		origin = "customer"
		err := s.Store.db.Read.QueryRowContext(ctx, `SELECT body, lang FROM messages WHERE conversation_id = ? AND author = 'visitor'
			ORDER BY id DESC LIMIT 1`, c.ID).Scan(&text, &lang)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("inbox: suggest: %w", err)
		}
	}
	found, err := s.Engine.Suggest(ctx, a, text, lang)
	if err != nil {
		return nil, err
	}
	out := make([]Suggestion, 0, len(found))
	err = s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM suggestions WHERE conversation_id = ? AND user_id = ? AND outcome = 'offered'`,
			c.ID, userID); err != nil {
			return err
		}
		for _, f := range found {
			sg := Suggestion{Text: f.Text, Title: f.Source.Title, URL: f.Source.URL, SourceID: f.Source.SourceID, Origin: origin}
			res, err := tx.ExecContext(ctx, `INSERT INTO suggestions (conversation_id, user_id, source_id, title, body, origin, created_at)
				VALUES (?, ?, (SELECT id FROM sources WHERE id = ?), ?, ?, ?, ?)`,
				c.ID, userID, sg.SourceID, sg.Title, sg.Text, origin, s.Store.now().Unix())
			if err != nil {
				return err
			}
			if sg.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			out = append(out, sg)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("inbox: suggest: %w", err)
	}
	return out, nil
}

// Reply sends a person's reply, written from suggestion used (0: none), and records
// what became of the suggestions they had: the one used was sent as is or edited (a
// browser's form sends line ends as \r\n: not an edit), the others were ignored.
func (s *Service) Reply(ctx context.Context, workspaceID, conversationID, userID int64, text string, used int64) (Message, error) {
	return s.ReplyWith(ctx, workspaceID, conversationID, userID, text, used, nil)
}

// ReplyWith is Reply with what comes with the message (its files), stored by record in
// the message's transaction.
func (s *Service) ReplyWith(ctx context.Context, workspaceID, conversationID, userID int64, text string, used int64,
	record func(tx *sql.Tx, messageID int64) error) (Message, error) {
	m, err := s.HumanReplyWith(ctx, workspaceID, conversationID, userID, text, record)
	if err != nil {
		return m, err
	}
	_, err = s.Store.db.Write.ExecContext(ctx, `UPDATE suggestions SET
		outcome = CASE WHEN id = ?1 THEN (CASE WHEN body = ?2 THEN 'sent' ELSE 'edited' END) ELSE 'ignored' END,
		message_id = CASE WHEN id = ?1 THEN ?3 END, decided_at = ?4
		WHERE conversation_id = ?5 AND user_id = ?6 AND outcome = 'offered'`,
		used, strings.ReplaceAll(m.Body, "\r\n", "\n"), m.ID, s.Store.now().Unix(), conversationID, userID)
	if err != nil {
		return m, fmt.Errorf("inbox: record suggestions: %w", err)
	}
	return m, nil
}

// SendSuggestion sends an offered suggestion as is.
func (s *Service) SendSuggestion(ctx context.Context, workspaceID, conversationID, userID, suggestionID int64) (Message, error) {
	var body string
	err := s.Store.db.Read.QueryRowContext(ctx, `SELECT body FROM suggestions WHERE id = ? AND conversation_id = ? AND user_id = ?
		AND outcome = 'offered'`, suggestionID, conversationID, userID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("inbox: send suggestion: %w", err)
	}
	return s.Reply(ctx, workspaceID, conversationID, userID, body, suggestionID)
}

// AssistCounts are what the assistant did for people in a period: the replies it
// auto-sent, and the suggestions people sent as is, edited or ignored.
type AssistCounts struct {
	AutoSent int
	Sent     int
	Edited   int
	Ignored  int
}

// AssistCounts counts a workspace's auto-sent replies and decided suggestions created in
// [from, to) (unix seconds), previews excluded.
func (s *Store) AssistCounts(ctx context.Context, workspaceID, from, to int64) (AssistCounts, error) {
	var a AssistCounts
	err := s.db.Read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM auto_sent x JOIN conversations c ON c.id = x.conversation_id
			WHERE c.workspace_id = ?1 AND c.preview = 0 AND x.created_at >= ?2 AND x.created_at < ?3),
		COALESCE(SUM(g.outcome = 'sent'), 0), COALESCE(SUM(g.outcome = 'edited'), 0), COALESCE(SUM(g.outcome = 'ignored'), 0)
		FROM suggestions g JOIN conversations c ON c.id = g.conversation_id
		WHERE c.workspace_id = ?1 AND c.preview = 0 AND g.created_at >= ?2 AND g.created_at < ?3`,
		workspaceID, from, to).Scan(&a.AutoSent, &a.Sent, &a.Edited, &a.Ignored)
	if err != nil {
		return a, fmt.Errorf("inbox: assist counts: %w", err)
	}
	return a, nil
}
