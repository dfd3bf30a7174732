package mailbox

import (
	"cmp"
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"agent/app/channel"
	"agent/app/channel/email"
	"agent/app/inbox"
	"agent/app/store"
)

// Intake reads an email channel's folder over IMAP and gives each new mail to the inbox,
// once: it fetches with BODY.PEEK[] from a folder opened read-only (the mailbox's \Seen
// flags stay the people's), and stores each mail with its Message-ID in one transaction
// (inbox.Service.ChannelMessage), then its UID as the place to go on from. A stop between
// the two fetches that mail again, and its Message-ID, already held, skips it; a changed
// UIDVALIDITY reads the folder from the start with the same safeguard. Watch keeps every
// mailbox read; Poll reads one once.
type Intake struct {
	DB       *store.DB
	Settings *Store
	Service  *inbox.Service
	Limits   email.Limits // email.DefaultLimits when zero
	Log      *slog.Logger
	Net      Network
	// IdleFor is how long one connection waits for mail with IDLE before it is made anew:
	// servers may drop a client idle for 30 minutes (RFC 2177 asks for less than 29). 0 is
	// 25 minutes.
	IdleFor time.Duration
	// Backoff is the wait after a mailbox's first failure, doubled on each next one up to
	// 5 minutes; 0 is 5 seconds.
	Backoff time.Duration
	// Rescan is how often Watch looks for mailboxes added, changed or turned off; 0 is 10 seconds.
	Rescan time.Duration
}

// Poll reads the channel's folder once and returns how many new mails it stored.
func (in *Intake) Poll(ctx context.Context, ch channel.Channel) (int, error) {
	set, err := in.Settings.Get(ctx, ch.ID)
	if err != nil {
		return 0, err
	}
	c, sel, err := in.open(ctx, set, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n, err := in.fetchNew(ctx, c, ch, set, sel.UIDValidity)
	if err != nil {
		return n, err
	}
	return n, c.Logout().Wait()
}

// fetchNew stores the mail of the open folder after the last UID taken, and returns how
// many it stored. It asks for the UIDs first, so that a folder with nothing new costs no
// message ("n:*" names the last message even when its UID is below n).
func (in *Intake) fetchNew(ctx context.Context, c *imapclient.Client, ch channel.Channel, set Settings, validity uint32) (int, error) {
	var held, last uint32
	if err := in.DB.Read.QueryRowContext(ctx, "SELECT uidvalidity, last_uid FROM email_settings WHERE channel_id = ?", ch.ID).Scan(&held, &last); err != nil {
		return 0, fmt.Errorf("mailbox: place in folder: %w", err)
	}
	if validity != held {
		// Another list of UIDs: start over; the Message-IDs keep what was stored from returning.
		last = 0
		if err := in.setPlace(ctx, ch.ID, validity, 0); err != nil {
			return 0, err
		}
	}
	if mb := c.Mailbox(); mb != nil && mb.NumMessages == 0 {
		return 0, nil
	}
	var after imap.UIDSet
	after.AddRange(imap.UID(last+1), 0) // last+1:*
	listed, err := c.Fetch(after, &imap.FetchOptions{UID: true}).Collect()
	if err != nil {
		return 0, fmt.Errorf("imap %s: fetch: %w", set.IMAP.Host, err)
	}
	var uids imap.UIDSet
	for _, msg := range listed {
		if uint32(msg.UID) > last {
			uids.AddNum(msg.UID)
		}
	}
	if len(uids) == 0 {
		return 0, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return 0, fmt.Errorf("imap %s: fetch: %w", set.IMAP.Host, err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	stored := 0
	for _, msg := range msgs {
		if err := ctx.Err(); err != nil {
			return stored, err
		}
		// A fetched mail is stored whole, and its place kept, even when the intake stops
		// meanwhile: a stop between its conversation and its message would leave the
		// conversation empty and the mail to be fetched again into another.
		whole := context.WithoutCancel(ctx)
		ok, err := in.take(whole, ch, set, msg.FindBodySection(section))
		if err != nil {
			return stored, err
		}
		if ok {
			stored++
		}
		if err := in.setPlace(whole, ch.ID, validity, uint32(msg.UID)); err != nil {
			return stored, err
		}
	}
	return stored, nil
}

// open connects, logs in and opens the folder read-only; the client is closed when ctx
// ends. Unilateral data (new mail while idling) goes to onData.
func (in *Intake) open(ctx context.Context, set Settings, onData *imapclient.UnilateralDataHandler) (*imapclient.Client, *imap.SelectData, error) {
	c, err := in.dial(ctx, set.IMAP, onData)
	if err != nil {
		return nil, nil, err
	}
	context.AfterFunc(ctx, func() { c.Close() })
	if err := c.Login(set.IMAP.User, set.IMAP.Password).Wait(); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap %s: log in: %w", set.IMAP.Host, err)
	}
	sel, err := c.Select(set.Folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap %s: open %s: %w", set.IMAP.Host, set.Folder, err)
	}
	return c, sel, nil
}

func (in *Intake) dial(ctx context.Context, sv Server, onData *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	conn, err := in.Net.dial(ctx, "imap", sv)
	if err != nil {
		return nil, err
	}
	opts := &imapclient.Options{UnilateralDataHandler: onData}
	switch sv.Security {
	case TLS:
		conf := in.Net.tlsConfig(sv.Host)
		conf.NextProtos = []string{"imap"}
		return imapclient.New(tls.Client(conn, conf), opts), nil
	case StartTLS:
		opts.TLSConfig = in.Net.tlsConfig(sv.Host)
		c, err := imapclient.NewStartTLS(conn, opts)
		if err != nil {
			return nil, fmt.Errorf("imap %s: STARTTLS: %w", net.JoinHostPort(sv.Host, strconv.Itoa(sv.Port)), err)
		}
		return c, nil
	}
	return imapclient.New(conn, opts), nil
}

func (in *Intake) setPlace(ctx context.Context, channelID int64, validity, uid uint32) error {
	_, err := in.DB.Write.ExecContext(ctx, "UPDATE email_settings SET uidvalidity = ?, last_uid = ? WHERE channel_id = ?", validity, uid, channelID)
	if err != nil {
		return fmt.Errorf("mailbox: place in folder: %w", err)
	}
	return nil
}

// take stores one fetched mail, unless it is held already; false when it was skipped.
func (in *Intake) take(ctx context.Context, ch channel.Channel, set Settings, raw []byte) (bool, error) {
	limits := in.Limits
	if limits == (email.Limits{}) {
		limits = email.DefaultLimits
	}
	m, err := email.Parse(raw, limits)
	if m == nil {
		in.log().Warn("unreadable mail skipped", "channel", ch.ID, "err", err)
		return false, nil
	}
	text := m.Reply
	if text == "" {
		text = m.Text
	}
	if err != nil {
		text = "This mail could not be read whole (" + err.Error() + "); see the mailbox."
	}
	var held int
	if err := in.DB.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM email_messages WHERE channel_id = ? AND rfc_id = ?", ch.ID, m.MessageID).Scan(&held); err != nil {
		return false, fmt.Errorf("mailbox: take: %w", err)
	}
	if held > 0 || m.From.Address == "" {
		return false, nil
	}
	st := in.Service.Store
	k, err := st.ContactByEmail(ctx, ch.WorkspaceID, m.From.Address, m.From.Name)
	if err != nil {
		return false, err
	}
	if m.Bounce != nil {
		return in.bounce(ctx, ch, m, k)
	}
	if !k.EmailBounced.IsZero() {
		// They wrote: their address works again.
		if _, err := in.DB.Write.ExecContext(ctx, "UPDATE contacts SET email_bounced_at = NULL WHERE id = ?", k.ID); err != nil {
			return false, fmt.Errorf("mailbox: take: %w", err)
		}
	}
	c, found, err := in.conversation(ctx, ch, m, set, k)
	if err != nil {
		return false, err
	}
	// A new thread's conversation is stored with its first mail, and a reply reopens a
	// closed thread (the same conversation, not a new one) with the reply: a stop between
	// them would leave a conversation empty, or reopened for a mail not yet stored.
	var opening *inbox.Opening
	if !found {
		opening = &inbox.Opening{New: inbox.NewConversation{ChannelID: ch.ID, Channel: string(channel.Email)}, ContactID: k.ID,
			Record: func(tx *sql.Tx, started inbox.Conversation) error {
				c = started
				_, err := tx.ExecContext(ctx, "INSERT INTO email_threads (conversation_id, token, subject) VALUES (?, ?, ?)",
					c.ID, email.NewToken(), m.Subject)
				return err
			}}
		if ch.Active {
			opening.New.AgentID = ch.AgentID
		}
	}
	reopen := found && c.Status == "closed"
	may, reason := m.MayAutoReply(set.Address)
	if may {
		// Two robots answering each other past every header check: the thread's automatic
		// replies are capped per hour, and what comes after waits for a person.
		var recent int
		if err := in.DB.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND author = 'bot' AND created_at > ?",
			c.ID, time.Now().Add(-time.Hour).Unix()).Scan(&recent); err != nil {
			return false, fmt.Errorf("mailbox: take: %w", err)
		}
		if recent >= MaxAutoRepliesPerHour {
			may, reason = false, email.Reason(fmt.Sprintf("already %d automatic replies in this thread within the hour", MaxAutoRepliesPerHour))
		}
	}
	record := func(tx *sql.Tx, messageID int64) error {
		if reopen {
			if err := st.Reopen(ctx, tx, c.ID); err != nil {
				return err
			}
		}
		if err := recordMail(ctx, tx, ch.ID, c.ID, messageID, m, true); err != nil {
			return err
		}
		return in.keepFiles(ctx, tx, ch.WorkspaceID, messageID, m, limits)
	}
	if found && may {
		// A reply that only says yes or no to our automatic answer rates it.
		r, ok, err := st.RatingReply(ctx, c, text)
		if err != nil {
			return false, err
		}
		if ok {
			_, err = in.Service.RateOnChannel(ctx, ch, c, text, r, record)
			if store.IsUniqueViolation(err) {
				return false, nil
			}
			return err == nil, err
		}
	}
	hold := ""
	if !may {
		hold = string(reason)
		in.log().Info("mail stored, not answered automatically", "channel", ch.ID, "conversation", c.ID, "reason", reason)
	}
	if opening != nil {
		_, _, err = in.Service.StartChannelMessage(ctx, ch, *opening, text, "", hold, record)
	} else {
		_, err = in.Service.ChannelMessage(ctx, ch, c, text, "", hold, record)
	}
	if store.IsUniqueViolation(err) {
		return false, nil // stored meanwhile by another run
	}
	return err == nil, err
}

// conversation finds the conversation m continues by the threading rule of package email:
// any candidate naming a conversation of the same contact, in order.
func (in *Intake) conversation(ctx context.Context, ch channel.Channel, m *email.Message, set Settings, k inbox.Contact) (inbox.Conversation, bool, error) {
	for _, cand := range email.Candidates(m, set.Address) {
		q := "SELECT conversation_id FROM email_messages WHERE channel_id = ? AND rfc_id = ?"
		if cand.Kind == email.ByToken {
			q = "SELECT t.conversation_id FROM email_threads t JOIN conversations c ON c.id = t.conversation_id WHERE c.channel_id = ? AND t.token = ?"
		}
		var id int64
		err := in.DB.Read.QueryRowContext(ctx, q, ch.ID, cand.Value).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return inbox.Conversation{}, false, fmt.Errorf("mailbox: thread: %w", err)
		}
		c, err := in.Service.Store.Get(ctx, ch.WorkspaceID, id)
		if errors.Is(err, inbox.ErrNotFound) {
			continue
		}
		if err != nil {
			return inbox.Conversation{}, false, err
		}
		owner, ok, err := in.Service.Store.ContactOf(ctx, c)
		if err != nil {
			return inbox.Conversation{}, false, err
		}
		if ok && owner.ID == k.ID {
			return c, true, nil
		}
	}
	return inbox.Conversation{}, false, nil
}

// bounce attaches a delivery failure to the conversation of the mail that bounced, as a
// note for the staff; it is never answered.
func (in *Intake) bounce(ctx context.Context, ch channel.Channel, m *email.Message, from inbox.Contact) (bool, error) {
	var convID int64
	err := in.DB.Read.QueryRowContext(ctx, "SELECT conversation_id FROM email_messages WHERE channel_id = ? AND rfc_id = ?", ch.ID, m.Bounce.OriginalID).Scan(&convID)
	if errors.Is(err, sql.ErrNoRows) {
		in.log().Info("bounce of no known mail", "channel", ch.ID, "from", from.Email)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mailbox: bounce: %w", err)
	}
	failed := m.Bounce.Failed()
	for _, addr := range failed {
		if _, err := in.DB.Write.ExecContext(ctx, "UPDATE contacts SET email_bounced_at = ? WHERE workspace_id = ? AND email = ?",
			time.Now().Unix(), ch.WorkspaceID, strings.ToLower(addr)); err != nil {
			return false, fmt.Errorf("mailbox: bounce: %w", err)
		}
	}
	note := "Mail could not be delivered"
	if len(failed) > 0 {
		note += " to " + strings.Join(failed, ", ")
	}
	n, err := in.Service.Store.AddMessage(ctx, convID, inbox.AuthorNote, 0, note+".", "")
	if err != nil {
		return false, err
	}
	// Its Message-ID kept so that it is not noted twice (a stop in between notes it again).
	_, err = in.DB.Write.ExecContext(ctx, `INSERT INTO email_messages (message_id, channel_id, conversation_id, rfc_id, subject, incoming)
		VALUES (?, ?, ?, ?, ?, 0)`, n.ID, ch.ID, convID, m.MessageID, m.Subject)
	if err != nil {
		return false, fmt.Errorf("mailbox: bounce: %w", err)
	}
	return true, nil
}

// recordMail keeps a mail's headers with its stored message, for threading and dedup, and
// its sanitized HTML, for the inbox's view of the original.
func recordMail(ctx context.Context, tx *sql.Tx, channelID, conversationID, messageID int64, m *email.Message, incoming bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO email_messages (message_id, channel_id, conversation_id, rfc_id, in_reply_to, refs, subject, incoming, html)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, messageID, channelID, conversationID, m.MessageID, strings.Join(m.InReplyTo, " "),
		strings.Join(m.References, " "), m.Subject, incoming, m.HTML)
	return err
}

func (in *Intake) log() *slog.Logger {
	if in.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return in.Log
}

// MaxAutoRepliesPerHour caps the AI's replies in one thread per hour; a mail past it goes
// to people, unanswered.
const MaxAutoRepliesPerHour = 5
