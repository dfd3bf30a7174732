package gaps

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"agent/app/agent"
)

// Turn is one stored message of a conversation as gap detection reads it.
type Turn struct {
	MessageID int64
	Author    agent.Author // visitor, bot, or another author (people, notes: read past)
	Body      string
	Lang      string
	At        time.Time
	// AI replies: the engine's decision, its reason, what it searched for, and whether it
	// offered options to pick from. A customer's message the automatic bot or auto-send
	// did not answer has the decision they did not send, and Unanswered says which one.
	Decision agent.Decision
	Reason   agent.Reason
	Query    string
	Options  bool
	// Unanswered is "bot" or "auto_send" on a customer's message that assistant did not
	// answer (the unanswered table); "" otherwise.
	Unanswered string
	// The customer's rating of an AI reply: Rated, Helpful, and the reason given.
	Rated       bool
	Helpful     bool
	RatedReason string
}

// Detect finds the questions the agent could not answer in one conversation's messages,
// oldest first, by what the engine recorded when it replied (app/agent's reasons) and what
// the customer rated:
//   - a handoff because nothing answered it (no_match; declined or uncited by the model):
//     the customer's message before it, no_answer, or clarify_failed when the agent had
//     just offered options;
//   - "something else" picked from the options offered, or a request for a person right
//     after them: the question the options were offered for, clarify_failed;
//   - an AI reply rated down for any reason but "too long" (the answer was right):
//     the question it answered, not_useful;
//   - a message the automatic bot or auto-send did not answer for lack of knowledge or
//     confidence (unsure): bot_unsure or autosend_unsure. A request for a person, an
//     answer that would repeat itself, and a message too short to tell what it asks
//     about (vague, without a word the knowledge search keeps) are none.
//
// The question is what the engine searched for (a follow-up made whole, "and to
// France?" as "shipping cost to France"), else the message. A message is one question
// however many of these it meets, and so is a question asked again in the same words
// (Key) in the conversation: the first found counts.
func Detect(workspaceID, conversationID int64, turns []Turn) []Question {
	var found []Question
	seen, keys := map[int64]bool{}, map[string]bool{}
	add := func(turn *Turn, text string, cause Cause, reason string) {
		if turn == nil || seen[turn.MessageID] {
			return
		}
		if text = strings.TrimSpace(text); text == "" {
			text = strings.TrimSpace(turn.Body)
		}
		if text == "" || keys[Key(text)] {
			return
		}
		seen[turn.MessageID], keys[Key(text)] = true, true
		found = append(found, Question{WorkspaceID: workspaceID, ConversationID: conversationID, MessageID: turn.MessageID,
			Text: text, Lang: turn.Lang, Cause: cause, Reason: reason, AskedAt: turn.At})
	}
	var asked *Turn // the customer's last message
	var offered struct {
		asked *Turn // the message the options were offered for
		query string
	}
	for i := range turns {
		t := &turns[i]
		switch t.Author {
		case agent.AuthorVisitor:
			asked = t
			if cause, ok := unsure(t); ok {
				add(t, t.Query, cause, string(t.Reason))
			}
			continue
		case agent.AuthorBot:
		default:
			continue
		}
		if t.Decision == "" {
			continue
		}
		afterOptions := offered.asked != nil
		if t.Decision == agent.Handoff {
			switch t.Reason {
			case agent.ReasonNoMatch, agent.ReasonDeclined, agent.ReasonUncited:
				cause := CauseNoAnswer
				if afterOptions {
					cause = CauseClarifyFailed
				}
				add(asked, t.Query, cause, string(t.Reason))
			case agent.ReasonOther, agent.ReasonHuman:
				if afterOptions {
					add(offered.asked, offered.query, CauseClarifyFailed, string(t.Reason))
				}
			}
		}
		if t.Rated && !t.Helpful && t.RatedReason != "too_long" {
			add(asked, t.Query, CauseNotUseful, t.RatedReason)
		}
		offered.asked, offered.query = nil, ""
		if t.Decision == agent.Clarify && t.Options {
			offered.asked, offered.query = asked, t.Query
		}
	}
	return found
}

// unsure says whether a customer's message the automatic bot or auto-send did not answer
// is a gap, and its cause: the engine found nothing (no_match), or the model declined
// or cited nothing, or it was not sure enough (options it would have offered, a question
// back); a message too short to tell is one only when it holds words the knowledge
// search keeps.
func unsure(t *Turn) (Cause, bool) {
	cause := CauseBotUnsure
	switch t.Unanswered {
	case "bot":
	case "auto_send":
		cause = CauseAutoSendUnsure
	default:
		return "", false
	}
	switch t.Reason {
	case agent.ReasonNoMatch, agent.ReasonDeclined, agent.ReasonUncited, agent.ReasonUnsure, agent.ReasonAmbiguous, agent.ReasonRephrase:
		return cause, true
	case agent.ReasonVague:
		text := t.Query
		if strings.TrimSpace(text) == "" {
			text = t.Body
		}
		return cause, len(termsOf(text)) > 0
	}
	return "", false
}

// Collect records the gaps of one conversation that are not yet recorded; a preview
// conversation has none. The inbox calls it after each handoff and rating down, and
// Backfill for every conversation, so that both find the same gaps.
func (b *Book) Collect(ctx context.Context, conversationID int64) error {
	qs, err := b.detect(ctx, conversationID)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if _, _, err := b.Record(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (b *Book) detect(ctx context.Context, conversationID int64) ([]Question, error) {
	var wsID int64
	var preview bool
	err := b.db.Read.QueryRowContext(ctx, "SELECT workspace_id, preview FROM conversations WHERE id = ?", conversationID).Scan(&wsID, &preview)
	if err == sql.ErrNoRows || preview {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gaps: collect: %w", err)
	}
	rows, err := b.db.Read.QueryContext(ctx, `SELECT m.id, m.author, m.body, m.lang, m.created_at,
			COALESCE(a.decision, u.decision, ''), COALESCE(a.reason, u.reason, ''), COALESCE(a.query, u.query, ''),
			COALESCE(a.quick_replies, ''), COALESCE(u.assistant, ''),
			f.helpful IS NOT NULL, COALESCE(f.helpful, 0), COALESCE(f.reason, '')
		FROM messages m LEFT JOIN ai_replies a ON a.message_id = m.id LEFT JOIN unanswered u ON u.message_id = m.id
			LEFT JOIN feedback f ON f.message_id = m.id
		WHERE m.conversation_id = ? ORDER BY m.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("gaps: collect: %w", err)
	}
	defer rows.Close()
	var turns []Turn
	for rows.Next() {
		var t Turn
		var at int64
		var quick string
		if err := rows.Scan(&t.MessageID, &t.Author, &t.Body, &t.Lang, &at, &t.Decision, &t.Reason, &t.Query, &quick,
			&t.Unanswered, &t.Rated, &t.Helpful, &t.RatedReason); err != nil {
			return nil, fmt.Errorf("gaps: collect: %w", err)
		}
		t.At = time.Unix(at, 0)
		var opts []string
		if json.Unmarshal([]byte(quick), &opts) == nil {
			t.Options = len(opts) > 0
		}
		turns = append(turns, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("gaps: collect: %w", err)
	}
	return Detect(wsID, conversationID, turns), nil
}

// Backfill records the gaps of every conversation of a workspace (every workspace when
// 0) that are not yet recorded, oldest question first, as they would have been recorded
// as they came. Recording is idempotent, and dismissed questions stay dismissed, so it
// may run again at any time. It returns how many gaps it recorded.
func (b *Book) Backfill(ctx context.Context, workspaceID int64) (int, error) {
	rows, err := b.db.Read.QueryContext(ctx, `SELECT m.conversation_id
		FROM ai_replies a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id
		LEFT JOIN feedback f ON f.message_id = a.message_id
		WHERE c.preview = 0 AND (?1 = 0 OR c.workspace_id = ?1) AND (a.decision = 'handoff' OR f.helpful = 0)
		UNION SELECT u.conversation_id FROM unanswered u JOIN conversations c ON c.id = u.conversation_id
		WHERE c.preview = 0 AND (?1 = 0 OR c.workspace_id = ?1)
		ORDER BY 1`, workspaceID)
	if err != nil {
		return 0, fmt.Errorf("gaps: backfill: %w", err)
	}
	var convs []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("gaps: backfill: %w", err)
		}
		convs = append(convs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("gaps: backfill: %w", err)
	}
	var all []Question
	for _, id := range convs {
		qs, err := b.detect(ctx, id)
		if err != nil {
			return 0, err
		}
		all = append(all, qs...)
	}
	slices.SortStableFunc(all, func(a, b Question) int { return a.AskedAt.Compare(b.AskedAt) })
	n := 0
	for _, q := range all {
		_, created, err := b.Record(ctx, q)
		if err != nil {
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}

// JobBackfill is the job kind that backfills an install's gaps once, after the upgrade
// that brings them.
const JobBackfill = "gaps.backfill"

// BackfillOnce runs Backfill for every workspace unless it ran before.
func (b *Book) BackfillOnce(ctx context.Context) error {
	var done int
	if err := b.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = 'gaps_backfilled'").Scan(&done); err != nil {
		return fmt.Errorf("gaps: backfill: %w", err)
	}
	if done > 0 {
		return nil
	}
	n, err := b.Backfill(ctx, 0)
	if err != nil {
		return err
	}
	b.log.Info("knowledge gaps backfilled", "gaps", n)
	_, err = b.db.Write.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('gaps_backfilled', ?) ON CONFLICT (key) DO NOTHING",
		fmt.Sprint(time.Now().Unix()))
	return err
}
