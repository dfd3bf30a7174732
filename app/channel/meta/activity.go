package meta

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"agent/app/channel"
	"agent/app/store"
)

// Event is a webhook event as the channel page lists it.
type Event struct {
	ReceivedAt time.Time
	Processed  bool
	Summary    string
	Error      string
}

// DeliveryError is a message the channel could not send, or not yet.
type DeliveryError struct {
	ConversationID int64
	MessageID      int64
	Status         string
	Error          string
	At             time.Time
}

// Activity is what the channel page shows of a channel's traffic: the last webhook
// events and the last delivery errors, newest first.
type Activity struct {
	Events []Event
	Errors []DeliveryError
}

// RecentActivity returns the last limit events and delivery errors of a channel.
func RecentActivity(ctx context.Context, db *store.DB, channelID int64, limit int) (Activity, error) {
	var a Activity
	rows, err := db.Read.QueryContext(ctx, `SELECT received_at, processed_at IS NOT NULL, summary, error FROM meta_events
		WHERE channel_id = ? ORDER BY id DESC LIMIT ?`, channelID, limit)
	if err != nil {
		return a, fmt.Errorf("meta: activity: %w", err)
	}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.Processed, &e.Summary, &e.Error); err != nil {
			rows.Close()
			return a, fmt.Errorf("meta: activity: %w", err)
		}
		e.ReceivedAt = time.Unix(at, 0)
		a.Events = append(a.Events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return a, fmt.Errorf("meta: activity: %w", err)
	}
	rows, err = db.Read.QueryContext(ctx, `SELECT m.conversation_id, d.message_id, d.status, d.error, d.updated_at FROM conversations c
		JOIN messages m ON m.conversation_id = c.id JOIN deliveries d ON d.message_id = m.id
		WHERE c.channel_id = ? AND d.error <> '' ORDER BY d.updated_at DESC, d.message_id DESC LIMIT ?`, channelID, limit)
	if err != nil {
		return a, fmt.Errorf("meta: activity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e DeliveryError
		var at int64
		if err := rows.Scan(&e.ConversationID, &e.MessageID, &e.Status, &e.Error, &at); err != nil {
			return a, fmt.Errorf("meta: activity: %w", err)
		}
		e.At = time.Unix(at, 0)
		a.Errors = append(a.Errors, e)
	}
	return a, rows.Err()
}

// Check is what the Test button found: the account's name and number as Meta knows
// them, or why the token does not work.
type Check struct {
	Name  string // the verified name of the number, or the page's name
	Phone string // WhatsApp: the display phone number
	Err   error
}

// Test reads the channel's phone number or page with its token.
func Test(ctx context.Context, g *Graph, kind channel.Kind, set Settings) Check {
	fields := "id,name"
	if kind == channel.WhatsApp {
		fields = "id,display_phone_number,verified_name"
	}
	var res struct {
		Name         string `json:"name"`
		VerifiedName string `json:"verified_name"`
		Phone        string `json:"display_phone_number"`
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := g.Get(ctx, set.AccountID, set.AccessToken, url.Values{"fields": {fields}}, &res); err != nil {
		return Check{Err: err}
	}
	if res.VerifiedName != "" {
		res.Name = res.VerifiedName
	}
	return Check{Name: res.Name, Phone: res.Phone}
}
