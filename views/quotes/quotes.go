// Package quotes holds the screens of sales quotes: the admin's list, form and quote page,
// and the public page a buyer opens from the quote's link.
package quotes

import (
	"fmt"
	"net/url"
	"time"

	"agent/app/account"
	"agent/app/quote"
	"agent/views/components"
	"agent/views/urls"
)

// ListData is a page of the Quotes section.
type ListData struct {
	WS        int64
	Quotes    []quote.Summary
	Owners    map[int64]string // user id -> name
	CanManage bool
	Now       time.Time
	Status    quote.Status // the filter; "" for all
	Search    string
	After     quote.Cursor // where this page starts; zero: the first page
	Next      quote.Cursor // where the next page starts; zero: this is the last
}

// PageSize is how many quotes a page of the Quotes section shows.
const PageSize = 50

// Filtered reports whether the page shows part of the quotes by a filter or a search.
func (d ListData) Filtered() bool { return d.Status != "" || d.Search != "" }

// PageHref is the address of the page starting at after, with the same filter and search.
func (d ListData) PageHref(after quote.Cursor) string {
	v := url.Values{}
	if d.Status != "" {
		v.Set("status", string(d.Status))
	}
	if d.Search != "" {
		v.Set("q", d.Search)
	}
	if !after.IsZero() {
		v.Set("after", after.String())
	}
	if len(v) == 0 {
		return urls.Quotes(d.WS)
	}
	return urls.Quotes(d.WS) + "?" + v.Encode()
}

// FormData is the form of a new quote (ID 0) or of an existing one, as typed: the line
// items and contacts are rows of the form, blank ones left out when saved.
type FormData struct {
	ID       int64
	Number   string // the saved number, for the heading
	Form     components.Form
	Lines    []quote.LineInput
	Contacts []quote.Contact
	Members  []account.Member
	// RowErrors marks the inputs of line and contact rows at fault: "lines[2].unit_price".
	RowErrors map[string]bool
}

// New reports whether the form creates a quote.
func (d FormData) New() bool { return d.ID == 0 }

// ShowData is a quote's admin page.
type ShowData struct {
	Quote         quote.Quote
	Totals        quote.Totals
	Owner         string
	Link          string // the public page's address; "" while the page is not live
	State         quote.Status
	CanManage     bool
	Viewers       quote.Viewers
	Conversations []quote.Conversation
	People        map[int64]string // assignees' names
	Zone          *time.Location   // the workspace's time zone
}

// PublicData is the buyer's page.
type PublicData struct {
	Quote     quote.Quote
	Totals    quote.Totals
	Seller    string // the workspace's name
	Owner     account.User
	ChatKey   string // the widget's key (the quote's token); "" without a chat
	State     quote.Status
	ExpiresOn string // "31 March 2027"
}

// GoneData is what the public address shows when the quote's page is not there.
type GoneData struct {
	Title   string
	Message string
}

// StatusLabel is a status as people read it.
func StatusLabel(s quote.Status) string {
	switch s {
	case quote.Draft:
		return "Draft"
	case quote.Published:
		return "Published"
	case quote.Accepted:
		return "Accepted"
	case quote.Expired:
		return "Expired"
	case quote.Withdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Day writes a date for people: "31 March 2027".
func Day(t time.Time) string { return t.Format("2 January 2006") }

// ExpiryDay writes a quote's expiry date (YYYY-MM-DD) for people: "31 March 2027".
func ExpiryDay(on string) string {
	t, err := time.Parse(time.DateOnly, on)
	if err != nil {
		return on
	}
	return Day(t)
}

// rowField is the name of a row's input in the form: line_quantity, contact_email.
func rowField(row, field string) string { return row + "_" + field }

// rowError is the error key of a row's field: lines[2].quantity.
func rowError(rows string, i int, field string) string {
	return fmt.Sprintf("%s[%d].%s", rows, i, field)
}

// discount is a line's discount as shown: "15 % (−9.00 EUR)", "−150.50 EUR", or "".
func discount(q quote.Quote, i int, t quote.Totals) string {
	l := q.Lines[i]
	switch {
	case l.DiscountPercent.IsPositive():
		return quote.Percent(l.DiscountPercent) + " % (−" + q.Format(t.Lines[i].Discount) + ")"
	case l.DiscountAmount.IsPositive():
		return "−" + q.Format(t.Lines[i].Discount)
	}
	return ""
}

// stateHelp says what a status means for the quote's page.
func stateHelp(s quote.Status, q quote.Quote) string {
	switch s {
	case quote.Draft:
		return "Only your team sees it. Publish it to give it a public page."
	case quote.Published:
		return "Its page is live until the end of " + ExpiryDay(q.ExpiresOn) + "."
	case quote.Accepted:
		return "The buyer accepted it on " + Day(q.AcceptedAt) + ". Its page stays up; it can no longer be changed."
	case quote.Expired:
		return "It expired at the end of " + ExpiryDay(q.ExpiresOn) + ": its page shows that. Set a later date and publish it again to reopen it."
	case quote.Withdrawn:
		return "Its page is down and its old link no longer works. Publishing it again gives it a new link."
	}
	return ""
}

// statusClass colours a status badge: live pages green, the rest grey.
func statusClass(s quote.Status) string {
	if s == quote.Published || s == quote.Accepted {
		return "badge-on"
	}
	return "badge-off"
}
