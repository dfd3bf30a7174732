// Package mailbox connects an email channel to its mailbox: the settings (IMAP to read it,
// SMTP to send from it, passwords never shown again), and the sender that delivers the
// inbox's replies over SMTP with the threading of app/channel/email.
package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/store"
	"agent/app/usererr"
)

// Security is how a connection to a mail server is protected.
type Security string

// The kinds of connection security.
const (
	TLS      Security = "tls"      // TLS from the first byte (IMAP 993, SMTP 465)
	StartTLS Security = "starttls" // plain, then STARTTLS (IMAP 143, SMTP 587)
	Plain    Security = "none"     // no encryption: only for a server on the same machine or network
)

// Server is where and how to reach one mail server.
type Server struct {
	Host     string
	Port     int
	Security Security
	User     string
	// Password is the stored secret; saving Settings with an empty Password keeps the one
	// stored. Pages show only Hint(Password).
	Password string
}

// Settings are an email channel's mailbox.
type Settings struct {
	ChannelID int64
	Address   string // the mailbox's address: From of our mail, base of the plus addresses
	FromName  string
	IMAP      Server
	Folder    string        // the IMAP folder read; INBOX when empty
	Poll      time.Duration // how often the folder is read
	SMTP      Server
	UpdatedAt time.Time
}

// ErrNotSet means an email channel whose mailbox is not set up yet.
const ErrNotSet = usererr.Error("the mailbox is not set up")

func inputError(field, msg string) error { return &usererr.InputError{Field: field, Message: msg} }

// Store keeps the mailboxes' settings.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

// Hint shows that a secret is set without showing it: its length is not told either.
func Hint(secret string) string {
	if secret == "" {
		return ""
	}
	if utf8.RuneCountInString(secret) < 12 {
		return "••••••••"
	}
	r := []rune(secret)
	return "••••••••" + string(r[len(r)-2:])
}

func (s *Settings) check() error {
	addr, err := mail.ParseAddress(strings.TrimSpace(s.Address))
	if err != nil || addr.Name != "" {
		return inputError("address", "enter the mailbox's address, such as support@shop.example")
	}
	s.Address = strings.ToLower(addr.Address)
	s.FromName = strings.TrimSpace(s.FromName)
	if strings.ContainsAny(s.FromName, "\r\n") || utf8.RuneCountInString(s.FromName) > 100 {
		return inputError("from_name", "keep the name on one line, under 100 characters")
	}
	for _, sv := range []struct {
		field string
		s     *Server
	}{{"imap", &s.IMAP}, {"smtp", &s.SMTP}} {
		sv.s.Host = strings.TrimSpace(sv.s.Host)
		if sv.s.Host == "" || strings.ContainsAny(sv.s.Host, " /:@") {
			return inputError(sv.field+"_host", "enter the server's host name, such as mail.shop.example")
		}
		if sv.s.Port < 1 || sv.s.Port > 65535 {
			return inputError(sv.field+"_port", "enter a port between 1 and 65535")
		}
		switch sv.s.Security {
		case TLS, StartTLS, Plain:
		default:
			return inputError(sv.field+"_security", "choose TLS, STARTTLS or none")
		}
		sv.s.User = strings.TrimSpace(sv.s.User)
	}
	if s.Folder = strings.TrimSpace(s.Folder); s.Folder == "" {
		s.Folder = "INBOX"
	}
	if s.Poll == 0 {
		s.Poll = time.Minute
	}
	if s.Poll < 10*time.Second || s.Poll > time.Hour {
		return inputError("poll", "read the mailbox between every 10 seconds and every hour")
	}
	return nil
}

const settingsColumns = `channel_id, address, from_name, imap_host, imap_port, imap_security, imap_user, imap_password, imap_folder,
	smtp_host, smtp_port, smtp_security, smtp_user, smtp_password, poll_seconds, updated_at`

// Get returns an email channel's settings, or ErrNotSet.
func (st *Store) Get(ctx context.Context, channelID int64) (Settings, error) {
	var s Settings
	var poll, updated int64
	err := st.db.Read.QueryRowContext(ctx, "SELECT "+settingsColumns+" FROM email_settings WHERE channel_id = ?", channelID).Scan(
		&s.ChannelID, &s.Address, &s.FromName, &s.IMAP.Host, &s.IMAP.Port, &s.IMAP.Security, &s.IMAP.User, &s.IMAP.Password, &s.Folder,
		&s.SMTP.Host, &s.SMTP.Port, &s.SMTP.Security, &s.SMTP.User, &s.SMTP.Password, &poll, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, ErrNotSet
	}
	if err != nil {
		return Settings{}, fmt.Errorf("mailbox: settings: %w", err)
	}
	s.Poll, s.UpdatedAt = time.Duration(poll)*time.Second, time.Unix(updated, 0)
	return s, nil
}

// Save stores an email channel's settings; an empty password keeps the stored one. The
// caller has checked that the channel is the workspace's and of kind email.
func (st *Store) Save(ctx context.Context, s Settings) (Settings, error) {
	if err := s.check(); err != nil {
		return Settings{}, err
	}
	_, err := st.db.Write.ExecContext(ctx, `INSERT INTO email_settings (`+settingsColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET address = excluded.address, from_name = excluded.from_name,
			imap_host = excluded.imap_host, imap_port = excluded.imap_port, imap_security = excluded.imap_security,
			imap_user = excluded.imap_user, imap_password = COALESCE(NULLIF(excluded.imap_password, ''), imap_password),
			imap_folder = excluded.imap_folder, smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port,
			smtp_security = excluded.smtp_security, smtp_user = excluded.smtp_user,
			smtp_password = COALESCE(NULLIF(excluded.smtp_password, ''), smtp_password),
			poll_seconds = excluded.poll_seconds, updated_at = excluded.updated_at,
			-- another folder or server is another list of UIDs: start over
			uidvalidity = CASE WHEN imap_host = excluded.imap_host AND imap_user = excluded.imap_user
				AND imap_folder = excluded.imap_folder THEN uidvalidity ELSE 0 END,
			last_uid = CASE WHEN imap_host = excluded.imap_host AND imap_user = excluded.imap_user
				AND imap_folder = excluded.imap_folder THEN last_uid ELSE 0 END`,
		s.ChannelID, s.Address, s.FromName, s.IMAP.Host, s.IMAP.Port, s.IMAP.Security, s.IMAP.User, s.IMAP.Password, s.Folder,
		s.SMTP.Host, s.SMTP.Port, s.SMTP.Security, s.SMTP.User, s.SMTP.Password, int64(s.Poll/time.Second), st.now().Unix())
	if err != nil {
		return Settings{}, fmt.Errorf("mailbox: save settings: %w", err)
	}
	return st.Get(ctx, s.ChannelID)
}
