package inbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"agent/app/inbox"
	"agent/static"
	"agent/views/urls"
)

// ListWork is what the list needs for working through it: each item's tags, the form of
// the bulk actions, and the signed-in person's waiting conversations, which the page counts
// in its title and notifies of.
type ListWork struct {
	Tags    map[int64][]inbox.Tag // by conversation
	Waiting []inbox.Waiting
	CSRF    string
	Back    string // where the bulk form returns
}

// WaitingKeys are the waiting conversations as "conversation:last message" pairs: a new
// pair is a new conversation or message to notify of.
func (w ListWork) WaitingKeys() string {
	keys := make([]string, len(w.Waiting))
	for i, x := range w.Waiting {
		keys[i] = urls.ID(x.ConversationID) + ":" + strconv.FormatInt(x.LastMessageID, 10)
	}
	return strings.Join(keys, " ")
}

// WaitingCount is the count the title shows.
func (w ListWork) WaitingCount() string {
	if len(w.Waiting) > inbox.MaxWaiting {
		return strconv.Itoa(inbox.MaxWaiting-1) + "+"
	}
	return strconv.Itoa(len(w.Waiting))
}

// ConvWork is what the conversation's pane needs for tags, snooze and closing.
type ConvWork struct {
	Tags         []inbox.Tag
	ConfirmClose bool           // the customer wrote last: Close asks first
	Zone         *time.Location // the workspace's, for the snooze's times
	Me           string         // the signed-in person's name, for saved replies' {{agent}}
}

// TagText is the conversation's tags as the tag box shows them.
func (w ConvWork) TagText() string {
	names := make([]string, len(w.Tags))
	for i, t := range w.Tags {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// SnoozedUntil says when a snoozed conversation comes back, in the workspace's time.
func (w ConvWork) SnoozedUntil(c inbox.Conversation) string {
	zone := w.Zone
	if zone == nil {
		zone = time.UTC
	}
	return c.SnoozedUntil.In(zone).Format("Mon 2 Jan 15:04")
}

// TagHref is the list filtered by a tag, in the current view.
func (d ListData) TagHref(tag int64) string {
	f := d.Filter
	f.TagID, f.Page = tag, 0
	return urls.Inbox(d.WS) + f.Query()
}

// WorkAttrs are the page's data attributes for inboxwork.js: the person's notification
// settings, where the saved replies are, and the title it counts in.
func (d PageData) WorkAttrs(ws int64) templ.Attributes {
	return templ.Attributes{
		"data-sound":        strconv.FormatBool(d.Notify.Sound),
		"data-desktop":      strconv.FormatBool(d.Notify.Desktop),
		"data-replies-url":  urls.Inbox(ws, "saved-replies"),
		"data-notify-sound": static.Path("sound/notify.wav"),
		"data-inbox-url":    urls.Inbox(ws), // a notification opens a conversation under it
	}
}

// BulkClose is a bulk close waiting for confirmation: of the conversations ticked (IDs),
// Awaiting have a customer who wrote last.
type BulkClose struct {
	IDs          []int64
	Awaiting, Of int
}

// Question is what the confirmation asks, naming how many customers wait.
func (b BulkClose) Question() string {
	all := fmt.Sprintf("all %d", b.Of)
	if b.Of == 2 {
		all = "both"
	}
	switch {
	case b.Of == 1:
		return "The customer wrote last and has had no reply. Close the conversation anyway?"
	case b.Awaiting == b.Of:
		return fmt.Sprintf("%d customers are waiting for a reply: they wrote last. Close %s conversations anyway?", b.Of, all)
	case b.Awaiting == 1:
		return fmt.Sprintf("1 of the %d conversations is waiting for a reply: its customer wrote last. Close %s anyway?", b.Of, all)
	}
	return fmt.Sprintf("%d of the %d conversations are waiting for a reply: their customers wrote last. Close %s anyway?", b.Awaiting, b.Of, all)
}
