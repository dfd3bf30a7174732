package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"agent/app/ids"
	"agent/app/jobs"
)

// A webhook is paused when one of its deliveries is given up (all its attempts, over
// about a day, failed) and no delivery to it succeeded meanwhile: its receiver is gone or
// broken, and sending on would only fill the log. While paused its events are held, not
// sent; Resume sends those not older than HoldFor, oldest first, and marks older ones
// failed. Its test event is sent all the same, to try the receiver before resuming.
const HoldFor = 3 * 24 * time.Hour

// JobPaused tells a paused webhook's workspace admins, by mail, from the workspace's
// mailbox when it has one (the settings pages say it too).
const JobPaused = "webhook-paused"

// errHeldTooLong is the log's last error of a held delivery dropped on resume.
const errHeldTooLong = "not sent: held longer than 3 days while the webhook was paused"

// Mailer mails a person of the workspace from its mailbox, reporting whether it has one;
// *mailbox.Sender is one.
type Mailer interface {
	Notify(ctx context.Context, workspaceID int64, to mail.Address, subject, text string) (bool, error)
}

type pausedJob struct {
	Subscription int64 `json:"subscription"`
}

// pauseIfFailing pauses subscription sub after a delivery made at since was given up,
// when no delivery to it succeeded since then, and queues the admins' notice; it reports
// whether it paused it.
func pauseIfFailing(ctx context.Context, tx *sql.Tx, sub int64, since, now time.Time, t Type, lastErr string) (bool, error) {
	reason := fmt.Sprintf("Every delivery failed since %s UTC. The last one given up, %s, failed %d times: %s",
		since.UTC().Format("2006-01-02 15:04"), t, len(Backoff)+1, lastErr)
	res, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET paused_at = ?, paused_reason = ?
		WHERE id = ? AND paused_at IS NULL AND active = 1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries
			WHERE subscription_id = ?3 AND status = 'delivered' AND updated_at >= ?4)`, now.Unix(), reason, sub, since.Unix())
	if err != nil {
		return false, fmt.Errorf("webhook: pause: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, jobs.Schedule(ctx, tx, JobPaused, now, pausedJob{sub})
}

// hold keeps a delivery of a paused webhook for its resume. When the webhook was resumed
// since its state was read, the delivery is sent instead.
func hold(ctx context.Context, tx *sql.Tx, j deliverJob, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'pending'
		AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = webhook_deliveries.subscription_id AND s.paused_at IS NOT NULL)`,
		now.Unix(), j.Delivery)
	if err != nil {
		return fmt.Errorf("webhook: hold: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return jobs.Schedule(ctx, tx, JobDeliver, now, j)
	}
	return nil
}

// Resume ends a webhook's pause: the deliveries held since are sent, oldest first, but
// for those of events older than HoldFor, which are marked failed. It returns how many
// are sent. A webhook that is not paused is left alone.
func (s *Store) Resume(ctx context.Context, workspaceID, id int64) (int, error) {
	now := s.now()
	sent := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var paused bool
		err := tx.QueryRowContext(ctx, "SELECT paused_at IS NOT NULL FROM webhook_subscriptions WHERE id = ? AND workspace_id = ?",
			id, workspaceID).Scan(&paused)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || !paused {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE webhook_subscriptions SET paused_at = NULL, paused_reason = '' WHERE id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', last_error = ?, updated_at = ?
			WHERE subscription_id = ? AND status = 'pending' AND next_attempt_at IS NULL
			AND event_id IN (SELECT id FROM webhook_events WHERE created_at < ?)`, errHeldTooLong, now.Unix(), id, now.Add(-HoldFor).Unix()); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, updated_at = ?
			WHERE subscription_id = ? AND status = 'pending' AND next_attempt_at IS NULL RETURNING id`, now.Unix(), now.Unix(), id)
		if err != nil {
			return err
		}
		var held []int64
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return err
			}
			held = append(held, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range held { // ids grow with events: the job runner takes them in order
			if err := jobs.Schedule(ctx, tx, JobDeliver, now, deliverJob{d}); err != nil {
				return err
			}
		}
		sent = len(held)
		return nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("webhook: resume: %w", err)
	}
	return sent, err
}

// Paused returns a workspace's paused webhooks, for the notice on its admins' pages.
func (s *Store) Paused(ctx context.Context, workspaceID int64) ([]Subscription, error) {
	return s.list(ctx, "workspace_id = ? AND paused_at IS NOT NULL", workspaceID)
}

// NoticePaused is JobPaused's handler: it mails each owner and admin of the paused
// webhook's workspace, when the workspace has a mailbox and the webhook is still paused.
func (d *Sender) NoticePaused(ctx context.Context, raw json.RawMessage) error {
	var j pausedJob
	if err := json.Unmarshal(raw, &j); err != nil {
		return fmt.Errorf("webhook: paused notice: %w", err)
	}
	if d.mail == nil {
		return nil
	}
	var sub Subscription
	err := d.db.Read.QueryRowContext(ctx, `SELECT id, workspace_id, url, paused_reason FROM webhook_subscriptions
		WHERE id = ? AND paused_at IS NOT NULL`, j.Subscription).Scan(&sub.ID, &sub.WorkspaceID, &sub.URL, &sub.PausedReason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // resumed or deleted since
	}
	if err != nil {
		return fmt.Errorf("webhook: paused notice: %w", err)
	}
	rows, err := d.db.Read.QueryContext(ctx, `SELECT u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.role IN ('owner', 'admin') AND u.disabled = 0 ORDER BY u.id`, sub.WorkspaceID)
	if err != nil {
		return fmt.Errorf("webhook: paused notice: %w", err)
	}
	var to []mail.Address
	for rows.Next() {
		var a mail.Address
		if err := rows.Scan(&a.Name, &a.Address); err != nil {
			rows.Close()
			return err
		}
		to = append(to, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	link := strings.TrimRight(d.BaseURL, "/") + "/w/" + ids.Encode(sub.WorkspaceID) + "/settings/webhooks/" + ids.Encode(sub.ID)
	subject := "A webhook was paused: its receiver keeps failing"
	for _, a := range to {
		text := fmt.Sprintf("Hello %s,\n\nThe webhook to %s was paused.\n\n%s\n\nIts events are held for %d days. "+
			"Once the receiver answers again, press Resume on the webhook's page: the held events are sent, oldest first.\n\n%s\n",
			a.Name, sub.URL, sub.PausedReason, int(HoldFor.Hours()/24), link)
		if _, err := d.mail.Notify(ctx, sub.WorkspaceID, a, subject, text); err != nil {
			return fmt.Errorf("webhook: paused notice: %w", err)
		}
	}
	return nil
}
