package channel

import (
	"context"
	"errors"
	"time"
)

// Rules are how conversations on a kind of channel behave.
type Rules struct {
	// Streaming: the customer sees the AI's words as they are written (the widget); other
	// kinds get the whole reply at once.
	Streaming bool
	// ReplyWindow is how long after the customer's last message the business may still
	// write to them (WhatsApp's 24 hours); 0 is any time.
	ReplyWindow time.Duration
	// CloseAfter is the default time without activity after which a conversation closes.
	CloseAfter time.Duration
	// Sends: the channel's messages are sent out (through Driver.Send, by the job runner)
	// rather than followed by the customer's open page.
	Sends bool
}

// Outgoing is a stored message for the customer, as its channel's Send gets it.
type Outgoing struct {
	Channel        Channel
	ConversationID int64
	MessageID      int64
	ContactID      int64
	Text           string
	Lang           string
	Sources        []Link   // what an AI reply rests on, numbered from 1
	Options        []string // a clarifying question's choices, offered as buttons where the channel has them
	// Automatic: written by the AI or the system, not by a person (email marks it
	// Auto-Submitted so that other robots do not answer it).
	Automatic bool
	// Label is what the customer sees under the automatic bot's messages ("Sent by the chat
	// assistant"); "" for any other message.
	Label string
	// Rating: what the message asks the customer to rate, as the channel allows (a line in
	// a mail, reply buttons, quick replies).
	Rating Rating
	// RatedID is the automatic reply a RateReason message asks about.
	RatedID int64
}

// Rating is what an outgoing message asks the customer to rate.
type Rating int

// What a message asks to be rated.
const (
	RateNothing Rating = iota
	RateReply          // this automatic reply: resolved or not
	RateReason         // why the reply RatedID did not resolve the question
)

// Link is a source an AI reply cites.
type Link struct {
	Title string
	URL   string
}

// Receipt is what a channel says of a message it accepted: its own id for it (an email's
// Message-ID, a WhatsApp message id), so that the customer's answer can be tied to it.
type Receipt struct {
	ExternalID string
}

// PermanentError is a send that trying again cannot fix (outside a reply window, a
// customer who blocked the business): the delivery fails at once for a person to see.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as one that retries cannot fix.
func Permanent(err error) error { return &PermanentError{Err: err} }

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Driver is a kind of channel: its rules and how a message goes out on it.
type Driver interface {
	Rules() Rules
	// Send delivers a stored message; an error is retried by the job runner (unless it is
	// Permanent) and its text shown on the message, so it should say what the other side
	// answered.
	Send(ctx context.Context, out Outgoing) (Receipt, error)
}

// Widget is the chat widget's driver: its page follows the conversation's events, so
// nothing is sent.
type Widget struct{}

// Rules of the widget: streamed replies, conversations closed after a day without activity.
func (Widget) Rules() Rules { return Rules{Streaming: true, CloseAfter: 24 * time.Hour} }

// Send does nothing: the widget's page shows the message from the conversation's events.
func (Widget) Send(context.Context, Outgoing) (Receipt, error) { return Receipt{}, nil }

// DefaultRules are the rules of each kind before a driver is plugged in, and the defaults
// a new channel of the kind gets.
var DefaultRules = map[Kind]Rules{
	Chat:      Widget{}.Rules(),
	Email:     {CloseAfter: 72 * time.Hour, Sends: true},
	WhatsApp:  {ReplyWindow: 24 * time.Hour, CloseAfter: 24 * time.Hour, Sends: true},
	Messenger: {ReplyWindow: 24 * time.Hour, CloseAfter: 24 * time.Hour, Sends: true},
}
