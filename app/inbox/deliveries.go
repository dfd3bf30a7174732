package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/jobs"
)

// JobSend is the job that sends one stored message out through its channel.
const JobSend = "channel-send"

// DeliveryStatus is where a message on a channel that sends stands.
type DeliveryStatus string

// The states of a delivery.
const (
	DeliveryQueued DeliveryStatus = "queued" // waiting to be sent, or to be tried again (Error says why)
	DeliverySent   DeliveryStatus = "sent"
	DeliveryFailed DeliveryStatus = "failed" // given up, or refused by the channel: a person may retry it
	// What WhatsApp and Messenger report after sending.
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryRead      DeliveryStatus = "read"
)

// Sent reports whether the channel accepted the message (sent, delivered or read).
func (s DeliveryStatus) Sent() bool {
	return s == DeliverySent || s == DeliveryDelivered || s == DeliveryRead
}

// Delivery is the sending of one message to the customer.
type Delivery struct {
	MessageID  int64
	Status     DeliveryStatus
	Attempts   int
	Error      string
	ExternalID string
	UpdatedAt  time.Time
}

// Deliveries is the Outbox of the channels that send: a message is stored, then a job
// sends it through its kind's driver, retried with a growing delay (the job runner's)
// until MaxAttempts have failed, when it is marked failed for a person to see and retry.
type Deliveries struct {
	Store    *Store
	Channels *channel.Store
	Jobs     *jobs.Runner
	Hub      *Hub
	Drivers  map[channel.Kind]channel.Driver
	// MaxAttempts is how many failed sends mark a delivery failed; 0 is 5 (about 15 minutes).
	MaxAttempts int
}

func (d *Deliveries) maxAttempts() int {
	if d.MaxAttempts > 0 {
		return d.MaxAttempts
	}
	return 5
}

type sendJob struct {
	WorkspaceID    int64 `json:"workspace_id"`
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}

// Deliver queues a stored message for sending.
func (d *Deliveries) Deliver(ctx context.Context, _ channel.Channel, c Conversation, m Message) error {
	// The job first: a stop between the two leaves a job that records its delivery itself,
	// never a delivery no job sends.
	if err := d.Jobs.At(ctx, JobSend, d.Store.now(), sendJob{c.WorkspaceID, c.ID, m.ID}); err != nil {
		return err
	}
	// DO NOTHING: the job may have run already.
	_, err := d.Store.db.Write.ExecContext(ctx, `INSERT INTO deliveries (message_id, status, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (message_id) DO NOTHING`, m.ID, DeliveryQueued, d.Store.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: deliver: %w", err)
	}
	return nil
}

// Send is the job handler of JobSend.
func (d *Deliveries) Send(ctx context.Context, payload json.RawMessage) error {
	var j sendJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return fmt.Errorf("inbox: send: %w", err)
	}
	del, ok, err := d.Store.Delivery(ctx, j.MessageID)
	if err != nil {
		return err
	}
	if ok && del.Status.Sent() {
		return nil // sent by an earlier run of this job
	}
	del.MessageID = j.MessageID
	c, err := d.Store.Get(ctx, j.WorkspaceID, j.ConversationID)
	if errors.Is(err, ErrNotFound) {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	m, err := d.Store.Message(ctx, c.ID, j.MessageID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	out, drv, err := d.outgoing(ctx, c, m)
	var rec channel.Receipt
	if err == nil {
		rec, err = drv.Send(ctx, out)
	}
	del.Attempts++
	if err == nil {
		del.Status, del.Error, del.ExternalID = DeliverySent, "", rec.ExternalID
	} else {
		del.Status, del.Error = DeliveryQueued, err.Error()
		if del.Attempts >= d.maxAttempts() || channel.IsPermanent(err) {
			del.Status = DeliveryFailed
		}
	}
	if serr := d.Store.setDelivery(ctx, del); serr != nil {
		return serr
	}
	if del.Status != DeliverySent && d.Hub != nil {
		d.Hub.Publish(c.WorkspaceID, Event{Kind: EventConversation, ConversationID: c.ID})
	}
	if del.Status == DeliveryQueued {
		return err // the job runner tries again later
	}
	return nil
}

// outgoing is what the channel's driver is given for message m.
func (d *Deliveries) outgoing(ctx context.Context, c Conversation, m Message) (channel.Outgoing, channel.Driver, error) {
	ch, err := d.Channels.ByID(ctx, c.ChannelID)
	if err != nil {
		return channel.Outgoing{}, nil, fmt.Errorf("the conversation's channel: %w", err)
	}
	drv := d.Drivers[ch.Kind]
	if drv == nil {
		return channel.Outgoing{}, nil, fmt.Errorf("no way to send on %s channels", ch.Kind)
	}
	k, _, err := d.Store.ContactOf(ctx, c)
	if err != nil {
		return channel.Outgoing{}, nil, err
	}
	out := channel.Outgoing{Channel: ch, ConversationID: c.ID, MessageID: m.ID, ContactID: k.ID, Text: m.Body, Lang: m.Lang,
		Automatic: m.Author != agent.AuthorHuman}
	if m.AI != nil {
		for _, s := range m.AI.Sources {
			out.Sources = append(out.Sources, channel.Link{Title: s.Title, URL: s.URL})
		}
		if m.AI.Decision == agent.Clarify {
			out.Options = m.AI.QuickReplies
		}
	}
	return out, drv, d.rating(ctx, c, m, &out)
}

// rating sets what an automatic message shows the customer: the bot's label, and the
// rating it asks for (of an automatic reply, or the reason after "Not resolved").
func (d *Deliveries) rating(ctx context.Context, c Conversation, m Message, out *channel.Outgoing) error {
	kind, err := d.Store.AutomaticOf(ctx, m.ID)
	if err != nil {
		return err
	}
	if kind != "" && kind != AutoStopped {
		b, err := d.Store.Bot(ctx, c.WorkspaceID)
		if err != nil {
			return err
		}
		out.Label = b.LabelIn(m.Lang)
	}
	if ok, err := d.Store.Rateable(ctx, m.ID); err != nil || ok {
		out.Rating = channel.RateReply
		return err
	}
	rated, err := d.Store.RatingPrompt(ctx, m.ID)
	if rated != 0 {
		out.Rating, out.RatedID = channel.RateReason, rated
	}
	return err
}

// Retry sends a failed message again, from a person's click.
func (d *Deliveries) Retry(ctx context.Context, workspaceID, conversationID, messageID int64) error {
	c, err := d.Store.Get(ctx, workspaceID, conversationID)
	if err != nil {
		return err
	}
	del, ok, err := d.Store.Delivery(ctx, messageID)
	if err != nil {
		return err
	}
	if !ok || del.Status != DeliveryFailed {
		return ErrNotFound
	}
	if _, err := d.Store.Message(ctx, c.ID, messageID); err != nil {
		return err
	}
	if err := d.Jobs.At(ctx, JobSend, d.Store.now(), sendJob{c.WorkspaceID, c.ID, messageID}); err != nil {
		return err
	}
	del.Status, del.Attempts = DeliveryQueued, 0
	return d.Store.setDelivery(ctx, del)
}

// Delivery returns the sending of a message, and false for a message that is not sent
// (the widget's, a note).
func (s *Store) Delivery(ctx context.Context, messageID int64) (Delivery, bool, error) {
	del := Delivery{MessageID: messageID}
	var at int64
	err := s.db.Read.QueryRowContext(ctx, "SELECT status, attempts, error, external_id, updated_at FROM deliveries WHERE message_id = ?", messageID).
		Scan(&del.Status, &del.Attempts, &del.Error, &del.ExternalID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return del, false, nil
	}
	if err != nil {
		return del, false, fmt.Errorf("inbox: delivery: %w", err)
	}
	del.UpdatedAt = time.Unix(at, 0)
	return del, true, nil
}

// Deliveries returns the sending of a conversation's messages, by message.
func (s *Store) Deliveries(ctx context.Context, conversationID int64) (map[int64]Delivery, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT d.message_id, d.status, d.attempts, d.error, d.external_id, d.updated_at
		FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.conversation_id = ?`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("inbox: deliveries: %w", err)
	}
	defer rows.Close()
	out := map[int64]Delivery{}
	for rows.Next() {
		var del Delivery
		var at int64
		if err := rows.Scan(&del.MessageID, &del.Status, &del.Attempts, &del.Error, &del.ExternalID, &at); err != nil {
			return nil, fmt.Errorf("inbox: deliveries: %w", err)
		}
		del.UpdatedAt = time.Unix(at, 0)
		out[del.MessageID] = del
	}
	return out, rows.Err()
}

func (s *Store) setDelivery(ctx context.Context, del Delivery) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO deliveries (message_id, status, attempts, error, external_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
		error = excluded.error, external_id = excluded.external_id, updated_at = excluded.updated_at`,
		del.MessageID, del.Status, del.Attempts, del.Error, del.ExternalID, s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: delivery: %w", err)
	}
	return nil
}

// deliveryRank orders the states a delivery goes through: a report that would move it
// back (Meta's "sent" after its "read", in any order they arrive) changes nothing. A
// failure the channel reports after sending is below delivered: a message delivered to
// one of the customer's devices was received.
const deliveryRank = `CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 END`

var deliveryRanks = map[DeliveryStatus]int{DeliveryQueued: 0, DeliverySent: 1, DeliveryFailed: 2, DeliveryDelivered: 3, DeliveryRead: 4}

// AdvanceDelivery records what the channel reports of a sent message (delivered, read,
// failed with its reason), only when it moves the delivery forward; false when it did not.
func (s *Store) AdvanceDelivery(ctx context.Context, messageID int64, status DeliveryStatus, reason string) (bool, error) {
	rank, ok := deliveryRanks[status]
	if !ok || status == DeliveryQueued {
		return false, fmt.Errorf("inbox: advance delivery: %q is not a state to report", status)
	}
	if status != DeliveryFailed {
		reason = ""
	}
	res, err := s.db.Write.ExecContext(ctx, `UPDATE deliveries SET status = ?, error = ?, updated_at = ?
		WHERE message_id = ? AND `+deliveryRank+` < ?`, status, reason, s.now().Unix(), messageID, rank)
	if err != nil {
		return false, fmt.Errorf("inbox: advance delivery: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
