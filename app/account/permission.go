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
	PermManageUsers                           // invite people, change roles, remove members (ManageAccount for accounts)
	PermManageWorkspace                       // rename the workspace, workspace settings
	PermViewQuotes                            // see the sales quotes, who viewed them and their conversations
	PermManageQuotes                          // create, change, publish, withdraw and accept quotes
)

// Can reports whether the membership allows p.
func (m Membership) Can(p Permission) bool {
	switch m.Role {
	case RoleOwner, RoleAdmin:
		return true
	case RoleAgent:
		switch p {
		case PermUseInbox, PermViewQuotes: // a quote's conversations reach them in the inbox
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

// ManageAccount says whether actor may reset target's password or disable or enable the
// account: nil, or an Error saying why not. These act on the whole account, in every
// workspace, so besides a super admin only an admin of the one workspace the account
// belongs to may (in is actor's membership of that workspace; target is seen from it).
// On the Install page, where there is no workspace, the actor is a super admin.
func ManageAccount(actor User, in Membership, target Member) error {
	switch {
	case target.ID == actor.ID:
		// One's own password is changed on the password page; disabling oneself locks out.
		return ErrOwnAccount
	case actor.SuperAdmin:
		return nil
	case !in.Can(PermManageUsers): // no workspace (the Install page) gives no permission
		return ErrSharedAccount
	case target.SuperAdmin:
		return ErrSuperAdminOnly
	case target.Elsewhere:
		return ErrSharedAccount
	case target.Role == RoleOwner && in.Role != RoleOwner:
		return ErrOwnerOnly
	}
	return nil
}

// ManageMembership says whether the member with membership in, actorID, may change
// target's role in the workspace or remove them from it: not themselves (locking
// themselves out), and an owner only when they are one.
func ManageMembership(actorID int64, in Membership, target Membership) error {
	switch {
	case target.UserID == actorID:
		return ErrOwnAccount
	case target.Role == RoleOwner && in.Role != RoleOwner:
		return ErrOwnerOnly
	}
	return nil
}
