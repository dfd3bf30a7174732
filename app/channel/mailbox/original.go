package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"agent/app/attach"
	"agent/app/channel/email"
	"agent/app/inbox"
)

// WithOriginal lists the messages of a conversation of the workspace that came as HTML
// mail, whose original the inbox can show (Original).
func (s *Store) WithOriginal(ctx context.Context, workspaceID, conversationID int64) (map[int64]bool, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT e.message_id FROM email_messages e JOIN conversations c ON c.id = e.conversation_id
		WHERE e.conversation_id = ? AND c.workspace_id = ? AND e.html <> ''`, conversationID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("mailbox: originals: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("mailbox: originals: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// Original is the HTML of message messageID of the workspace as it came, safe to put in a
// page: sanitized again (the policy may have grown stricter since the mail came), its cid:
// images pointed at src of the inline files kept with the message, and every other image
// dropped. inbox.ErrNotFound when the message is not the workspace's or came without HTML.
func (s *Store) Original(ctx context.Context, workspaceID, messageID int64, src func(attach.Attachment) string) (string, error) {
	var html string
	err := s.db.Read.QueryRowContext(ctx, `SELECT e.html FROM email_messages e JOIN conversations c ON c.id = e.conversation_id
		WHERE e.message_id = ? AND c.workspace_id = ?`, messageID, workspaceID).Scan(&html)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && html == "") {
		return "", inbox.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("mailbox: original: %w", err)
	}
	files, err := attach.NewStore(s.db).List(ctx, workspaceID, messageID)
	if err != nil {
		return "", err
	}
	inline := map[string]attach.Attachment{}
	cids := map[string]bool{}
	for _, f := range files {
		if f.ContentID != "" && f.Image() {
			inline[f.ContentID], cids[f.ContentID] = f, true
		}
	}
	return email.RewriteCIDs(email.Sanitize(html, cids), func(cid string) string {
		if f, ok := inline[cid]; ok {
			return src(f)
		}
		return ""
	}), nil
}
