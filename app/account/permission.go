package account

// Permission is one thing a membership may allow. Handlers check these, never roles,
// so what each role can do is decided in one place.
type Permission int

// The permissions.
const (
	PermUseInbox        Permission = iota + 1 // read and answer conversations
	PermEditKnowledge                         // add, change and remove knowledge; resolve knowledge gaps
	PermManageAgents                          // create and configure AI agents
	PermManageChannels                        // chat widget, email, WhatsApp, Messenger
	PermViewReports                           // performance report and usage
	PermManageTeams                           // create teams and change their members
	PermManageUsers                           // invite users, change roles, disable
	PermManageWorkspace                       // rename the workspace, workspace settings
)

// Can reports whether the membership allows p.
func (m Membership) Can(p Permission) bool {
	switch m.Role {
	case RoleOwner, RoleAdmin:
		return true
	case RoleAgent:
		switch p {
		case PermUseInbox:
			return true
		case PermEditKnowledge:
			return m.AgentEditor
		}
	}
	return false
}

// CanAssignRole reports whether a member with this membership may give role to someone:
// only owners make owners.
func (m Membership) CanAssignRole(role Role) bool {
	if !m.Can(PermManageUsers) {
		return false
	}
	return role != RoleOwner || m.Role == RoleOwner
}
