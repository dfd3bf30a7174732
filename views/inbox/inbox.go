// Package inbox holds the screens of the Inbox: the views of the workspace's conversations
// with their counts, the list, and one conversation with its transcript (who wrote what,
// what the AI rested on, the handoffs), the reply and note boxes and the assignment.
// The parts that live updates refresh are marked data-live and have an id.
package inbox

import (
	"agent/app/attach"
	"agent/app/ids"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/views/components"
	"agent/views/urls"
)

// Filter is what the list shows: a view (a team's with TeamID) and, optionally, the
// conversations of one channel or one AI agent, or those whose messages contain words;
// and which page of it.
type Filter struct {
	View      inbox.View
	TeamID    int64
	ChannelID int64
	AgentID   int64
	TagID     int64
	Search    string
	Page      int // from 1; 0 is the first page too
}

// MaxSearch is how many characters a search of the inbox keeps.
const MaxSearch = 200

// DefaultView is the view the inbox opens on.
const DefaultView = inbox.ViewMine

// Values returns the filter as query parameters, leaving out what is default.
func (f Filter) Values() url.Values {
	v := url.Values{}
	if f.View != "" && f.View != DefaultView {
		v.Set("view", string(f.View))
	}
	if f.View == inbox.ViewTeam && f.TeamID != 0 {
		v.Set("team", urls.ID(f.TeamID))
	}
	if f.ChannelID != 0 {
		v.Set("channel", urls.ID(f.ChannelID))
	}
	if f.AgentID != 0 {
		v.Set("agent", urls.ID(f.AgentID))
	}
	if f.TagID != 0 {
		v.Set("tag", urls.ID(f.TagID))
	}
	if f.Search != "" {
		v.Set("q", f.Search)
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// Query is the filter as a query string with its "?", or "" when it is all default.
func (f Filter) Query() string {
	if q := f.Values().Encode(); q != "" {
		return "?" + q
	}
	return ""
}

// With returns the filter showing the first page of another view (teamID for the team
// view), keeping the channel, agent and search filters.
func (f Filter) With(v inbox.View, teamID int64) Filter {
	f.View, f.TeamID, f.Page = v, teamID, 0
	return f
}

// PageNumber is the page shown, from 1.
func (f Filter) PageNumber() int { return max(f.Page, 1) }

// Is reports whether the filter shows view v (of team teamID).
func (f Filter) Is(v inbox.View, teamID int64) bool {
	return f.View == v && (v != inbox.ViewTeam || f.TeamID == teamID)
}

// Person is a member of the workspace with their presence.
type Person struct {
	ID       int64
	Name     string
	Online   bool
	Capacity int
	Open     int
}

// ListData is the left pane: the views with their counts, the list and who is online.
type ListData struct {
	WS     int64
	Filter Filter
	Counts inbox.Counts
	Teams  []account.Team
	Items  []inbox.Summary
	Agents map[int64]string // AI agents' names
	People []Person         // online first
	OpenID int64            // the conversation open beside the list
	More   bool             // there are older conversations than this page's
	Now    time.Time
	Work   ListWork // tags, bulk actions, notifications (work.go)
}

// PageData is the whole inbox page; Conv is nil when no conversation is open.
type PageData struct {
	List     ListData
	Me       Person
	Channels []channel.Channel
	Agents   []agent.Agent
	Conv     *ConvData
	Back     string // this page's address, where the presence form returns
	Assist   inbox.AssistSettings
	AutoSend bool                // the signed-in person's auto-send is on
	Tags     []inbox.Tag         // the workspace's, for the filter
	Notify   inbox.Notifications // the signed-in person's settings
	// BulkClose asks before closing the ticked conversations some of whose customers
	// await a reply (nil: nothing to ask).
	BulkClose *BulkClose
}

// ConvData is one open conversation with everything its pane shows.
type ConvData struct {
	WS          int64
	Conv        inbox.Conversation
	Filter      Filter
	Messages    []inbox.Message
	Handoffs    []inbox.Handoff
	Feedback    map[int64]inbox.Feedback // by message
	People      map[int64]string         // members' names by user
	TeamNames   map[int64]string
	Members     []account.Member // to assign to
	Teams       []account.Team
	AgentName   string
	ChannelName string
	CSRF        string
	Reply       components.Form // the reply box, with its error after a failed send
	Note        components.Form
	Now         time.Time
	Contact     inbox.Contact                 // the customer, when known (contact.go)
	Visit       inbox.Visit                   // where a widget visitor was (visit.templ)
	Claims      inbox.Claims                  // what a widget visitor said of themself, unverified
	Earlier     []inbox.Summary               // the contact's latest conversations, newest first
	Deliveries  map[int64]inbox.Delivery      // by message, on channels that send (delivery.templ)
	Files       map[int64][]attach.Attachment // by message (files.templ)
	Originals   map[int64]bool                // messages that came as HTML mail
	Automatic   map[int64]inbox.Automatic     // messages the automatic bot sent (bot.templ)
	Window      *ReplyWindow                  // WhatsApp and Messenger: what may be sent now (window.templ)
	Template    components.Form               // the template box, with its error after a failed send
	Suggest     bool                          // suggested replies are on (assist.templ)
	Work        ConvWork                      // tags, snooze, closing (work.go)
}

// viewNames are the views' labels.
var viewNames = map[inbox.View]string{
	inbox.ViewUnassigned: "Unassigned",
	inbox.ViewMine:       "Mine",
	inbox.ViewUnreplied:  "Unreplied",
	inbox.ViewUnread:     "Unread",
	inbox.ViewAll:        "All",
	inbox.ViewSnoozed:    "Snoozed",
	inbox.ViewClosed:     "Closed",
}

// countLabel is a view's count as shown: the counts stop at inbox.CountCap.
func countLabel(n int) string {
	if n > inbox.CountCap {
		return strconv.Itoa(inbox.CountCap) + "+"
	}
	return strconv.Itoa(n)
}

// ViewName names a view for people.
func ViewName(v inbox.View) string {
	if n, ok := viewNames[v]; ok {
		return n
	}
	return string(v)
}

// Title is the list's heading: the view's name, or the team's.
func (d ListData) Title() string {
	if d.Filter.View == inbox.ViewTeam {
		for _, t := range d.Teams {
			if t.ID == d.Filter.TeamID {
				return t.Name
			}
		}
	}
	return ViewName(d.Filter.View)
}

// Online lists the people online.
func (d ListData) Online() []Person {
	var out []Person
	for _, p := range d.People {
		if p.Online {
			out = append(out, p)
		}
	}
	return out
}

// Href is the address of a conversation in the list, keeping the list's filter.
func (d ListData) Href(convID int64) string {
	return urls.Conversation(d.WS, convID) + d.Filter.Query()
}

// PageHref is the address of another page of the list.
func (d ListData) PageHref(page int) string {
	f := d.Filter
	f.Page = page
	return urls.Inbox(d.WS) + f.Query()
}

// SearchlessHref is the address of the list without its search.
func (d ListData) SearchlessHref() string {
	f := d.Filter
	f.Search, f.Page = "", 0
	return urls.Inbox(d.WS) + f.Query()
}

// ViewHref is the address of a view of the list.
func (d ListData) ViewHref(v inbox.View, teamID int64) string {
	return urls.Inbox(d.WS) + d.Filter.With(v, teamID).Query()
}

// Who names the customer of a conversation.
func Who(c inbox.Conversation) string {
	if c.VisitorID == 0 {
		return "Customer"
	}
	return "Visitor " + ids.Pseudonym(c.VisitorID)
}

// ChannelLabel names the channel a conversation came through.
func ChannelLabel(name, kind string) string {
	k := kindLabel(kind)
	if name == "" {
		return k
	}
	return name + " · " + k
}

func kindLabel(kind string) string {
	switch channel.Kind(kind) {
	case channel.Chat:
		return "chat"
	case channel.Email:
		return "email"
	case channel.WhatsApp:
		return "WhatsApp"
	case channel.Messenger:
		return "Messenger"
	case inbox.ChannelQuote:
		return "quote page"
	}
	return kind
}

// Owner says who has a conversation of the list: a person, a team, the AI or no one.
func (d ListData) Owner(s inbox.Summary) string {
	switch {
	case s.AssigneeName != "":
		return s.AssigneeName
	case s.TeamName != "":
		return "Team " + s.TeamName
	case s.AIActive && s.AgentID != 0:
		if n := d.Agents[s.AgentID]; n != "" {
			return "AI · " + n
		}
		return "AI"
	}
	return "Unassigned"
}

// Unread reports whether the list marks a conversation unread: a customer message no
// person has opened, in a conversation people handle (as the Unread view counts them).
func Unread(s inbox.Summary) bool { return s.Unread && !s.AIActive }

// Excerpt is the start of the last message, with who wrote it when it was not the customer.
func Excerpt(s inbox.Summary) string {
	prefix := ""
	switch s.LastAuthor {
	case agent.AuthorBot:
		prefix = "AI: "
	case agent.AuthorHuman:
		prefix = "Reply: "
	case inbox.AuthorSystem:
		prefix = "Notice: "
	}
	text := strings.Join(strings.Fields(s.LastMessage), " ")
	if text == "" {
		return "No messages yet"
	}
	return prefix + truncate(text, 110)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Ago is a short relative time: "just now", "5 min", "3 h", "2 d", or the date.
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	case d < 7*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " d"
	case t.Year() == now.Year():
		return t.Format("2 Jan")
	}
	return t.Format("2 Jan 2006")
}

// Stamp is the time of a message: the hour today, else the date and hour.
func Stamp(now, t time.Time) string {
	y1, m1, d1 := now.Date()
	y2, m2, d2 := t.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04")
	}
	return t.Format("2 Jan 15:04")
}

// ISO is a time for a <time datetime> attribute.
func ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Entry is one line of a transcript: a message or a handoff.
type Entry struct {
	Message *inbox.Message
	Handoff *inbox.Handoff
}

// Entries merges messages and handoffs in the order they happened. Times are in seconds,
// so a handoff comes after the messages of its second that led to it (the customer's and
// the AI's) and before what followed it (a notice, a person's reply).
func Entries(msgs []inbox.Message, hs []inbox.Handoff) []Entry {
	out := make([]Entry, 0, len(msgs)+len(hs))
	i := 0
	for m := range msgs {
		msg := &msgs[m]
		after := msg.Author != agent.AuthorVisitor && msg.Author != agent.AuthorBot
		for i < len(hs) && (hs[i].CreatedAt.Before(msg.CreatedAt) || (after && hs[i].CreatedAt.Equal(msg.CreatedAt))) {
			out = append(out, Entry{Handoff: &hs[i]})
			i++
		}
		out = append(out, Entry{Message: msg})
	}
	for ; i < len(hs); i++ {
		out = append(out, Entry{Handoff: &hs[i]})
	}
	return out
}

// Author names who wrote a message.
func (d ConvData) Author(m inbox.Message) string {
	switch m.Author {
	case agent.AuthorVisitor:
		return Who(d.Conv)
	case agent.AuthorBot:
		if d.AgentName != "" {
			return d.AgentName
		}
		return "AI agent"
	case agent.AuthorHuman:
		return d.person(m.UserID)
	case inbox.AuthorNote:
		if m.UserID == 0 && d.Automatic[m.ID] != "" {
			return "Bot"
		}
		if m.UserID == 0 {
			return "Assistant" // its notes about auto-send (app/inbox/assist.go)
		}
		return d.person(m.UserID)
	case inbox.AuthorSystem:
		return "Automatic notice"
	}
	return string(m.Author)
}

func (d ConvData) person(id int64) string {
	if n := d.People[id]; n != "" {
		return n
	}
	return "A former member"
}

// AuthorRole is the short tag beside the author: bot, staff, internal note.
func AuthorRole(a agent.Author) string {
	switch a {
	case agent.AuthorVisitor:
		return "visitor"
	case agent.AuthorBot:
		return "AI bot"
	case agent.AuthorHuman:
		return "staff"
	case inbox.AuthorNote:
		return "internal note · staff only"
	case inbox.AuthorSystem:
		return "system"
	}
	return ""
}

// CauseLabel says why a conversation was handed off.
func CauseLabel(c inbox.Cause) string {
	switch c {
	case inbox.CauseNoAnswer:
		return "the AI could not answer"
	case inbox.CauseVisitor:
		return "the visitor asked for a person"
	case inbox.CauseRepeated:
		return "the AI would have repeated an answer"
	case inbox.CauseAutomation:
		return "routed by the channel's rules"
	case inbox.CauseManual:
		return "reassigned by hand"
	}
	return string(c)
}

// HandoffText says where a handoff left the conversation.
func (d ConvData) HandoffText(h inbox.Handoff) string {
	var to string
	switch {
	case h.Outcome == inbox.StayedWithTheBot:
		return "the channel keeps the AI on it; the visitor was told no one is available"
	case h.ToUserID != 0 && h.ToTeamID != 0:
		to = "assigned to " + d.person(h.ToUserID) + " (team " + d.team(h.ToTeamID) + ")"
	case h.ToUserID != 0:
		to = "assigned to " + d.person(h.ToUserID)
	case h.ToTeamID != 0:
		to = "waiting for team " + d.team(h.ToTeamID)
	default:
		to = "waiting in Unassigned"
	}
	if h.ByUserID != 0 {
		to += ", by " + d.person(h.ByUserID)
	}
	return to
}

func (d ConvData) team(id int64) string {
	if n := d.TeamNames[id]; n != "" {
		return n
	}
	return "(deleted)"
}

// Owner says who has the conversation now.
func (d ConvData) Owner() string {
	c := d.Conv
	switch {
	case c.AssigneeID != 0 && c.TeamID != 0:
		return d.person(c.AssigneeID) + " (team " + d.team(c.TeamID) + ")"
	case c.AssigneeID != 0:
		return d.person(c.AssigneeID)
	case c.TeamID != 0:
		return "Team " + d.team(c.TeamID)
	case c.AIActive && c.AgentID != 0 && d.AgentName != "":
		return "AI agent " + d.AgentName
	case c.AIActive && c.AgentID != 0:
		return "AI agent"
	}
	return "No one (Unassigned)"
}

// Percent is a confidence as "83%".
func Percent(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

// Assignee is the value of the assignment choice that is current: "user-ID", "team-ID" or "".
func (d ConvData) Assignee() string {
	switch {
	case d.Conv.AssigneeID != 0:
		return AssignUser(d.Conv.AssigneeID)
	case d.Conv.TeamID != 0:
		return AssignTeam(d.Conv.TeamID)
	}
	return ""
}

// AssignUser and AssignTeam are the values of the assignment choice.
func AssignUser(id int64) string { return "user-" + urls.ID(id) }

// AssignTeam is the value of a team in the assignment choice.
func AssignTeam(id int64) string { return "team-" + urls.ID(id) }

// Action is the address of an action on the conversation, keeping the list's filter.
func (d ConvData) Action(name string) string {
	return urls.Conversation(d.WS, d.Conv.ID, name) + d.Filter.Query()
}

// FeedbackText describes a visitor's rating of an AI reply.
func FeedbackText(f inbox.Feedback) string {
	if f.Helpful {
		return "Helpful"
	}
	s := "Not helpful"
	switch f.Reason {
	case "too_long":
		s += ": too long"
	case "not_useful":
		s += ": not useful"
	case "off_topic":
		s += ": off topic"
	case "other":
		s += ": other"
	}
	return s
}

// ViewKey names a view for tests and scripts: "view-mine", "view-team-<id>".
func ViewKey(v inbox.View, teamID int64) string {
	if v == inbox.ViewTeam {
		return "view-team-" + urls.ID(teamID)
	}
	return "view-" + string(v)
}

// EventsQuery is the query of the page's event stream: the open conversation, whose own
// events it also carries.
func (d PageData) EventsQuery() string {
	if d.Conv == nil {
		return ""
	}
	return "?conv=" + urls.ID(d.Conv.Conv.ID)
}

// ListQuery is the query of the list fragment: the filter, and the open conversation to
// highlight.
func (d PageData) ListQuery() string {
	v := d.List.Filter.Values()
	if d.List.OpenID != 0 {
		v.Set("open", urls.ID(d.List.OpenID))
	}
	if q := v.Encode(); q != "" {
		return "?" + q
	}
	return ""
}
