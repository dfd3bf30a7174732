// Package channels holds the screens of the Channels section: the list of a workspace's
// channels, and the page of one chat widget with its settings, install snippet and a live
// preview of the widget.
package channels

import (
	"slices"
	"strconv"
	"strings"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/views/components"
)

// Kind is a kind of channel as the list offers it.
type Kind struct {
	Kind  channel.Kind
	Label string
	About string
}

// Kinds are the kinds of channel, the chat widget first.
var Kinds = []Kind{
	{channel.Chat, "Chat widget", "A chat button on your website: one script tag."},
	{channel.Email, "Email", "A support mailbox, read over IMAP and answered over SMTP."},
	{channel.WhatsApp, "WhatsApp", "A WhatsApp Business number, through the Cloud API."},
	{channel.Messenger, "Messenger", "Your Facebook page's Messenger inbox."},
}

// KindLabel names a kind of channel: "Chat widget".
func KindLabel(k channel.Kind) string {
	for _, c := range Kinds {
		if c.Kind == k {
			return c.Label
		}
	}
	return string(k)
}

// Names are the names of a workspace's agents, people and teams by ID, for the list.
type Names struct {
	Agents map[int64]string
	People map[int64]string
	Teams  map[int64]string
}

// ListData is what the list of channels shows.
type ListData struct {
	Channels []channel.Channel
	Names    Names
}

// AgentLabel is who answers a channel: its AI agent's name, or "People only".
func (n Names) AgentLabel(c channel.Channel) string {
	if c.AgentID == 0 {
		return "People only"
	}
	if name, ok := n.Agents[c.AgentID]; ok {
		return name
	}
	return "People only"
}

// HandoffSummary says in a few words what happens when a channel's conversation is
// handed off: "Assign to Ann, Billing", "Unassigned: anyone takes it", "The AI stays on it".
func (n Names) HandoffSummary(c channel.Channel) string {
	switch c.Handoff {
	case channel.Unassigned:
		return "Unassigned: anyone takes it"
	case channel.Stay:
		return "The AI stays on it"
	}
	var names []string
	for _, u := range c.HandoffUsers {
		if name, ok := n.People[u]; ok {
			names = append(names, name)
		}
	}
	for _, t := range c.HandoffTeams {
		if name, ok := n.Teams[t]; ok {
			names = append(names, name)
		}
	}
	switch {
	case len(names) == 0:
		return "Assign: no one chosen"
	case len(names) > 3:
		return "Assign to " + strings.Join(names[:2], ", ") + " and " + strconv.Itoa(len(names)-2) + " more"
	}
	return "Assign to " + strings.Join(names, ", ")
}

// FormData is what the page of a new chat widget (Channel.ID == 0) or of an existing
// channel shows.
type FormData struct {
	Channel  channel.Channel
	Form     components.Form // what was typed, and what was wrong with it
	Users    []int64         // the people checked as handoff targets
	Teams    []int64         // the teams checked as handoff targets
	Agents   []agent.Agent   // the workspace's agents to choose from
	Members  []account.Member
	AllTeams []account.Team
	// BaseURL is the server's public address, without a trailing slash, for the snippet.
	BaseURL string
	WS      int64
	HasMail bool // the workspace has an active email channel to answer the offline form from
}

// New reports whether the page creates a channel.
func (d FormData) New() bool { return d.Channel.ID == 0 }

// UserChosen reports whether a person is checked as a handoff target.
func (d FormData) UserChosen(id int64) bool { return slices.Contains(d.Users, id) }

// TeamChosen reports whether a team is checked as a handoff target.
func (d FormData) TeamChosen(id int64) bool { return slices.Contains(d.Teams, id) }

// Snippet is the tag that installs the chat widget of a channel on a site.
func (d FormData) Snippet() string { return Snippet(d.BaseURL, d.Channel.PublicKey) }

// Snippet is the tag that installs the chat widget with public key key, served from base.
func Snippet(base, key string) string {
	return `<script src="` + strings.TrimRight(base, "/") + `/widget.js" data-agent="` + key + `" async></script>`
}

// Handoff modes as the form offers them.
var HandoffModes = []struct {
	Mode        channel.HandoffMode
	Label, Help string
}{
	{channel.Assign, "Assign to chosen people and teams",
		"Round robin among those of them who are online with room for another conversation. With no one available, or no one chosen, the conversation waits in Unassigned and the visitor gets the “no one available” message."},
	{channel.Unassigned, "Unassigned: anyone takes it",
		"The conversation goes to the Unassigned view of the inbox for whoever is free."},
	{channel.Stay, "Stay assigned to the AI",
		"The AI keeps the conversation and sends the “no one available” message; people can still take it from the inbox."},
}

// Lines joins values one per line, for a textarea.
func Lines(values []string) string { return strings.Join(values, "\n") }

// Count says how many messages there are.
func Count(n uint32) string {
	if n == 1 {
		return "1 message"
	}
	return strconv.FormatUint(uint64(n), 10) + " messages"
}
