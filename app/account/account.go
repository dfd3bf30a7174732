// Package account holds workspaces, the people who work in them (users, memberships with
// a role, teams) and their login sessions.
package account

import (
	"time"

	"agent/app/store"
	"agent/app/usererr"
)

// Error is a failure fit to show to a person as it is.
type Error = usererr.Error

// Errors a caller may want to tell apart with errors.Is.
const (
	ErrNotFound        = Error("not found")
	ErrBadCredentials  = Error("wrong email or password")
	ErrDisabled        = Error("this account is disabled")
	ErrAlreadySetUp    = Error("setup is already done")
	ErrEmailTaken      = Error("a user with this email already exists")
	ErrLastOwner       = Error("a workspace needs at least one owner")
	ErrTeamNameTaken   = Error("a team with this name already exists")
	ErrAlreadyMember   = Error("this user is already a member of the workspace")
	ErrSessionNotFound = Error("session not found or expired")
	ErrLastSuperAdmin  = Error("the install needs at least one enabled super admin")

	// Refusals of ManageAccount and ManageMembership.
	ErrOwnAccount     = Error("you cannot do this to your own account")
	ErrOwnerOnly      = Error("only an owner can change another owner")
	ErrSuperAdminOnly = Error("only a super admin can change a super admin's account")
	ErrSharedAccount  = Error("this account is not this workspace's alone: only a super admin can reset its password or disable it; you can remove it from this workspace")

	// Invitations that cannot be used.
	ErrInvitationGone         = Error("this invitation is no longer valid: it was accepted, declined, revoked or replaced by a newer one")
	ErrInvitationExpired      = Error("this invitation has expired: ask for a new one")
	ErrInvitationOtherAddress = Error("this invitation is for another email address")
	ErrInvitationHasAccount   = Error("this address already has an account: log in to accept the invitation")
)

// InputError is a problem with what a person typed, naming the field.
type InputError = usererr.InputError

// Role is what a user may do in one workspace.
type Role string

// The roles, from most to least powerful.
const (
	RoleOwner Role = "owner"
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleOwner, RoleAdmin, RoleAgent}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleAgent }

// Label is the role's name as shown to people.
func (r Role) Label() string {
	switch r {
	case RoleOwner:
		return "Owner"
	case RoleAdmin:
		return "Admin"
	case RoleAgent:
		return "Agent"
	}
	return string(r)
}

// User is a person who can log in to the admin and inbox.
type User struct {
	ID                 int64
	Email              string
	Name               string
	Disabled           bool
	MustChangePassword bool
	SuperAdmin         bool // manages accounts install-wide (Install page)
	LastWorkspaceID    int64
	CreatedAt          time.Time
}

// Workspace is one business (shop, brand, country store); every record belongs to one.
type Workspace struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// Membership is a user's place in a workspace.
type Membership struct {
	WorkspaceID int64
	UserID      int64
	Role        Role
	AgentEditor bool // may edit the AI agents' knowledge without being an admin
}

// Member is a user as seen from one workspace, for the users page.
type Member struct {
	User
	Role        Role
	AgentEditor bool
	Teams       []Team
	// Elsewhere: the account is also a member of another workspace, so it is not this
	// workspace's to reset or disable (ManageAccount).
	Elsewhere bool
}

// Membership is the member's membership of the workspace they were listed from.
func (m Member) Membership(workspaceID int64) Membership {
	return Membership{WorkspaceID: workspaceID, UserID: m.ID, Role: m.Role, AgentEditor: m.AgentEditor}
}

// Team is a named group of users in a workspace; conversations can be routed to it.
type Team struct {
	ID          int64
	WorkspaceID int64
	Name        string
	MemberIDs   []int64
}

// Manager reads and changes accounts. It is safe for concurrent use.
type Manager struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Manager over db.
func New(db *store.DB) *Manager {
	return &Manager{db: db, now: time.Now}
}

// SetClock replaces the clock, for tests of expiry.
func (m *Manager) SetClock(now func() time.Time) { m.now = now }

func unix(t int64) time.Time { return time.Unix(t, 0) }
