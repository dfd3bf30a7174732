package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/store"
)

// Contact is a customer of a workspace, whatever channel they write on: their
// conversations on every channel are one history. A widget visitor's contact is made with
// their first conversation (by the database, see migration 0012); an email sender's by the
// intake (ContactByEmail).
type Contact struct {
	ID            int64
	WorkspaceID   int64
	Name          string
	Email         string // lower case; "" when unknown
	Phone         string
	VisitorID     int64 // the chat widget's visitor (0: none)
	WhatsAppID    string
	MessengerPSID string
	EmailBounced  time.Time // mail to Email bounced (zero: it did not)
	ExternalID    string    // the host site's id for them, from a verified identity token ("": none)
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const contactColumns = `id, workspace_id, name, COALESCE(email, ''), COALESCE(phone, ''), COALESCE(visitor_id, 0),
	COALESCE(whatsapp_id, ''), COALESCE(messenger_psid, ''), COALESCE(email_bounced_at, 0), COALESCE(external_id, ''), created_at, updated_at`

// scanContact reads contactColumns, then any extra columns into extra.
func scanContact(row interface{ Scan(...any) error }, extra ...any) (Contact, error) {
	var k Contact
	var bounced, created, updated int64
	err := row.Scan(append([]any{&k.ID, &k.WorkspaceID, &k.Name, &k.Email, &k.Phone, &k.VisitorID, &k.WhatsAppID, &k.MessengerPSID,
		&bounced, &k.ExternalID, &created, &updated}, extra...)...)
	k.EmailBounced, k.CreatedAt, k.UpdatedAt = store.TimeOrZero(bounced), time.Unix(created, 0), time.Unix(updated, 0)
	return k, err
}

// maxContactName bounds a name taken from a channel (a mail's From, a profile).
const maxContactName = 200

// Contact returns a contact of a workspace; one of another workspace is ErrNotFound.
func (s *Store) Contact(ctx context.Context, workspaceID, id int64) (Contact, error) {
	return s.contactWhere(ctx, "id = ? AND workspace_id = ?", id, workspaceID)
}

func (s *Store) contactWhere(ctx context.Context, where string, args ...any) (Contact, error) {
	k, err := scanContact(s.db.Read.QueryRowContext(ctx, "SELECT "+contactColumns+" FROM contacts WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, ErrNotFound
	}
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: contact: %w", err)
	}
	return k, nil
}

// ContactByEmail returns the workspace's contact with this address, making one when there
// is none; a name given fills the contact's when it has none yet (a person's own words for
// their name, set in the inbox later, are not overwritten by a mail client's).
func (s *Store) ContactByEmail(ctx context.Context, workspaceID int64, email, name string) (Contact, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || !strings.Contains(email, "@") {
		return Contact{}, fmt.Errorf("inbox: contact by email: %q is not an address", email)
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxContactName {
		name = string([]rune(name)[:maxContactName])
	}
	now := s.now().Unix()
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO contacts (workspace_id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, email) WHERE email IS NOT NULL DO UPDATE
		SET name = excluded.name, updated_at = excluded.updated_at WHERE contacts.name = '' AND excluded.name <> ''`,
		workspaceID, name, email, now, now)
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: contact by email: %w", err)
	}
	return s.contactWhere(ctx, "workspace_id = ? AND email = ?", workspaceID, email)
}

// ContactOfVisitor returns the contact of a widget visitor (their own, or the one theirs
// was merged into), making one when there is none.
func (s *Store) ContactOfVisitor(ctx context.Context, v Visitor) (Contact, error) {
	now := s.now().Unix()
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO contacts (workspace_id, visitor_id, created_at, updated_at)
		SELECT ?1, ?2, ?3, ?3 WHERE NOT EXISTS (SELECT 1 FROM contact_visitors WHERE visitor_id = ?2)
		ON CONFLICT (visitor_id) WHERE visitor_id IS NOT NULL DO NOTHING`, v.WorkspaceID, v.ID, now)
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: contact of visitor: %w", err)
	}
	return s.contactWhere(ctx, `id = COALESCE((SELECT contact_id FROM contact_visitors WHERE visitor_id = ?1),
		(SELECT id FROM contacts WHERE visitor_id = ?1)) AND workspace_id = ?2`, v.ID, v.WorkspaceID)
}

// ContactOf returns the contact a conversation belongs to, and false when it has none (a
// preview, or a conversation whose contact was deleted).
func (s *Store) ContactOf(ctx context.Context, c Conversation) (Contact, bool, error) {
	k, err := s.contactWhere(ctx, "id = (SELECT contact_id FROM conversations WHERE id = ?) AND workspace_id = ?", c.ID, c.WorkspaceID)
	if errors.Is(err, ErrNotFound) {
		return Contact{}, false, nil
	}
	return k, err == nil, err
}

// SetContact makes a conversation one of a contact's; both must be the workspace's.
func (s *Store) SetContact(ctx context.Context, workspaceID, conversationID, contactID int64) error {
	res, err := s.db.Write.ExecContext(ctx, `UPDATE conversations SET contact_id = ? WHERE id = ? AND workspace_id = ?
		AND EXISTS (SELECT 1 FROM contacts WHERE id = ? AND workspace_id = ?)`, contactID, conversationID, workspaceID, contactID, workspaceID)
	if err != nil {
		return fmt.Errorf("inbox: set contact: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Label names the contact for people: their name, else their address, else their phone;
// "" when nothing is known yet.
func (k Contact) Label() string {
	for _, s := range []string{k.Name, k.Email, k.Phone} {
		if s != "" {
			return s
		}
	}
	return ""
}

// ContactByWhatsApp returns the workspace's contact with this WhatsApp id (their number,
// digits only), making one when there is none; a profile name fills an empty name.
func (s *Store) ContactByWhatsApp(ctx context.Context, workspaceID int64, waID, name string) (Contact, error) {
	return s.contactByIdentity(ctx, workspaceID, "whatsapp_id", waID, name)
}

// ContactByMessenger returns the workspace's contact with this page-scoped id (PSID),
// making one when there is none.
func (s *Store) ContactByMessenger(ctx context.Context, workspaceID int64, psid, name string) (Contact, error) {
	return s.contactByIdentity(ctx, workspaceID, "messenger_psid", psid, name)
}

// contactByIdentity is ContactByWhatsApp and ContactByMessenger; column is one of theirs.
func (s *Store) contactByIdentity(ctx context.Context, workspaceID int64, column, id, name string) (Contact, error) {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 100 {
		return Contact{}, fmt.Errorf("inbox: contact by %s: %q is not an id", column, id)
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxContactName {
		name = string([]rune(name)[:maxContactName])
	}
	now := s.now().Unix()
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO contacts (workspace_id, name, `+column+`, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, `+column+`) WHERE `+column+` IS NOT NULL DO UPDATE
		SET name = excluded.name, updated_at = excluded.updated_at WHERE contacts.name = '' AND excluded.name <> ''`,
		workspaceID, name, id, now, now)
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: contact by %s: %w", column, err)
	}
	return s.contactWhere(ctx, "workspace_id = ? AND "+column+" = ?", workspaceID, id)
}

// ContactOpenConversation returns a contact's latest conversation on a channel that is not
// closed, and false when there is none (a message then starts a new one).
func (s *Store) ContactOpenConversation(ctx context.Context, workspaceID, channelID, contactID int64) (Conversation, bool, error) {
	c, err := scanConversation(s.db.Read.QueryRowContext(ctx, "SELECT "+conversationColumns+` FROM conversations
		WHERE contact_id = ? AND workspace_id = ? AND channel_id = ? AND status <> 'closed' AND preview = 0 ORDER BY id DESC LIMIT 1`,
		contactID, workspaceID, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, false, nil
	}
	if err != nil {
		return Conversation{}, false, fmt.Errorf("inbox: open conversation: %w", err)
	}
	return c, true, nil
}
