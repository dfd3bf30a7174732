package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Notifications are how a person is told, while the inbox is open in a tab, of a
// conversation newly assigned to them or a customer's new message in one of theirs: a
// sound, a desktop notification (once the browser allows it), and always the count in
// the tab's title.
type Notifications struct {
	Sound   bool
	Desktop bool
}

// NotificationsOf returns a person's settings; both are on until they change them.
func (s *Store) NotificationsOf(ctx context.Context, userID int64) (Notifications, error) {
	n := Notifications{Sound: true, Desktop: true}
	err := s.db.Read.QueryRowContext(ctx, "SELECT sound, desktop FROM notification_settings WHERE user_id = ?", userID).Scan(&n.Sound, &n.Desktop)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("inbox: notification settings: %w", err)
	}
	return n, nil
}

// SetNotifications records a person's settings.
func (s *Store) SetNotifications(ctx context.Context, userID int64, n Notifications) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO notification_settings (user_id, sound, desktop, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET sound = excluded.sound, desktop = excluded.desktop, updated_at = excluded.updated_at`,
		userID, n.Sound, n.Desktop, s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: set notification settings: %w", err)
	}
	return nil
}

// Waiting is one of a person's open conversations with a customer message they have not
// opened yet, and its last message: the inbox counts them in the tab's title, and tells
// the person of each new one (a sound, a desktop notification).
type Waiting struct {
	ConversationID int64
	LastMessageID  int64
}

// MaxWaiting bounds how many waiting conversations the inbox follows: the title then says "99+".
const MaxWaiting = 100

// sqlWaiting reads a person's (?1) waiting conversations in a workspace (?2), newest first.
const sqlWaiting = `SELECT c.id, COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = c.id), 0)
	FROM conversations c WHERE c.assignee_id = ?1 AND c.workspace_id = ?2 AND c.preview = 0 AND c.status = 'open'
	AND c.unread = 1 AND c.snoozed_until IS NULL ORDER BY c.last_activity_at DESC LIMIT ?3`

// WaitingFor returns a person's waiting conversations, up to MaxWaiting+1.
func (s *Store) WaitingFor(ctx context.Context, workspaceID, userID int64) ([]Waiting, error) {
	rows, err := s.db.Read.QueryContext(ctx, sqlWaiting, userID, workspaceID, MaxWaiting+1)
	if err != nil {
		return nil, fmt.Errorf("inbox: waiting: %w", err)
	}
	defer rows.Close()
	var out []Waiting
	for rows.Next() {
		var w Waiting
		if err := rows.Scan(&w.ConversationID, &w.LastMessageID); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
