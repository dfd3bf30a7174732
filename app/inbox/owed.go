package inbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"agent/app/agent"
)

// process names this process in the claims it holds (answer_claims). A claim held by
// another name was left by a process that stopped, or is held by one running beside
// this one; either way only the holder's answer is stored (turn.end), so taking it over
// can make a message answered late but never twice.
var process = rand.Text()

// errClaimLost is an answer refused because another process took its message over.
var errClaimLost = errors.New("inbox: the message was taken over by another process")

// turn is a claim on answering one customer message; the zero turn claims nothing.
type turn struct {
	messageID int64
	holder    string
}

// Taking and ending a claim.
const (
	sqlClaim = `INSERT INTO answer_claims (message_id, holder) VALUES (?, ?)
		ON CONFLICT (message_id) DO UPDATE SET holder = excluded.holder`
	sqlEndClaim = "DELETE FROM answer_claims WHERE message_id = ? AND holder = ?"
)

// claimTurn makes holder (this process, but in tests) the one to answer a message, inside tx.
func claimTurn(ctx context.Context, tx *sql.Tx, messageID int64, holder string) (turn, error) {
	if _, err := tx.ExecContext(ctx, sqlClaim, messageID, holder); err != nil {
		return turn{}, fmt.Errorf("claim message %d: %w", messageID, err)
	}
	return turn{messageID: messageID, holder: holder}, nil
}

// end ends the claim inside the transaction that stores its answer, which must not be
// stored when the claim was taken over meanwhile (errClaimLost).
func (t turn) end(ctx context.Context, tx *sql.Tx) error {
	if t.messageID == 0 {
		return nil
	}
	res, err := tx.ExecContext(ctx, sqlEndClaim, t.messageID, t.holder)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errClaimLost
	}
	return nil
}

// endTurn ends a claim whose message needs no answer from anyone.
func (s *Store) endTurn(ctx context.Context, t turn) error {
	if t.messageID == 0 {
		return nil
	}
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return t.end(ctx, tx) }); err != nil {
		return fmt.Errorf("inbox: end claim: %w", err)
	}
	return nil
}

// claimOwed claims the next message, after the message afterID, that the AI owes a reply
// and no running process of this one is answering: the latest message the customer
// sees of an open conversation an active AI agent is on is the customer's, and no claim on
// it is this process's. Everything that answers a customer's message (an AI reply, a
// person's reply, a system notice) comes after it, and every handoff but one that keeps
// the AI on (which sends a notice) takes the conversation off the AI. Conversations
// idle past their channel's limit are over (CloseInactive closes them), and previews are
// an admin trying the widget; neither is owed anything.
func (s *Store) claimOwed(ctx context.Context, afterID int64) (Conversation, Message, turn, bool, error) {
	var c Conversation
	var m Message
	var t turn
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var created int64
		c2, err := scanConversation(tx.QueryRowContext(ctx, "SELECT "+prefixed("c.", conversationColumns)+`, m.id, m.body, m.lang, m.created_at
			FROM conversations c
			JOIN agents a ON a.id = c.agent_id AND a.active = 1
			JOIN messages m ON m.id = (SELECT MAX(id) FROM messages WHERE conversation_id = c.id AND author IN ('visitor', 'bot', 'human', 'system'))
			LEFT JOIN answer_claims ac ON ac.message_id = m.id
			WHERE c.ai_active = 1 AND c.preview = 0 AND c.status = 'open' AND c.channel_id IS NOT NULL AND m.author = 'visitor'
				AND m.id > ? AND (ac.holder IS NULL OR ac.holder <> ?)
				AND c.last_activity_at >= ? - COALESCE((SELECT close_after FROM channels ch WHERE ch.id = c.channel_id), 86400)
			ORDER BY m.id LIMIT 1`, afterID, process, s.now().Unix()), &m.ID, &m.Body, &m.Lang, &created)
		if err != nil {
			return err
		}
		c, m.ConversationID, m.Author, m.CreatedAt = c2, c2.ID, agent.AuthorVisitor, time.Unix(created, 0)
		t, err = claimTurn(ctx, tx, m.ID, process)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return c, m, t, false, nil
	}
	if err != nil {
		return c, m, t, false, fmt.Errorf("inbox: owed messages: %w", err)
	}
	return c, m, t, true, nil
}

// AnswerOwed answers the customers' messages the AI owed a reply when a process stopped
// between storing one and answering it (a crash, a kill, a power cut), through the same
// path as a live message, so a visitor following the conversation sees the reply as it is
// written. A message older than within goes to a person instead: the customer has
// likely left, and a bot answering long after helps no one. It is run at start (a job);
// running it again, or beside live replies, answers nothing twice: each message is
// claimed before it is answered, and only the holder's answer is stored.
func (s *Service) AnswerOwed(ctx context.Context, within time.Duration) error {
	var after int64
	n := 0
	for {
		c, m, t, ok, err := s.Store.claimOwed(ctx, after)
		if err != nil || !ok {
			if n > 0 && s.Log != nil {
				s.Log.Info("answered messages left unanswered by a stop", "count", n)
			}
			return err
		}
		after = m.ID
		if err := s.answerOwed(ctx, c, m, t, within); err != nil {
			// Let the job's next attempt take it again; a claim already ended (the reply
			// stored, a later step failed) has nothing to give back.
			if rerr := s.Store.endTurn(context.WithoutCancel(ctx), t); rerr != nil && !errors.Is(rerr, errClaimLost) && s.Log != nil {
				s.Log.Error("give back a claim", "message", m.ID, "err", rerr)
			}
			return fmt.Errorf("inbox: answer message %d of conversation %d: %w", m.ID, c.ID, err)
		}
		n++
	}
}

func (s *Service) answerOwed(ctx context.Context, c Conversation, m Message, t turn, within time.Duration) error {
	ch, err := s.Channels.ByID(ctx, c.ChannelID)
	if err != nil {
		return err
	}
	if s.Store.now().Sub(m.CreatedAt) > within {
		_, err := s.handoff(ctx, ch, c, CauseNoAnswer, m.Lang, t)
		return err
	}
	a, aiOK := s.activeAgent(ctx, c)
	_, err = s.answer(ctx, ch, c, a, aiOK, m, t)
	return err
}
