// Package contacts holds the screens of the Contacts section: the workspace's customers
// with a search, one contact with their details and every conversation they had on any
// channel, and the merge of two records of one person.
package contacts

import (
	"agent/app/ids"
	"net/url"
	"strings"
	"time"

	"agent/app/inbox"
	"agent/views/components"
	"agent/views/urls"
)

// ListData is the list of contacts: one page, newest first.
type ListData struct {
	WS     int64
	Search string
	Before int64 // the page shows contacts older than this one (0: the first page)
	Items  []inbox.ContactSummary
	Next   int64 // Before of the next page; 0 when this is the last
	Now    time.Time
}

// MaxSearch is how many characters a search of the contacts keeps.
const MaxSearch = 200

// PageHref is the address of the page of contacts older than before, keeping the search.
func (d ListData) PageHref(before int64) string {
	return ListHref(d.WS, d.Search, before)
}

// ListHref is the address of a page of the list.
func ListHref(ws int64, search string, before int64) string {
	v := url.Values{}
	if search != "" {
		v.Set("q", search)
	}
	if before != 0 {
		v.Set("before", urls.ID(before))
	}
	if q := v.Encode(); q != "" {
		return urls.Contacts(ws) + "?" + q
	}
	return urls.Contacts(ws)
}

// ContactData is one contact's page.
type ContactData struct {
	WS      int64
	CSRF    string
	Contact inbox.Contact
	Form    components.Form // name, email, phone; with their errors after a failed save
	// Taken is the other contact that has the email or phone the form asked for, offered
	// for a merge.
	Taken         *inbox.Contact
	Conversations []inbox.Summary // newest first, one page
	Before        int64           // the page shows conversations older than this one (0: the first)
	Next          int64           // Before of the next page; 0 when this is the last
	MergeSearch   string
	Candidates    []inbox.ContactSummary // contacts found to merge into this one
	CanEmail      bool                   // the workspace has an email channel to write from
	Now           time.Time
}

// MergeData is the confirmation of a merge: Gone into Keep.
type MergeData struct {
	WS            int64
	CSRF          string
	Keep, Gone    inbox.Contact
	Conversations int // Gone's, which move to Keep
}

// Label names a contact for people: their name, email or phone, else their widget
// visitor's number (as the inbox names visitors), else their record's.
func Label(k inbox.Contact) string {
	if l := k.Label(); l != "" {
		return l
	}
	if k.VisitorID != 0 {
		return "Visitor " + ids.Pseudonym(k.VisitorID)
	}
	return "Contact " + urls.ID(k.ID)
}

// Dropped lists what of Gone a merge drops, as a sentence, or "": an email or phone that
// both have keeps Keep's, as each names one contact.
func (d MergeData) Dropped() string {
	var out []string
	for _, f := range []struct{ what, keep, gone string }{
		{"email " + d.Gone.Email, d.Keep.Email, d.Gone.Email},
		{"phone " + d.Gone.Phone, d.Keep.Phone, d.Gone.Phone},
		{"WhatsApp id", d.Keep.WhatsAppID, d.Gone.WhatsAppID},
		{"Messenger id", d.Keep.MessengerPSID, d.Gone.MessengerPSID},
	} {
		if f.keep != "" && f.gone != "" && f.keep != f.gone {
			out = append(out, f.what)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return Label(d.Gone) + "'s " + strings.Join(out, ", ") + " will be dropped: " + Label(d.Keep) + " keeps their own."
}

// ConversationHref is the address of a conversation in the inbox (its All view, or Closed).
func ConversationHref(ws int64, c inbox.Summary) string {
	view := "all"
	if c.Status == "closed" {
		view = "closed"
	}
	return urls.Conversation(ws, c.ID) + "?view=" + view
}

// ConversationsHref is the address of the contact's page showing conversations older than before.
func (d ContactData) ConversationsHref(before int64) string {
	return urls.Contact(d.WS, d.Contact.ID) + "?before=" + urls.ID(before)
}
