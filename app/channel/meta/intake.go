package meta

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"agent/app/attach"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/store"
)

// Intake processes the stored webhook events (the job JobEvent): each customer's message
// becomes an inbox message, answered as chat is, each status moves our message's
// delivery forward, each echo of a person's reply from Meta's inbox takes the AI off the
// conversation. Meta's message ids, unique per channel, make a redelivered or reprocessed
// event change nothing; every entry, change, message and status of an event is taken.
type Intake struct {
	DB       *store.DB
	Settings *Store
	Service  *inbox.Service
	Graph    *Graph        // fetches the customers' files
	Files    *attach.Store // keeps them with their messages
	Log      *slog.Logger
	Now      func() time.Time // time.Now when nil
}

// eventsKept is how long processed events stay for the channel page's last events.
const eventsKept = 7 * 24 * time.Hour

// sentByUs is the metadata of our Messenger messages, which their echoes carry back.
const sentByUs = "agent"

// incoming is one message of a customer, or (echo) a person's from Meta's own inbox.
type incoming struct {
	externalID string
	from       string // the customer: WhatsApp id or PSID
	name       string
	text       string
	payload    string // a tapped button's id or quick reply's payload
	media      string // the kind of a message that has no text: "image", "audio"…
	files      []media
	at         time.Time
	echo       bool
}

// report is what a channel says of our message: sent, delivered, read or failed. A
// Messenger report without message ids names the customer (psid) and a watermark: every
// message of ours sent to them before it.
type report struct {
	externalID string
	status     inbox.DeliveryStatus
	reason     string
	psid       string
	watermark  time.Time
}

// summary counts what an event held, for the channel page.
type summary struct{ messages, duplicates, echoes, statuses, skipped int }

func (s summary) String() string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{s.messages, "message"}, {s.duplicates, "already held"}, {s.echoes, "echo"}, {s.statuses, "status"}, {s.skipped, "skipped"}} {
		if p.n == 0 {
			continue
		}
		w := p.what
		if p.n > 1 && w != "already held" {
			w += map[bool]string{true: "es", false: "s"}[strings.HasSuffix(w, "s") || strings.HasSuffix(w, "o")]
		}
		parts = append(parts, strconv.Itoa(p.n)+" "+w)
	}
	if len(parts) == 0 {
		return "nothing to take"
	}
	return strings.Join(parts, ", ")
}

// Process is the handler of JobEvent. An error the database gave is returned, and the
// event tried again; a body that does not decode is recorded on the event, not retried.
func (in *Intake) Process(ctx context.Context, payload json.RawMessage) error {
	var j eventJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return fmt.Errorf("meta: event job: %w", err)
	}
	return in.process(ctx, j.EventID)
}

func (in *Intake) process(ctx context.Context, eventID int64) error {
	var channelID int64
	var body []byte
	var processed sql.NullInt64
	err := in.DB.Read.QueryRowContext(ctx, "SELECT channel_id, body, processed_at FROM meta_events WHERE id = ?", eventID).Scan(&channelID, &body, &processed)
	if errors.Is(err, sql.ErrNoRows) || processed.Valid {
		return nil
	}
	if err != nil {
		return fmt.Errorf("meta: event %d: %w", eventID, err)
	}
	ch, err := in.Service.Channels.ByID(ctx, channelID)
	if errors.Is(err, channel.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	set, err := in.Settings.Get(ctx, ch.ID)
	if err != nil {
		return err
	}
	var msgs []incoming
	var reports []report
	var s summary
	var decodeErr error
	switch ch.Kind {
	case channel.WhatsApp:
		msgs, reports, s.skipped, decodeErr = decodeWhatsApp(body, set.AccountID)
	case channel.Messenger:
		msgs, reports, s.skipped, decodeErr = decodeMessenger(body, set.AccountID)
	default:
		decodeErr = fmt.Errorf("a %s channel takes no Meta events", ch.Kind)
	}
	// Meta does not keep order: a batch is taken oldest first.
	slices.SortStableFunc(msgs, func(a, b incoming) int { return a.at.Compare(b.at) })
	for _, m := range msgs {
		took, err := in.take(ctx, ch, set, m)
		if err != nil {
			return err
		}
		switch {
		case !took:
			s.duplicates++
		case m.echo:
			s.echoes++
		default:
			s.messages++
		}
	}
	for _, r := range reports {
		s.statuses++
		if r.externalID != "" {
			if err := in.advance(ctx, ch, r); err != nil {
				return err
			}
			continue
		}
		below, err := in.watermark(ctx, ch, r.psid, r.watermark, r.status)
		if err != nil {
			return err
		}
		for _, b := range below {
			if err := in.advance(ctx, ch, b); err != nil {
				return err
			}
		}
	}
	errText := ""
	if decodeErr != nil {
		errText = decodeErr.Error()
		in.log().Warn("webhook event not understood", "channel", ch.ID, "event", eventID, "err", decodeErr)
	}
	now := in.now()
	if _, err := in.DB.Write.ExecContext(ctx, "UPDATE meta_events SET processed_at = ?, summary = ?, error = ? WHERE id = ?",
		now.Unix(), s.String(), errText, eventID); err != nil {
		return fmt.Errorf("meta: event %d: %w", eventID, err)
	}
	// The oldest of the channel's events go a few at a time, each time one is processed.
	_, err = in.DB.Write.ExecContext(ctx, `DELETE FROM meta_events WHERE id IN (SELECT id FROM meta_events WHERE channel_id = ? ORDER BY id LIMIT 20)
		AND processed_at IS NOT NULL AND received_at < ?`, ch.ID, now.Add(-eventsKept).Unix())
	if err != nil {
		return fmt.Errorf("meta: prune events: %w", err)
	}
	return nil
}

// Pending processes events whose job was lost (stored, then the queueing failed): the
// events older than a minute and not processed yet. A recurring job runs it.
func (in *Intake) Pending(ctx context.Context, _ json.RawMessage) error {
	rows, err := in.DB.Read.QueryContext(ctx, "SELECT id FROM meta_events WHERE processed_at IS NULL AND received_at < ? ORDER BY id LIMIT 100",
		in.now().Add(-time.Minute).Unix())
	if err != nil {
		return fmt.Errorf("meta: pending events: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("meta: pending events: %w", err)
		}
		ids = append(ids, id)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("meta: pending events: %w", err)
	}
	for _, id := range ids {
		if err := in.process(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// take stores one message, unless its id is held already; false when it was.
func (in *Intake) take(ctx context.Context, ch channel.Channel, set Settings, m incoming) (bool, error) {
	var held int
	if err := in.DB.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM meta_messages WHERE channel_id = ? AND external_id = ?",
		ch.ID, m.externalID).Scan(&held); err != nil {
		return false, fmt.Errorf("meta: take: %w", err)
	}
	if held > 0 {
		return false, nil
	}
	st := in.Service.Store
	var k inbox.Contact
	var err error
	if ch.Kind == channel.WhatsApp {
		k, err = st.ContactByWhatsApp(ctx, ch.WorkspaceID, m.from, m.name)
	} else {
		k, err = st.ContactByMessenger(ctx, ch.WorkspaceID, m.from, m.name)
		if err == nil && k.Name == "" {
			if name := in.profileName(ctx, set, m.from); name != "" {
				k, err = st.ContactByMessenger(ctx, ch.WorkspaceID, m.from, name)
			}
		}
	}
	if err != nil {
		return false, err
	}
	var files []attach.File
	for _, f := range m.files {
		files = append(files, in.Graph.fetch(ctx, set.AccessToken, f))
	}
	record := func(tx *sql.Tx, messageID int64) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO meta_messages (channel_id, external_id, message_id, incoming, sent_at) VALUES (?, ?, ?, ?, ?)",
			ch.ID, m.externalID, messageID, !m.echo, m.at.Unix())
		for _, f := range files {
			if err != nil {
				break
			}
			_, err = in.Files.Add(ctx, tx, ch.WorkspaceID, messageID, f)
		}
		return err
	}
	if took, ok, err := in.rating(ctx, ch, k, m, record); ok || err != nil {
		return took, err
	}
	c, found, err := st.ContactOpenConversation(ctx, ch.WorkspaceID, ch.ID, k.ID)
	if err != nil {
		return false, err
	}
	// A conversation this message starts is stored with it (StartChannelMessage): a stop
	// between them would leave it empty, and Meta's retry would start another.
	var opening *inbox.Opening
	if !found {
		opening = &inbox.Opening{New: inbox.NewConversation{ChannelID: ch.ID, Channel: string(ch.Kind)}, ContactID: k.ID}
		if ch.Active {
			opening.New.AgentID = ch.AgentID
		}
	}
	text := m.text
	if text == "" && m.media != "" {
		text = "(" + m.media + ")"
	}
	if m.echo {
		_, _, err = in.Service.ChannelEcho(ctx, ch, c, opening, text, record)
	} else {
		// The AI answers text, and only a message whose reply window is still open: one
		// Meta delivers late (after an outage), or a photo or voice note without words,
		// which the AI cannot read, goes to people.
		hold := ""
		switch {
		case in.now().Sub(m.at) >= in.window(ch):
			hold = "delivered after its reply window closed"
		case m.text == "":
			hold = "only a file (" + m.media + "), which the AI cannot read"
		}
		if opening != nil {
			_, _, err = in.Service.StartChannelMessage(ctx, ch, *opening, text, "", hold, record)
		} else {
			_, err = in.Service.ChannelMessage(ctx, ch, c, text, "", hold, record)
		}
	}
	if store.IsUniqueViolation(err) {
		return false, nil // taken meanwhile by another run
	}
	return err == nil, err
}

// rating stores a customer's message that rates one of our automatic replies: a rating
// button's tap (of a reply of their own conversation on this channel: another's is only
// words), or their words after a reply that asks for a rating (a yes or no; the reason
// after "Not resolved"). ok is false when the message is no rating.
func (in *Intake) rating(ctx context.Context, ch channel.Channel, k inbox.Contact, m incoming,
	record func(tx *sql.Tx, messageID int64) error) (took, ok bool, err error) {
	if m.echo || m.text == "" || in.now().Sub(m.at) >= in.window(ch) {
		return false, false, nil
	}
	st := in.Service.Store
	var c inbox.Conversation
	var r inbox.ChannelRating
	if id, rating, isRating := parseRating(m.payload); isRating {
		if c, ok, err = st.RatedConversation(ctx, ch, k.ID, id); err != nil || !ok {
			return false, false, err
		}
		r = rating
	} else {
		var found bool
		if c, found, err = st.ContactOpenConversation(ctx, ch.WorkspaceID, ch.ID, k.ID); err != nil || !found {
			return false, false, err
		}
		if r, ok, err = st.RatingReply(ctx, c, m.text); err != nil || !ok {
			return false, false, err
		}
		r.AskWhy = !r.Helpful && r.Reason == ""
	}
	_, err = in.Service.RateOnChannel(ctx, ch, c, m.text, r, record)
	if store.IsUniqueViolation(err) {
		return false, true, nil // taken meanwhile by another run
	}
	return err == nil, true, err
}

// profileName reads a Messenger customer's name (the webhook gives only their PSID); ""
// when Meta does not tell it, which is logged and not an error: the message still counts.
func (in *Intake) profileName(ctx context.Context, set Settings, psid string) string {
	var p struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
	if err := in.Graph.Get(ctx, psid, set.AccessToken, url.Values{"fields": {"first_name,last_name"}}, &p); err != nil {
		in.log().Info("Messenger profile not read", "channel", set.ChannelID, "err", err)
		return ""
	}
	return strings.TrimSpace(p.FirstName + " " + p.LastName)
}

func (in *Intake) window(ch channel.Channel) time.Duration {
	return channel.DefaultRules[ch.Kind].ReplyWindow
}

// advance records a status of our message, found by its id (any of its parts).
func (in *Intake) advance(ctx context.Context, ch channel.Channel, r report) error {
	var messageID, conversationID int64
	err := in.DB.Read.QueryRowContext(ctx, `SELECT mm.message_id, m.conversation_id FROM meta_messages mm JOIN messages m ON m.id = mm.message_id
		WHERE mm.channel_id = ? AND mm.external_id = ? AND mm.incoming = 0`, ch.ID, r.externalID).Scan(&messageID, &conversationID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not ours (sent from elsewhere), or deleted since
	}
	if err != nil {
		return fmt.Errorf("meta: status: %w", err)
	}
	moved, err := in.Service.Store.AdvanceDelivery(ctx, messageID, r.status, r.reason)
	if err != nil {
		return err
	}
	if moved && in.Service.Hub != nil {
		in.Service.Hub.Publish(ch.WorkspaceID, inbox.Event{Kind: inbox.EventConversation, ConversationID: conversationID})
	}
	return nil
}

// watermark reports a Messenger delivery or read without message ids: every message of
// ours to the customer sent before it.
func (in *Intake) watermark(ctx context.Context, ch channel.Channel, psid string, at time.Time, status inbox.DeliveryStatus) ([]report, error) {
	rows, err := in.DB.Read.QueryContext(ctx, `SELECT mm.external_id FROM contacts k
		JOIN conversations c ON c.contact_id = k.id AND c.channel_id = ?
		JOIN messages m ON m.conversation_id = c.id JOIN meta_messages mm ON mm.message_id = m.id AND mm.incoming = 0
		WHERE k.workspace_id = ? AND k.messenger_psid = ? AND mm.sent_at <= ?
			AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status IN ('sent', 'delivered'))`,
		ch.ID, ch.WorkspaceID, psid, at.Unix())
	if err != nil {
		return nil, fmt.Errorf("meta: watermark: %w", err)
	}
	defer rows.Close()
	var out []report
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("meta: watermark: %w", err)
		}
		out = append(out, report{externalID: id, status: status})
	}
	return out, rows.Err()
}

func (in *Intake) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

func (in *Intake) log() *slog.Logger {
	if in.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return in.Log
}

// decodeWhatsApp returns the messages and statuses of a WhatsApp event for the phone
// number phoneID, and how many it skipped (another number's, reactions and other events
// that are not messages).
func decodeWhatsApp(body []byte, phoneID string) ([]incoming, []report, int, error) {
	var p waPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, nil, 0, err
	}
	if p.Object != "whatsapp_business_account" {
		return nil, nil, 0, fmt.Errorf("object %q is not a WhatsApp event", p.Object)
	}
	var msgs []incoming
	var reports []report
	skipped := 0
	for _, e := range p.Entry {
		for _, ch := range e.Changes {
			v := ch.Value
			if ch.Field != "messages" || v.Metadata.PhoneNumberID != phoneID {
				skipped++
				continue
			}
			names := map[string]string{}
			for _, c := range v.Contacts {
				names[c.WaID] = c.Profile.Name
			}
			for _, m := range v.Messages {
				in, ok := waIncoming(m)
				if !ok {
					skipped++
					continue
				}
				in.name = names[m.From]
				msgs = append(msgs, in)
			}
			for _, s := range v.Statuses {
				r := report{externalID: s.ID}
				switch s.Status {
				case "sent":
					r.status = inbox.DeliverySent
				case "delivered":
					r.status = inbox.DeliveryDelivered
				case "read":
					r.status = inbox.DeliveryRead
				case "failed":
					r.status, r.reason = inbox.DeliveryFailed, waFailure(s.Errors)
				default:
					skipped++ // "played", "deleted"…
					continue
				}
				if r.externalID == "" {
					skipped++
					continue
				}
				reports = append(reports, r)
			}
		}
	}
	return msgs, reports, skipped, nil
}

// waIncoming reads one WhatsApp message; false for what is not a customer's message (a
// reaction, a system notice) or lacks an id or sender.
func waIncoming(m waMessage) (incoming, bool) {
	in := incoming{externalID: m.ID, from: m.From}
	if sec, err := strconv.ParseInt(m.Timestamp, 10, 64); err == nil {
		in.at = time.Unix(sec, 0)
	} else {
		in.at = time.Now()
	}
	switch m.Type {
	case "text":
		if m.Text != nil {
			in.text = m.Text.Body
		}
	case "interactive":
		if i := m.Interactive; i != nil && i.ButtonReply != nil {
			in.text, in.payload = i.ButtonReply.Title, i.ButtonReply.ID
		} else if i != nil && i.ListReply != nil {
			in.text, in.payload = i.ListReply.Title, i.ListReply.ID
		}
	case "button":
		if m.Button != nil {
			in.text, in.payload = m.Button.Text, m.Button.Payload
		}
	case "image", "audio", "video", "document", "sticker":
		in.media = m.Type
		for _, md := range []*waMedia{m.Image, m.Audio, m.Video, m.Document, m.Sticker} {
			if md != nil {
				in.text = md.Caption
				in.files = []media{{kind: m.Type, id: md.ID, mimeType: md.MimeType, sha256: md.SHA256, name: md.Filename}}
			}
		}
	case "location":
		if l := m.Location; l != nil {
			in.text = strings.TrimSpace(fmt.Sprintf("Location: %s %s (%.5f, %.5f)", l.Name, l.Address, l.Latitude, l.Longitude))
		}
	case "reaction", "system", "unsupported", "":
		return in, false
	default:
		in.media = m.Type
	}
	return in, in.externalID != "" && in.from != ""
}

// waFailure is a failed status's reason as the inbox shows it: "131047 Re-engagement
// message: Message failed to send because more than 24 hours have passed…".
func waFailure(errs []waError) string {
	if len(errs) == 0 {
		return "WhatsApp reported the message failed, without a reason"
	}
	e := errs[0]
	s := strconv.Itoa(e.Code) + " " + cmp.Or(e.Title, e.Message)
	if d := e.ErrorData.Details; d != "" && d != e.Title {
		s += ": " + d
	}
	return s
}

// decodeMessenger returns the messages, echoes and reports of a Messenger event for the
// page pageID.
func decodeMessenger(body []byte, pageID string) ([]incoming, []report, int, error) {
	var p msPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, nil, 0, err
	}
	if p.Object != "page" {
		return nil, nil, 0, fmt.Errorf("object %q is not a Messenger event", p.Object)
	}
	var msgs []incoming
	var reports []report
	skipped := 0
	for _, e := range p.Entry {
		if e.ID != pageID {
			skipped += len(e.Messaging)
			continue
		}
		for _, ev := range e.Messaging {
			at := time.UnixMilli(ev.Timestamp)
			switch {
			case ev.Message != nil:
				m := ev.Message
				in := incoming{externalID: m.Mid, from: ev.Sender.ID, text: m.Text, at: at}
				if m.QuickReply != nil {
					in.payload = m.QuickReply.Payload
				}
				if m.IsEcho {
					if m.Metadata == sentByUs {
						skipped++ // our own reply, sent through the API
						continue
					}
					in.from, in.echo = ev.Recipient.ID, true
				}
				for _, a := range m.Attachments {
					if !messengerMedia[a.Type] || a.Payload.URL == "" || len(in.files) == maxFilesPerMessage {
						// A location or a shared post: nothing to fetch. A shared link
						// ("fallback") names any address the customer chose, which the
						// server must not fetch for them.
						continue
					}
					in.files = append(in.files, media{kind: a.Type, url: a.Payload.URL})
					if in.media == "" {
						in.media = a.Type
					}
				}
				if len(in.files) == 0 && len(m.Attachments) > 0 {
					in.media = m.Attachments[0].Type
				}
				if in.externalID == "" || in.from == "" || (in.text == "" && in.media == "") {
					skipped++
					continue
				}
				msgs = append(msgs, in)
			case ev.Postback != nil && ev.Postback.Mid != "":
				msgs = append(msgs, incoming{externalID: ev.Postback.Mid, from: ev.Sender.ID, text: ev.Postback.Title, payload: ev.Postback.Payload, at: at})
			case ev.Delivery != nil:
				for _, mid := range ev.Delivery.Mids {
					reports = append(reports, report{externalID: mid, status: inbox.DeliveryDelivered})
				}
				if len(ev.Delivery.Mids) == 0 {
					reports = append(reports, report{status: inbox.DeliveryDelivered, psid: ev.Sender.ID, watermark: time.UnixMilli(ev.Delivery.Watermark)})
				}
			case ev.Read != nil:
				reports = append(reports, report{status: inbox.DeliveryRead, psid: ev.Sender.ID, watermark: time.UnixMilli(ev.Read.Watermark)})
			default:
				skipped++
			}
		}
	}
	return msgs, reports, skipped, nil
}
