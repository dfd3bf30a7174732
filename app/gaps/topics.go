package gaps

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"agent/app/store"
)

// PageSize is how many topics a page of the list holds.
const PageSize = 50

// maxQuestions bounds the questions a topic page shows, newest first.
const maxQuestions = 500

const topicColumns = `id, workspace_id, title, status, questions, last_seen, source_id, replayed, answered`

// The queries of the list and a topic's page (plan_test.go checks their indexes).
const (
	sqlTopicCount = "SELECT COUNT(*) FROM gap_topics WHERE workspace_id = ? AND status = ? AND questions > 0"
	sqlTopics     = "SELECT " + topicColumns + ` FROM gap_topics WHERE workspace_id = ? AND status = ? AND questions > 0
		ORDER BY questions DESC, last_seen DESC, id DESC LIMIT ? OFFSET ?`
	sqlQuestions = `SELECT id, topic_id, workspace_id, conversation_id, message_id, question, lang, cause, reason, status, asked_at
		FROM gaps WHERE topic_id = ? AND status = ? ORDER BY asked_at DESC, id DESC LIMIT ?`
)

func scanTopic(row scanner) (Topic, error) {
	var t Topic
	var last int64
	var src sql.NullInt64
	err := row.Scan(&t.ID, &t.WorkspaceID, &t.Title, &t.Status, &t.Questions, &last, &src, &t.Replayed, &t.Answered)
	t.LastSeen, t.SourceID = nullTime(sql.NullInt64{Int64: last, Valid: true}), src.Int64
	return t, err
}

// Topics lists a workspace's topics of a status that hold questions, most asked first,
// page by page (from 0), with how many there are in all.
func (b *Book) Topics(ctx context.Context, workspaceID int64, status Status, page int) ([]Topic, int, error) {
	var total int
	if err := b.db.Read.QueryRowContext(ctx, sqlTopicCount, workspaceID, status).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("gaps: topics: %w", err)
	}
	rows, err := b.db.Read.QueryContext(ctx, sqlTopics, workspaceID, status, PageSize, max(0, page)*PageSize)
	if err != nil {
		return nil, 0, fmt.Errorf("gaps: topics: %w", err)
	}
	defer rows.Close()
	var ts []Topic
	for rows.Next() {
		t, err := scanTopic(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("gaps: topics: %w", err)
		}
		ts = append(ts, t)
	}
	return ts, total, rows.Err()
}

// Topic returns one topic of a workspace; one of another workspace is ErrNotFound.
func (b *Book) Topic(ctx context.Context, workspaceID, id int64) (Topic, error) {
	t, err := scanTopic(b.db.Read.QueryRowContext(ctx, "SELECT "+topicColumns+" FROM gap_topics WHERE id = ? AND workspace_id = ?", id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("gaps: topic: %w", err)
	}
	return t, nil
}

// Questions returns a topic's questions of a status, newest first (at most maxQuestions).
func (b *Book) Questions(ctx context.Context, t Topic, status Status) ([]Gap, error) {
	rows, err := b.db.Read.QueryContext(ctx, sqlQuestions, t.ID, status, maxQuestions)
	if err != nil {
		return nil, fmt.Errorf("gaps: questions: %w", err)
	}
	defer rows.Close()
	var gs []Gap
	for rows.Next() {
		var g Gap
		var at int64
		if err := rows.Scan(&g.ID, &g.TopicID, &g.WorkspaceID, &g.ConversationID, &g.MessageID, &g.Text, &g.Lang, &g.Cause, &g.Reason, &g.Status, &at); err != nil {
			return nil, fmt.Errorf("gaps: questions: %w", err)
		}
		g.AskedAt = time.Unix(at, 0)
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

// Dismiss says one open question of a workspace's topic is no gap. It is not shown again, nor is
// the same question (Key) asked again: its open copies are dismissed with it, and new ones
// are recorded dismissed. A similar question in other words still comes.
func (b *Book) Dismiss(ctx context.Context, workspaceID, topicID, gapID int64) error {
	err := b.db.Tx(ctx, func(tx *sql.Tx) error {
		var key string
		err := tx.QueryRowContext(ctx, `SELECT key FROM gaps WHERE id = ? AND workspace_id = ? AND topic_id = ?
			AND status = 'open'`, gapID, workspaceID, topicID).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO gap_dismissed (workspace_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING", workspaceID, key); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE gaps SET status = 'dismissed' WHERE workspace_id = ? AND key = ? AND status = 'open'
			RETURNING topic_id`, workspaceID, key)
		if err != nil {
			return err
		}
		topics := map[int64]bool{}
		for rows.Next() {
			var t int64
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			topics[t] = true
		}
		rows.Close()
		for t := range topics {
			if err := refresh(ctx, tx, t); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("gaps: dismiss: %w", err)
	}
	return err
}

// DismissTopic says an open topic of a workspace is no gap, with its questions. New
// questions that join it (the same words, or similar ones: Record) are recorded dismissed
// with it, so they do not come back either; Restore undoes it.
func (b *Book) DismissTopic(ctx context.Context, workspaceID, topicID, userID int64) error {
	return b.setTopic(ctx, workspaceID, topicID, userID, Open, Dismissed)
}

// Restore opens a dismissed topic again, with its questions (not those dismissed one by
// one, which stay dismissed).
func (b *Book) Restore(ctx context.Context, workspaceID, topicID, userID int64) error {
	return b.setTopic(ctx, workspaceID, topicID, userID, Dismissed, Open)
}

// setTopic moves a topic and its questions from one status to another.
func (b *Book) setTopic(ctx context.Context, workspaceID, topicID, userID int64, from, to Status) error {
	err := b.db.Tx(ctx, func(tx *sql.Tx) error {
		return moveTopic(ctx, tx, workspaceID, topicID, userID, from, to)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("gaps: %s: %w", to, err)
	}
	return err
}

func moveTopic(ctx context.Context, tx *sql.Tx, workspaceID, topicID, userID int64, from, to Status) error {
	res, err := tx.ExecContext(ctx, `UPDATE gap_topics SET status = ?, changed_by = ?, changed_at = ? WHERE id = ? AND workspace_id = ? AND status = ?`,
		to, store.NullID(userID), time.Now().Unix(), topicID, workspaceID, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	q := "UPDATE gaps SET status = ? WHERE topic_id = ? AND status = ?"
	if to == Open {
		q += " AND key NOT IN (SELECT key FROM gap_dismissed WHERE workspace_id = gaps.workspace_id)"
	}
	if _, err := tx.ExecContext(ctx, q, to, topicID, from); err != nil {
		return err
	}
	return refresh(ctx, tx, topicID)
}
