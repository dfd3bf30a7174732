package closing

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/quote"
)

// JobNotify is the job that mails a quote's owner that the closing agent handed one of
// the quote's conversations off: queued with the handoff, sent apart from it, so a slow
// mail server holds up no buyer.
const JobNotify = "closing-notify"

type notice struct {
	WorkspaceID    int64 `json:"workspace_id"`
	ConversationID int64 `json:"conversation_id"`
	QuoteID        int64 `json:"quote_id"`
	OwnerID        int64 `json:"owner_id"`
	AssigneeID     int64 `json:"assignee_id"`
}

// Mailer sends a mail to a person of the workspace from its mailbox, reporting whether it
// has one; *mailbox.Sender is one.
type Mailer interface {
	Notify(ctx context.Context, workspaceID int64, to mail.Address, subject, text string) (bool, error)
}

// Notifier mails quotes' owners of the handoffs of their quotes' conversations (JobNotify).
type Notifier struct {
	Accounts *account.Manager
	Quotes   *quote.Store
	Mail     Mailer
	// BaseURL is the install's public address, for the link to the conversation; "" leaves
	// the path alone.
	BaseURL string
}

// notifyOwner queues the owner's mail inside the handoff's transaction (inbox.Referral's
// Then): a handoff is recorded with its notice or not at all.
func notifyOwner(q Quote) func(ctx context.Context, tx *sql.Tx, c inbox.Conversation, h inbox.Handoff) error {
	return func(ctx context.Context, tx *sql.Tx, c inbox.Conversation, h inbox.Handoff) error {
		if q.OwnerID == 0 {
			return nil
		}
		return jobs.Schedule(ctx, tx, JobNotify, time.Now(), notice{WorkspaceID: c.WorkspaceID, ConversationID: c.ID,
			QuoteID: q.ID, OwnerID: q.OwnerID, AssigneeID: h.ToUserID})
	}
}

// Run is JobNotify's handler.
func (n *Notifier) Run(ctx context.Context, payload json.RawMessage) error {
	var no notice
	if err := json.Unmarshal(payload, &no); err != nil {
		return fmt.Errorf("closing: notify: %w", err)
	}
	owner, err := n.Accounts.User(ctx, no.OwnerID)
	if err != nil || owner.Disabled {
		return nil // gone since: no one to tell
	}
	q, err := n.Quotes.Get(ctx, no.WorkspaceID, no.QuoteID)
	if err != nil {
		return nil
	}
	who := "It waits in the inbox for someone to take it."
	switch no.AssigneeID {
	case owner.ID:
		who = "It is assigned to you."
	case 0:
	default:
		if u, err := n.Accounts.User(ctx, no.AssigneeID); err == nil {
			who = "You were not available, so it is assigned to " + u.Name + "."
		}
	}
	link := strings.TrimRight(n.BaseURL, "/") + "/w/" + ids.Encode(no.WorkspaceID) + "/inbox/" + ids.Encode(no.ConversationID)
	subject := fmt.Sprintf("Quote %s: a buyer needs a person", q.Number)
	text := fmt.Sprintf("Hello %s,\n\nA buyer on the page of your quote %s (%s, %s) needs a person: the closing agent handed the conversation off. %s\n\n%s\n",
		owner.Name, q.Number, q.Title, q.BuyerCompany, who, link)
	_, err = n.Mail.Notify(ctx, no.WorkspaceID, mail.Address{Name: owner.Name, Address: owner.Email}, subject, text)
	return err
}
