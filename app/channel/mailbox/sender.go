package mailbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/email"
	"agent/app/inbox"
	"agent/app/store"
)

// Sender is the email channel's driver: it sends the inbox's messages over the channel's
// SMTP server, in the customer's thread (In-Reply-To and References of their last mail,
// Reply-To the conversation's plus address), the AI's marked Auto-Submitted.
type Sender struct {
	DB       *store.DB
	Settings *Store
	Inbox    *inbox.Store
	Net      Network
	// Timeout bounds one delivery: connecting, the dialogue and the message; 0 is a minute.
	Timeout time.Duration
}

// Rules of email: whole replies, threads closed after 72 hours without activity.
func (s *Sender) Rules() channel.Rules { return channel.DefaultRules[channel.Email] }

// header is what our message carries for threading, kept before it is sent so that a
// retry sends the same Message-ID (the customer's server then drops a second copy).
type header struct {
	id, inReplyTo, subject, token string
	refs                          []string
}

// Send delivers one stored message to the conversation's contact.
func (s *Sender) Send(ctx context.Context, out channel.Outgoing) (channel.Receipt, error) {
	set, err := s.Settings.Get(ctx, out.Channel.ID)
	if err != nil {
		return channel.Receipt{}, err
	}
	if out.ContactID == 0 {
		return channel.Receipt{}, errors.New("the conversation has no customer to write to")
	}
	k, err := s.Inbox.Contact(ctx, out.Channel.WorkspaceID, out.ContactID)
	if err != nil {
		return channel.Receipt{}, fmt.Errorf("the conversation's customer: %w", err)
	}
	if k.Email == "" {
		return channel.Receipt{}, errors.New("the customer has no email address")
	}
	if !k.EmailBounced.IsZero() {
		return channel.Receipt{}, fmt.Errorf("mail to %s bounced on %s; not sent until they write again", k.Email, k.EmailBounced.UTC().Format("2 Jan 2006 15:04 MST"))
	}
	h, err := s.header(ctx, out, set)
	if err != nil {
		return channel.Receipt{}, err
	}
	plus, err := email.PlusAddress(set.Address, h.token)
	if err != nil {
		return channel.Receipt{}, err
	}
	o := email.Outgoing{From: mail.Address{Name: set.FromName, Address: set.Address}, To: []mail.Address{{Name: k.Name, Address: k.Email}},
		ReplyTo: []mail.Address{{Name: set.FromName, Address: plus}}, Subject: h.subject, Text: out.Text,
		SourcesLabel: agent.Say(out.Lang, agent.PhraseSources), MessageID: h.id, InReplyTo: h.inReplyTo, References: h.refs,
		Automatic: out.Automatic}
	if out.Label != "" {
		o.Footer = append(o.Footer, out.Label)
	}
	if out.Rating == channel.RateReply {
		o.Footer = append(o.Footer, agent.Say(out.Lang, agent.PhraseRateByMail))
	}
	for _, l := range out.Sources {
		o.Sources = append(o.Sources, email.Source{Title: l.Title, URL: l.URL})
	}
	raw, id, err := email.Compose(o)
	if err != nil {
		return channel.Receipt{}, err
	}
	if err := s.submit(ctx, set, k.Email, raw); err != nil {
		return channel.Receipt{}, err
	}
	return channel.Receipt{ExternalID: id}, nil
}

// header returns the threading of message out, made and stored on its first attempt:
// a reply to the customer's last mail in the conversation, or a new thread.
func (s *Sender) header(ctx context.Context, out channel.Outgoing, set Settings) (header, error) {
	var h header
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT token, subject FROM email_threads WHERE conversation_id = ?", out.ConversationID).Scan(&h.token, &h.subject)
		if errors.Is(err, sql.ErrNoRows) {
			h.token = email.NewToken()
			_, err = tx.ExecContext(ctx, "INSERT INTO email_threads (conversation_id, token) VALUES (?, ?)", out.ConversationID, h.token)
		}
		if err != nil {
			return err
		}
		var refs string
		err = tx.QueryRowContext(ctx, "SELECT rfc_id, in_reply_to, refs, subject FROM email_messages WHERE message_id = ?", out.MessageID).
			Scan(&h.id, &h.inReplyTo, &refs, &h.subject)
		if err == nil {
			h.refs = strings.Fields(refs)
			return nil // a retry: the same message again
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var parentID, parentInReplyTo, parentSubject string
		err = tx.QueryRowContext(ctx, `SELECT rfc_id, in_reply_to, refs, subject FROM email_messages
			WHERE conversation_id = ? AND incoming = 1 ORDER BY message_id DESC LIMIT 1`, out.ConversationID).
			Scan(&parentID, &parentInReplyTo, &refs, &parentSubject)
		switch {
		case err == nil:
			var irt []string
			if parentInReplyTo != "" {
				irt = []string{parentInReplyTo}
			}
			h.inReplyTo, h.refs = email.ReplyThreading(parentID, strings.Fields(refs), irt)
			h.subject = email.ReplySubject(parentSubject)
		case errors.Is(err, sql.ErrNoRows):
			if h.subject == "" {
				h.subject = set.FromName
			}
		default:
			return err
		}
		h.id = email.NewMessageID(email.Domain(set.Address))
		_, err = tx.ExecContext(ctx, `INSERT INTO email_messages (message_id, channel_id, conversation_id, rfc_id, in_reply_to, refs, subject, incoming)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0)`, out.MessageID, out.Channel.ID, out.ConversationID, h.id, h.inReplyTo, strings.Join(h.refs, " "), h.subject)
		return err
	})
	if err != nil {
		return header{}, fmt.Errorf("mailbox: threading: %w", err)
	}
	return h, nil
}

// submit hands raw to the SMTP server for to. The mail is the server's once it has
// answered the data (SendMail): what fails after that (QUIT, the connection) is not a
// failure to send, which would send it again.
func (s *Sender) submit(ctx context.Context, set Settings, to string, raw []byte) error {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := s.Net.dialSMTP(ctx, set.SMTP)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(set.Address, []string{to}, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("smtp %s: %w", set.SMTP.Host, err)
	}
	c.Quit()
	return nil
}

// dialSMTP connects to an SMTP server as its settings say, within ctx's deadline, and logs
// in when they name a user.
func (n Network) dialSMTP(ctx context.Context, sv Server) (*smtp.Client, error) {
	conn, err := n.dial(ctx, "smtp", sv)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	addr := net.JoinHostPort(sv.Host, strconv.Itoa(sv.Port))
	conf := n.tlsConfig(sv.Host)
	var c *smtp.Client
	switch sv.Security {
	case TLS:
		c = smtp.NewClient(tls.Client(conn, conf))
	case StartTLS:
		if c, err = smtp.NewClientStartTLS(conn, conf); err != nil {
			conn.Close()
			return nil, fmt.Errorf("smtp %s: STARTTLS: %w", addr, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	if sv.User != "" {
		if err := c.Auth(sasl.NewPlainClient("", sv.User, sv.Password)); err != nil {
			c.Close()
			return nil, fmt.Errorf("smtp %s: log in: %w", sv.Host, err)
		}
	}
	return c, nil
}

// SendMail sends a mail of the workspace's own (an invitation to join it), not of a
// conversation, from the channel's address over its SMTP server.
func (s *Sender) SendMail(ctx context.Context, channelID int64, to mail.Address, subject, text string) error {
	set, err := s.Settings.Get(ctx, channelID)
	if err != nil {
		return err
	}
	if set.SMTP.Host == "" {
		return errors.New("the mailbox has no SMTP server to send with")
	}
	raw, _, err := email.Compose(email.Outgoing{From: mail.Address{Name: set.FromName, Address: set.Address}, To: []mail.Address{to},
		Subject: subject, Text: text})
	if err != nil {
		return err
	}
	return s.submit(ctx, set, to.Address, raw)
}
