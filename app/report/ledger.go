package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"agent/app/agent"
	"agent/app/store"
	"agent/app/webhook"
)

// JobSettle is the job kind that freezes due conversations; SettleEvery how often it runs.
const (
	JobSettle   = "report.settle"
	SettleEvery = 10 * time.Minute
)

// batch is how many conversations one read and one write of the ledger take.
const batch = 500

// Ledger writes the frozen resolution records and their daily aggregates.
type Ledger struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Ledger over db; now is the clock (time.Now when nil).
func New(db *store.DB, now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{db: db, now: now}
}

// Settle freezes every conversation that is due and records the customers who came back
// after their conversation froze. It returns how many records it wrote.
func (l *Ledger) Settle(ctx context.Context) (int, error) {
	return l.settle(ctx, 0, true)
}

// Rebuild throws away the ledger and aggregates of a workspace (every workspace when 0)
// and writes them again from the conversations: the records come out the same, since
// each reads only what happened up to its freeze.
func (l *Ledger) Rebuild(ctx context.Context, workspaceID int64) (int, error) {
	err := l.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"resolutions", "report_days"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE ?1 = 0 OR workspace_id = ?1", workspaceID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("report: rebuild: %w", err)
	}
	return l.settle(ctx, workspaceID, false)
}

// settle writes the records that are due; announce sends each to the webhooks that want
// it, which a rebuild does not: its records were announced when they were first written.
func (l *Ledger) settle(ctx context.Context, workspaceID int64, announce bool) (int, error) {
	now := l.now().Unix()
	zones := zones{}
	written, after := 0, int64(0)
	for {
		ids, err := l.due(ctx, workspaceID, now, after)
		if err != nil {
			return written, err
		}
		if len(ids) == 0 {
			return written, l.reopened(ctx, workspaceID, zones)
		}
		after = ids[len(ids)-1]
		hs, err := l.histories(ctx, ids)
		if err != nil {
			return written, err
		}
		var recs []Record
		for _, h := range hs {
			if r, ok := Evaluate(h, now); ok {
				recs = append(recs, r)
			}
		}
		n, err := l.write(ctx, recs, now, zones, announce)
		written += n
		if err != nil {
			return written, err
		}
	}
}

// due lists, after id after, conversations without a record that could be due.
func (l *Ledger) due(ctx context.Context, workspaceID, now, after int64) ([]int64, error) {
	rows, err := l.db.Read.QueryContext(ctx, `SELECT c.id FROM conversations c
		WHERE c.id > ?1 AND c.preview = 0 AND c.created_at <= ?2 AND (?3 = 0 OR c.workspace_id = ?3)
		AND NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.conversation_id = c.id)
		ORDER BY c.id LIMIT ?4`, after, now-Window, workspaceID, batch)
	if err != nil {
		return nil, fmt.Errorf("report: due conversations: %w", err)
	}
	return scanIDs(rows)
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// histories reads what the ledger needs of the conversations ids, in four queries.
func (l *Ledger) histories(ctx context.Context, ids []int64) ([]History, error) {
	list, _ := json.Marshal(ids)
	in := " IN (SELECT value FROM json_each(?))"
	hs := make([]History, 0, len(ids))
	at := map[int64]int{}
	err := each(ctx, l.db.Read, `SELECT id, workspace_id, COALESCE(agent_id, 0), channel, COALESCE(first_ai_at, 0)
		FROM conversations WHERE id`+in+` ORDER BY id`, list, func(rows *sql.Rows) error {
		var h History
		if err := rows.Scan(&h.ConversationID, &h.WorkspaceID, &h.AgentID, &h.Channel, &h.FirstAIAt); err != nil {
			return err
		}
		at[h.ConversationID] = len(hs)
		hs = append(hs, h)
		return nil
	})
	if err == nil {
		err = each(ctx, l.db.Read, `SELECT m.conversation_id, m.id, m.author, m.created_at, COALESCE(a.decision, ''), COALESCE(a.reason, ''),
			EXISTS (SELECT 1 FROM reply_sources s WHERE s.message_id = m.id),
			EXISTS (SELECT 1 FROM auto_sent x WHERE x.message_id = m.id),
			COALESCE((SELECT am.kind FROM automatic_messages am WHERE am.message_id = m.id), '')
			FROM messages m LEFT JOIN ai_replies a ON a.message_id = m.id
			WHERE m.conversation_id`+in+` ORDER BY m.conversation_id, m.id`, list, func(rows *sql.Rows) error {
			var c int64
			var m Msg
			var author, decision, reason string
			var automatic string
			var autoSent bool
			if err := rows.Scan(&c, &m.ID, &author, &m.At, &decision, &reason, &m.Cited, &autoSent, &automatic); err != nil {
				return err
			}
			m.Kind = KindOf(author, decision, reason, automatic, autoSent)
			m.AskedFor = reason == string(agent.ReasonHuman)
			hs[at[c]].Messages = append(hs[at[c]].Messages, m)
			return nil
		})
	}
	if err == nil {
		err = each(ctx, l.db.Read, `SELECT conversation_id, cause, created_at FROM handoffs
			WHERE conversation_id`+in+` ORDER BY id`, list, func(rows *sql.Rows) error {
			var c int64
			var t Transfer
			if err := rows.Scan(&c, &t.Cause, &t.At); err != nil {
				return err
			}
			hs[at[c]].Handoffs = append(hs[at[c]].Handoffs, t)
			return nil
		})
	}
	if err == nil {
		err = each(ctx, l.db.Read, `SELECT m.conversation_id, f.message_id, f.helpful, f.reason, f.created_at
			FROM feedback f JOIN messages m ON m.id = f.message_id
			WHERE m.conversation_id`+in+` ORDER BY f.message_id`, list, func(rows *sql.Rows) error {
			var c int64
			var f Rating
			if err := rows.Scan(&c, &f.MessageID, &f.Helpful, &f.Reason, &f.At); err != nil {
				return err
			}
			hs[at[c]].Ratings = append(hs[at[c]].Ratings, f)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("report: read conversations: %w", err)
	}
	return hs, nil
}

// each runs query with args and calls fn on each row.
func each(ctx context.Context, db *sql.DB, query string, arg any, fn func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// write stores recs that have no record yet (a record is never rewritten) and adds them to
// their days, in one transaction.
func (l *Ledger) write(ctx context.Context, recs []Record, now int64, zones zones, announce bool) (int, error) {
	n := 0
	err := l.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range recs {
			var resSecs, firstResp any
			if r.Outcome == Resolved {
				resSecs = r.ResolutionSecs
			}
			if r.FirstResponse >= 0 {
				firstResp = r.FirstResponse
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO resolutions (conversation_id, workspace_id, agent_id, channel,
				first_customer_at, frozen_at, outcome, reasons, handoff_causes, resolution_secs, feedback, responded_24h,
				first_response_secs, assistant_resolved, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (conversation_id) DO NOTHING`, r.ConversationID, r.WorkspaceID, r.AgentID, r.Channel,
				r.FirstCustomerAt, r.FrozenAt, r.Outcome, join(r.Reasons), join(r.Causes), resSecs, join(r.Feedback),
				r.Responded24h, firstResp, r.AssistantSolved, now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			n++
			if announce {
				if err := webhook.Record(ctx, tx, time.Unix(now, 0), r.WorkspaceID, webhook.ResolutionEvaluated, r.ConversationID); err != nil {
					return err
				}
			}
			if err := addDay(ctx, tx, zones, r, r.ReopenedAt > 0); err != nil {
				return err
			}
			if r.ReopenedAt > 0 {
				if _, err := tx.ExecContext(ctx, "INSERT INTO reopenings (conversation_id, reopened_at) VALUES (?, ?)", r.ConversationID, r.ReopenedAt); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("report: write records: %w", err)
	}
	return n, nil
}

// reopened records the customers who wrote again after their conversation froze. The
// record stays as it was; the reopening counts on the record's day.
func (l *Ledger) reopened(ctx context.Context, workspaceID int64, zones zones) error {
	var recs []Record
	err := each(ctx, l.db.Read, `SELECT r.conversation_id, r.workspace_id, r.agent_id, r.channel, r.first_customer_at,
		(SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = r.conversation_id AND m.author = 'visitor' AND m.created_at > r.frozen_at)
		FROM resolutions r JOIN conversations c ON c.id = r.conversation_id
		WHERE (?1 = 0 OR r.workspace_id = ?1) AND c.last_activity_at > r.frozen_at
		AND NOT EXISTS (SELECT 1 FROM reopenings o WHERE o.conversation_id = r.conversation_id)`, workspaceID, func(rows *sql.Rows) error {
		var r Record
		var at sql.NullInt64
		if err := rows.Scan(&r.ConversationID, &r.WorkspaceID, &r.AgentID, &r.Channel, &r.FirstCustomerAt, &at); err != nil {
			return err
		}
		if at.Valid {
			r.ReopenedAt = at.Int64
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil || len(recs) == 0 {
		return err
	}
	return l.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range recs {
			res, err := tx.ExecContext(ctx, "INSERT INTO reopenings (conversation_id, reopened_at) VALUES (?, ?) ON CONFLICT DO NOTHING", r.ConversationID, r.ReopenedAt)
			if err != nil {
				return fmt.Errorf("report: reopening: %w", err)
			}
			if k, _ := res.RowsAffected(); k == 1 {
				if err := addReopening(ctx, tx, zones, r); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
