package webhook

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"agent/app/jobs"
	"agent/app/store"
	"agent/app/usererr"
)

// Delivery is one event sent, or being sent, to one subscription: a line of the log.
type Delivery struct {
	ID             int64
	EventID        int64
	Type           Type
	Status         string // pending, delivered or failed
	Attempts       int
	ResponseStatus int // the receiver's last HTTP status; 0 when none came
	ResponseTime   time.Duration
	LastError      string
	NextAttempt    time.Time // zero once delivered or given up
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Deliveries returns a subscription's newest deliveries, at most limit.
func (s *Store) Deliveries(ctx context.Context, workspaceID, subscriptionID int64, limit int) ([]Delivery, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.response_status, d.response_ms,
		d.last_error, COALESCE(d.next_attempt_at, 0), d.created_at, d.updated_at
		FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id JOIN webhook_events e ON e.id = d.event_id
		WHERE s.id = ? AND s.workspace_id = ? ORDER BY d.id DESC LIMIT ?`, subscriptionID, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var ms, next, created, updated int64
		if err := rows.Scan(&d.ID, &d.EventID, &d.Type, &d.Status, &d.Attempts, &d.ResponseStatus, &ms, &d.LastError, &next, &created, &updated); err != nil {
			return nil, fmt.Errorf("webhook: deliveries: %w", err)
		}
		d.ResponseTime = time.Duration(ms) * time.Millisecond
		d.NextAttempt, d.CreatedAt, d.UpdatedAt = store.TimeOrZero(next), time.Unix(created, 0), time.Unix(updated, 0)
		out = append(out, d)
	}
	return out, rows.Err()
}

// TestsPerMinute bounds the test events of one subscription, so that the button (or a
// script posting its form) cannot make the server a sender of requests to any URL.
const TestsPerMinute = 5

// SendTest queues a Ping to one subscription, active, off or paused, so that a person can
// check their receiver (and its signature check) from Settings. Past TestsPerMinute it is
// refused with the wait, in words.
func (s *Store) SendTest(ctx context.Context, workspaceID, subscriptionID int64) error {
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		var oldest int64
		err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(min(created_at), 0) FROM (SELECT created_at FROM webhook_events
			WHERE subscription_id = ? AND type = ? AND created_at > ? ORDER BY created_at DESC LIMIT ?)`,
			subscriptionID, string(Ping), now.Add(-time.Minute).Unix(), TestsPerMinute).Scan(&n, &oldest)
		if err != nil {
			return fmt.Errorf("webhook: test: %w", err)
		}
		if n >= TestsPerMinute {
			wait := max(1, oldest+60-now.Unix())
			return usererr.Error(fmt.Sprintf("a webhook may send %d test events a minute: try again in %d seconds", TestsPerMinute, wait))
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (workspace_id, type, ref_id, subscription_id, created_at)
			SELECT workspace_id, ?, id, id, ? FROM webhook_subscriptions WHERE id = ? AND workspace_id = ?`,
			string(Ping), now.Unix(), subscriptionID, workspaceID)
		if err != nil {
			return fmt.Errorf("webhook: test: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		return jobs.Schedule(ctx, tx, JobDispatch, now, dispatchJob{id})
	})
}

// Held reports whether the delivery waits for its paused webhook to be resumed.
func (d Delivery) Held() bool { return d.Status == "pending" && d.NextAttempt.IsZero() }
