// Package urls builds the admin's URLs, so handlers (redirects) and views (links) agree.
package urls

import (
	"strings"

	"agent/app/ids"
)

// Workspace returns a path inside a workspace: Workspace(7, "settings", "users") is
// /w/<id>/settings/users. IDs among the parts must already be encoded.
func Workspace(wsID int64, parts ...string) string {
	return "/w/" + ids.Encode(wsID) + "/" + strings.Join(parts, "/")
}

// ID encodes an integer key for a URL.
func ID(id int64) string { return ids.Encode(id) }

// Agents returns a path in the Agents section: Agents(7) is /w/<id>/agents, Agents(7,
// "new") the form of a new agent.
func Agents(wsID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"agents"}, rest...)...)
}

// Agent returns the path of one AI agent, or with rest a path under it: Agent(7, 3,
// "edit"), Agent(7, 3, "avatar"), Agent(7, 3, "preview").
func Agent(wsID, agentID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"agents", ID(agentID)}, rest...)...)
}

// Channels returns a path in the Channels section: Channels(7) is /w/<id>/channels,
// Channels(7, "new") the form of a new chat widget.
func Channels(wsID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"channels"}, rest...)...)
}

// Channel returns the path of one channel, or with rest a path under it: Channel(7, 3,
// "delete").
func Channel(wsID, channelID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"channels", ID(channelID)}, rest...)...)
}

// Inbox returns a path in the Inbox: Inbox(7) is /w/<id>/inbox, Inbox(7, "events") its
// live events.
func Inbox(wsID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"inbox"}, rest...)...)
}

// Conversation returns the path of one conversation in the inbox, or with rest a path
// under it: Conversation(7, 3, "reply").
func Conversation(wsID, convID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"inbox", ID(convID)}, rest...)...)
}

// ConversationFile returns the path a file of a conversation's message is served at.
func ConversationFile(wsID, convID, fileID int64) string {
	return Conversation(wsID, convID, "files", ID(fileID))
}

// OriginalMail returns the path of an email message's original HTML.
func OriginalMail(wsID, convID, messageID int64) string {
	return Conversation(wsID, convID, "messages", ID(messageID), "original")
}

// Contacts returns a path in the Contacts section: Contacts(7) is /w/<id>/contacts.
func Contacts(wsID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"contacts"}, rest...)...)
}

// Contact returns the path of one contact, or with rest a path under it: Contact(7, 3,
// "merge").
func Contact(wsID, contactID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"contacts", ID(contactID)}, rest...)...)
}
