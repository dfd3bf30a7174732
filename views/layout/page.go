// Package layout holds the page shells: the signed-in app frame with navigation and the
// workspace switcher, and the narrow frame of the login and setup pages.
package layout

import (
	"agent/app/account"
	"agent/views/urls"
)

// Page is what every admin page's frame needs to know.
type Page struct {
	Title      string
	Active     string // key of the navigation item to highlight
	User       account.User
	Workspace  account.Workspace
	Workspaces []account.Workspace
	Membership account.Membership
	CSRF       string
	Flash      Flash
	Warning    string // about the whole install (the disk runs low), for owners and admins
}

// Flash is a one-time message shown at the top of a page after a redirect.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Key, Label, Href string
}

// Nav lists the sections the member may open; handlers check the same permissions.
func (p Page) Nav() []NavItem {
	m := p.Membership
	ws := p.Workspace.ID
	var items []NavItem
	add := func(ok bool, key, label string) {
		if ok {
			items = append(items, NavItem{Key: key, Label: label, Href: urls.Workspace(ws, key)})
		}
	}
	add(m.Can(account.PermUseInbox), "inbox", "Inbox")
	add(m.Can(account.PermUseInbox), "contacts", "Contacts")
	add(m.Can(account.PermEditKnowledge), "knowledge", "Knowledge")
	add(m.Can(account.PermManageAgents), "agents", "Agents")
	add(m.Can(account.PermManageChannels), "channels", "Channels")
	add(m.Can(account.PermViewReports), "reports", "Reports")
	if !m.Can(account.PermViewReports) && m.Can(account.PermEditKnowledge) {
		// An agent editor sees Reports for its knowledge gaps only.
		items = append(items, NavItem{Key: "reports", Label: "Reports", Href: urls.Workspace(ws, "reports", "gaps")})
	}
	if href := p.SettingsHref(); href != "" {
		items = append(items, NavItem{Key: "settings", Label: "Settings", Href: href})
	}
	return items
}

// SettingsHref is the first settings page the member may open, or "" for none.
func (p Page) SettingsHref() string {
	m := p.Membership
	switch {
	case m.Can(account.PermManageWorkspace):
		return urls.Workspace(p.Workspace.ID, "settings")
	case m.Can(account.PermManageUsers):
		return urls.Workspace(p.Workspace.ID, "settings", "users")
	case m.Can(account.PermManageTeams):
		return urls.Workspace(p.Workspace.ID, "settings", "teams")
	}
	return ""
}

// CanCreateWorkspace reports whether the switcher offers "New workspace": owners only,
// so that an install's workspaces stay under the control of those who run it.
func (p Page) CanCreateWorkspace() bool { return p.Membership.Role == account.RoleOwner }

// Initials are shown in the avatar circle.
func Initials(name string) string {
	var out []rune
	prevSpace := true
	for _, r := range name {
		if r == ' ' {
			prevSpace = true
			continue
		}
		if prevSpace && len(out) < 2 {
			out = append(out, r)
		}
		prevSpace = false
	}
	return string(out)
}

// HXHeaders is the body's hx-headers attribute: htmx sends the CSRF token with every request.
func HXHeaders(csrf string) string {
	return `{"X-CSRF-Token": "` + csrf + `"}`
}
