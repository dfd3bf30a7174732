package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"

	"agent/app/channel/email"
)

// Notify mails a person of the workspace (a quote's owner told of a handoff) from the
// workspace's first active email channel, and reports whether it had one to send from: a
// workspace without a mailbox notifies in the app only.
func (s *Sender) Notify(ctx context.Context, workspaceID int64, to mail.Address, subject, text string) (bool, error) {
	var id int64
	err := s.DB.Read.QueryRowContext(ctx, "SELECT id FROM channels WHERE workspace_id = ? AND kind = 'email' AND active = 1 ORDER BY id LIMIT 1",
		workspaceID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mailbox: notify: %w", err)
	}
	set, err := s.Settings.Get(ctx, id)
	if err != nil {
		return false, err
	}
	raw, _, err := email.Compose(email.Outgoing{From: mail.Address{Name: set.FromName, Address: set.Address}, To: []mail.Address{to},
		Subject: subject, Text: text, Automatic: true})
	if err != nil {
		return false, fmt.Errorf("mailbox: notify: %w", err)
	}
	return true, s.submit(ctx, set, to.Address, raw)
}
