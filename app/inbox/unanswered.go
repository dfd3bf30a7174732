package inbox

import (
	"context"
	"database/sql"
	"fmt"

	"agent/app/agent"
)

// The automatic assistants that may leave a customer's message unanswered: the bot
// (bot.go) and auto-send for a busy person (assist.go).
const (
	unansweredByBot      = "bot"
	unansweredByAutoSend = "auto_send"
)

// sqlUnanswered keeps the decision an assistant did not send for a customer's message;
// a message answered again (a restart's AnswerOwed) keeps the first.
const sqlUnanswered = `INSERT INTO unanswered (message_id, conversation_id, assistant, decision, reason, query, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`

// keepUnanswered records, in tx, that assistant did not answer the customer's message m
// because of the engine's decision r (not an answer), for the knowledge gaps (app/gaps).
// A reply the engine could not make at all (r.Decision "") is no decision: nothing is kept.
func (s *Store) keepUnanswered(ctx context.Context, tx *sql.Tx, m Message, assistant string, r agent.Reply) error {
	if r.Decision == "" || r.Decision == agent.Answer {
		return nil
	}
	if _, err := tx.ExecContext(ctx, sqlUnanswered, m.ID, m.ConversationID, assistant, r.Decision, r.Reason, r.Query, s.now().Unix()); err != nil {
		return fmt.Errorf("inbox: keep unanswered: %w", err)
	}
	return nil
}
