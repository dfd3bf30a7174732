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
	// offered options to pick from.
	Decision agent.Decision
	Reason   agent.Reason
	Query    string
	Options  bool
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
//     the question it answered, not_useful.
//
// The question is what the engine searched for (a follow-up made whole, "and to
// France?" as "shipping cost to France"), else the message. A message is one question
// however many of these it meets: the first found counts.
func Detect(workspaceID, conversationID int64, turns []Turn) []Question {
	var found []Question
	seen := map[int64]bool{}
	add := func(asked *Turn, text string, cause Cause) {
		if asked == nil || seen[asked.MessageID] {
			return
		}
		if text = strings.TrimSpace(text); text == "" {
			text = strings.TrimSpace(asked.Body)
		}
		if text == "" {
			return
		}
		seen[asked.MessageID] = true
		found = append(found, Question{WorkspaceID: workspaceID, ConversationID: conversationID, MessageID: asked.MessageID,
			Text: text, Lang: asked.Lang, Cause: cause, AskedAt: asked.At})
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
				add(asked, t.Query, cause)
			case agent.ReasonOther, agent.ReasonHuman:
				if afterOptions {
					add(offered.asked, offered.query, CauseClarifyFailed)
				}
			}
		}
		if t.Rated && !t.Helpful && t.RatedReason != "too_long" {
			add(asked, t.Query, CauseNotUseful)
		}
		offered.asked, offered.query = nil, ""
		if t.Decision == agent.Clarify && t.Options {
			offered.asked, offered.query = asked, t.Query
		}
	}
	return found
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
			COALESCE(a.decision, ''), COALESCE(a.reason, ''), COALESCE(a.query, ''), COALESCE(a.quick_replies, ''),
			f.helpful IS NOT NULL, COALESCE(f.helpful, 0), COALESCE(f.reason, '')
		FROM messages m LEFT JOIN ai_replies a ON a.message_id = m.id LEFT JOIN feedback f ON f.message_id = m.id
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
			&t.Rated, &t.Helpful, &t.RatedReason); err != nil {
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
	rows, err := b.db.Read.QueryContext(ctx, `SELECT DISTINCT m.conversation_id
		FROM ai_replies a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id
		LEFT JOIN feedback f ON f.message_id = a.message_id
		WHERE c.preview = 0 AND (?1 = 0 OR c.workspace_id = ?1) AND (a.decision = 'handoff' OR f.helpful = 0)
		ORDER BY m.conversation_id`, workspaceID)
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
