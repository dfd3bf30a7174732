package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"agent/app/channel"
	"agent/app/channel/email"
	"agent/app/inbox"
	"agent/app/usererr"
)

// NewEmail is a mail a person writes to a customer, starting a conversation.
type NewEmail struct {
	Channel channel.Channel
	To      string // the customer's address: their contact, made when there is none
	Subject string
	Text    string
	UserID  int64
}

// maxSubject bounds a subject a person writes.
const maxSubject = 200

// Start starts an email conversation from a person's mail: the customer's contact found
// or made by address, the conversation theirs (not the AI's) with its thread (plus-address
// token and subject, so that the customer's reply joins it), and the mail sent through the
// inbox's deliveries as a new thread.
func Start(ctx context.Context, svc *inbox.Service, settings *Store, n NewEmail) (inbox.Conversation, error) {
	if n.Channel.Kind != channel.Email {
		return inbox.Conversation{}, inbox.ErrNotFound
	}
	set, err := settings.Get(ctx, n.Channel.ID)
	if errors.Is(err, ErrNotSet) {
		return inbox.Conversation{}, usererr.Error("the email channel " + n.Channel.Name + " has no mailbox connected yet")
	}
	if err != nil {
		return inbox.Conversation{}, err
	}
	to, err := mail.ParseAddress(strings.TrimSpace(n.To))
	if err != nil || to.Name != "" || !strings.Contains(email.Domain(to.Address), ".") {
		return inbox.Conversation{}, inputError("to", "enter the customer's email address, such as name@example.com")
	}
	if email.SameMailbox(to.Address, set.Address) {
		return inbox.Conversation{}, inputError("to", "that is this channel's own address")
	}
	subject := strings.Join(strings.Fields(n.Subject), " ")
	switch {
	case subject == "":
		return inbox.Conversation{}, inputError("subject", "write a subject")
	case utf8.RuneCountInString(subject) > maxSubject:
		return inbox.Conversation{}, inputError("subject", "keep the subject under 200 characters")
	}
	k, err := svc.Store.ContactByEmail(ctx, n.Channel.WorkspaceID, to.Address, "")
	if err != nil {
		return inbox.Conversation{}, err
	}
	c, _, err := svc.StartConversation(ctx, inbox.NewOutgoing{Channel: n.Channel, ContactID: k.ID, UserID: n.UserID, Text: n.Text,
		Record: func(tx *sql.Tx, c inbox.Conversation, _ int64) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO email_threads (conversation_id, token, subject) VALUES (?, ?, ?)", c.ID, email.NewToken(), subject)
			return err
		}})
	return c, err
}
