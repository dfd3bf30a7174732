package inbox

import (
	"context"
	"database/sql"
	"math"
	"time"

	"agent/app/agent"
)

// SetClock replaces the store's clock, for the tests of package inbox_test (compiled into
// tests only).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// AddAnswering stores a customer's message as VisitorMessage does before the AI answers
// it: claimed by this process, as a reply in progress here is.
func (s *Store) AddAnswering(ctx context.Context, conversationID int64, text string) (Message, error) {
	m, _, err := s.addMessage(ctx, Message{ConversationID: conversationID, Author: agent.AuthorVisitor, Body: text, Lang: "en"}, 0, true)
	return m, err
}

// ClaimAs makes process holder the one answering a message: a process that died while
// answering it, or one running beside this one.
func (s *Store) ClaimAs(ctx context.Context, messageID int64, holder string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := claimTurn(ctx, tx, messageID, holder)
		return err
	})
}

// AddAIReplyAs stores an AI reply to a message as process holder would when it finishes.
func (s *Store) AddAIReplyAs(ctx context.Context, conversationID, agentID, messageID int64, holder string, r agent.Reply) error {
	_, err := s.addAIReply(ctx, conversationID, agentID, r, turn{messageID: messageID, holder: holder}, nil)
	return err
}

// Claims counts the claims held, by anyone.
func (s *Store) Claims(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM answer_claims").Scan(&n)
	return n, err
}

// HistoryTurns is how many turns the AI is shown at most.
const HistoryTurns = historyTurns

// AIHistory reads what the AI is given of a conversation before answering a new message.
func (s *Store) AIHistory(ctx context.Context, conversationID int64) ([]agent.Turn, error) {
	return s.history(ctx, conversationID, math.MaxInt64)
}
