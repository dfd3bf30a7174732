package inbox

import (
	"context"
	"fmt"
	"time"

	"agent/app/usererr"
)

// JobWake is the job that brings snoozed conversations back when their time comes.
const JobWake = "inbox.wake"

// WakeEvery is how often the wake job runs: a conversation comes back within a minute of
// its time.
const WakeEvery = time.Minute

// MaxSnooze is how far ahead a conversation may be snoozed.
const MaxSnooze = 365 * 24 * time.Hour

// Snooze takes an open conversation out of the open views until a time; it comes back then
// (Wake), or when the customer writes. A closed conversation, or a time not in the future,
// is an input error.
func (s *Store) Snooze(ctx context.Context, workspaceID, conversationID int64, until time.Time) error {
	now := s.now()
	if !until.After(now) || until.Sub(now) > MaxSnooze {
		return &usererr.InputError{Field: "until", Message: "choose a time in the coming year"}
	}
	res, err := s.db.Write.ExecContext(ctx, `UPDATE conversations SET snoozed_until = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND preview = 0 AND status = 'open'`, until.Unix(), now.Unix(), conversationID, workspaceID)
	if err != nil {
		return fmt.Errorf("inbox: snooze: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Get(ctx, workspaceID, conversationID); err != nil {
			return err
		}
		return &usererr.InputError{Field: "until", Message: "only an open conversation can be snoozed"}
	}
	return nil
}

// Unsnooze brings a snoozed conversation back at once.
func (s *Store) Unsnooze(ctx context.Context, workspaceID, conversationID int64) error {
	res, err := s.db.Write.ExecContext(ctx, `UPDATE conversations SET snoozed_until = NULL, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND preview = 0`, s.now().Unix(), conversationID, workspaceID)
	if err != nil {
		return fmt.Errorf("inbox: unsnooze: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// sqlDue reads the snoozed conversations whose time has come (?1).
const sqlDue = "SELECT id, workspace_id FROM conversations WHERE snoozed_until <= ?1 AND snoozed_until IS NOT NULL"

// Wake brings back the conversations whose snooze has ended, unread so that whoever has
// them notices, and returns them.
func (s *Store) Wake(ctx context.Context) ([]Conversation, error) {
	now := s.now().Unix()
	rows, err := s.db.Read.QueryContext(ctx, sqlDue, now)
	if err != nil {
		return nil, fmt.Errorf("inbox: wake: %w", err)
	}
	var due []Conversation
	for rows.Next() {
		var c Conversation
		if err := rows.Scan(&c.ID, &c.WorkspaceID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: wake: %w", err)
		}
		due = append(due, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: wake: %w", err)
	}
	var woken []Conversation
	for _, c := range due {
		// Only if still due: a person may have snoozed it again meanwhile.
		res, err := s.db.Write.ExecContext(ctx, `UPDATE conversations SET snoozed_until = NULL, unread = 1, updated_at = ?1
			WHERE id = ?2 AND snoozed_until <= ?1`, now, c.ID)
		if err != nil {
			return woken, fmt.Errorf("inbox: wake: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			woken = append(woken, c)
		}
	}
	return woken, nil
}

// Snooze takes a conversation out of the open views until a time, and tells everyone following.
func (s *Service) Snooze(ctx context.Context, workspaceID, conversationID int64, until time.Time) error {
	if err := s.Store.Snooze(ctx, workspaceID, conversationID, until); err != nil {
		return err
	}
	s.publish(Conversation{ID: conversationID, WorkspaceID: workspaceID}, Event{Kind: EventConversation})
	return nil
}

// Unsnooze brings a snoozed conversation back at once, and tells everyone following.
func (s *Service) Unsnooze(ctx context.Context, workspaceID, conversationID int64) error {
	if err := s.Store.Unsnooze(ctx, workspaceID, conversationID); err != nil {
		return err
	}
	s.publish(Conversation{ID: conversationID, WorkspaceID: workspaceID}, Event{Kind: EventConversation})
	return nil
}

// Wake brings back the conversations whose snooze has ended (the JobWake job).
func (s *Service) Wake(ctx context.Context) error {
	woken, err := s.Store.Wake(ctx)
	for _, c := range woken {
		s.publish(c, Event{Kind: EventConversation})
	}
	return err
}
