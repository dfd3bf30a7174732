package account

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// ExpiredInvitationKept is how long an expired invitation stays listed (as expired, so
// that an admin sees who never joined and can invite them again) before it is deleted.
const ExpiredInvitationKept = 30 * 24 * time.Hour

// Invitation asks a person, named by email, to join a workspace with a role. They become
// a member only when they accept it, holding its link and logged in as that address, so
// an admin never joins someone else's account to a workspace, nor learns whether an
// address has an account. The link is required, not just the address: accounts are not
// verified by email yet, so whoever controls an account of the address (an admin who
// created it from their own invitation, or reset its password) must not be able to take
// up invitations that other workspaces give the real person.
type Invitation struct {
	ID            int64
	WorkspaceID   int64
	WorkspaceName string
	Email         string
	Role          Role
	AgentEditor   bool
	InvitedBy     string // the inviter's name; "" when their account is gone
	CreatedAt     time.Time
	ExpiresAt     time.Time
	Expired       bool // when it was read: it can no longer be accepted
}

const invitationQuery = `SELECT i.id, i.workspace_id, w.name, i.email, i.role, i.agent_editor, COALESCE(u.name, ''), i.created_at, i.expires_at
	FROM invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN users u ON u.id = i.invited_by `

func (m *Manager) scanInvitation(row interface{ Scan(...any) error }) (Invitation, error) {
	var i Invitation
	var created, expires int64
	err := row.Scan(&i.ID, &i.WorkspaceID, &i.WorkspaceName, &i.Email, &i.Role, &i.AgentEditor, &i.InvitedBy, &created, &expires)
	i.CreatedAt, i.ExpiresAt = unix(created), unix(expires)
	i.Expired = !m.now().Before(i.ExpiresAt)
	return i, err
}

func (m *Manager) queryInvitations(ctx context.Context, where string, args ...any) ([]Invitation, error) {
	rows, err := m.db.Read.QueryContext(ctx, invitationQuery+where, args...)
	if err != nil {
		return nil, wrap("list invitations", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		i, err := m.scanInvitation(rows)
		if err != nil {
			return nil, wrap("list invitations", err)
		}
		out = append(out, i)
	}
	return out, wrap("list invitations", rows.Err())
}

// Invite creates the invitation of email to a workspace and returns the token for its
// link, which is not stored (only its hash is). The answer is the same whether or not
// the address has an account. Inviting an address again replaces its pending invitation,
// so an old link stops working. Someone already in the workspace is ErrAlreadyMember.
func (m *Manager) Invite(ctx context.Context, workspaceID, invitedBy int64, email string, role Role, editor bool) (string, Invitation, error) {
	if !role.Valid() {
		return "", Invitation{}, &InputError{Field: "role", Message: "is not a known role"}
	}
	email, err := checkEmail(email)
	if err != nil {
		return "", Invitation{}, err
	}
	token := randomToken()
	now := m.now()
	var inv Invitation
	err = m.db.Tx(ctx, func(tx *sql.Tx) error {
		var member int
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workspace_id = ? AND u.email = ?)`, workspaceID, email).Scan(&member); err != nil {
			return err
		}
		if member == 1 {
			return ErrAlreadyMember
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO invitations (workspace_id, email, role, agent_editor, invited_by, token_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id, email) DO UPDATE SET email = excluded.email, role = excluded.role,
				agent_editor = excluded.agent_editor, invited_by = excluded.invited_by, token_hash = excluded.token_hash,
				created_at = excluded.created_at, expires_at = excluded.expires_at
			RETURNING id`,
			workspaceID, email, role, editor, invitedBy, tokenHash(token), now.Unix(), now.Add(InvitationTTL).Unix()).Scan(&id)
		if err != nil {
			return err
		}
		inv, err = m.scanInvitation(tx.QueryRowContext(ctx, invitationQuery+"WHERE i.id = ?", id))
		return err
	})
	if err != nil {
		return "", Invitation{}, wrap("invite", err)
	}
	return token, inv, nil
}

// Invitations lists a workspace's pending invitations, expired ones included (until they
// are revoked, replaced or swept), newest first.
func (m *Manager) Invitations(ctx context.Context, workspaceID int64) ([]Invitation, error) {
	return m.queryInvitations(ctx, "WHERE i.workspace_id = ? ORDER BY i.created_at DESC, i.id DESC", workspaceID)
}

// DeleteExpiredInvitations removes invitations expired for longer than
// ExpiredInvitationKept and returns how many.
func (m *Manager) DeleteExpiredInvitations(ctx context.Context) (int64, error) {
	res, err := m.db.Write.ExecContext(ctx, "DELETE FROM invitations WHERE expires_at <= ?", m.now().Add(-ExpiredInvitationKept).Unix())
	if err != nil {
		return 0, wrap("delete expired invitations", err)
	}
	return res.RowsAffected()
}

// InvitationByToken returns the invitation of a link: ErrInvitationGone when there is
// none (accepted, declined, revoked, replaced or never made), ErrInvitationExpired when
// it is too old.
func (m *Manager) InvitationByToken(ctx context.Context, token string) (Invitation, error) {
	if token == "" || len(token) > 100 {
		return Invitation{}, ErrInvitationGone
	}
	inv, err := m.scanInvitation(m.db.Read.QueryRowContext(ctx, invitationQuery+"WHERE i.token_hash = ?", tokenHash(token)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Invitation{}, ErrInvitationGone
	case err != nil:
		return Invitation{}, wrap("get invitation", err)
	case inv.Expired:
		return Invitation{}, ErrInvitationExpired
	}
	return inv, nil
}

// RevokeInvitation deletes a pending invitation of a workspace; its link stops working.
func (m *Manager) RevokeInvitation(ctx context.Context, workspaceID, invitationID int64) error {
	res, err := m.db.Write.ExecContext(ctx, "DELETE FROM invitations WHERE id = ? AND workspace_id = ?", invitationID, workspaceID)
	if err != nil {
		return wrap("revoke invitation", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// AcceptInvitation makes the user a member of the workspace of the invitation whose link
// holds token, when it is for the user's own address and still valid, and uses it up.
func (m *Manager) AcceptInvitation(ctx context.Context, token string, userID int64) (Invitation, error) {
	var inv Invitation
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = m.usableInvitation(ctx, tx, token, userID); err != nil {
			return err
		}
		if err := insertMembership(ctx, tx, inv.WorkspaceID, userID, inv.Role, inv.AgentEditor, m.now().Unix()); err != nil && !errors.Is(err, ErrAlreadyMember) {
			return err
		}
		return deleteInvitation(ctx, tx, inv.ID)
	})
	if err != nil {
		return Invitation{}, wrap("accept invitation", err)
	}
	return inv, nil
}

// DeclineInvitation deletes the invitation whose link holds token, when it is for the
// user's own address.
func (m *Manager) DeclineInvitation(ctx context.Context, token string, userID int64) (Invitation, error) {
	var inv Invitation
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if inv, err = m.usableInvitation(ctx, tx, token, userID); err != nil && !errors.Is(err, ErrInvitationExpired) {
			return err
		}
		return deleteInvitation(ctx, tx, inv.ID)
	})
	if err != nil {
		return Invitation{}, wrap("decline invitation", err)
	}
	return inv, nil
}

// AcceptInvitationAsNewUser creates the account of an invitation's address, with the name
// and password its holder chooses, and makes it a member of the workspace. An address
// that has an account is ErrInvitationHasAccount: its owner logs in to accept.
func (m *Manager) AcceptInvitationAsNewUser(ctx context.Context, token, name, password string) (User, Invitation, error) {
	inv, err := m.InvitationByToken(ctx, token)
	if err != nil {
		return User{}, Invitation{}, err
	}
	nu := NewUser{Email: inv.Email, Name: name, Password: password}
	if password == "" {
		return User{}, Invitation{}, &InputError{Field: "password", Message: "is required"}
	}
	if err := nu.normalize(); err != nil {
		return User{}, Invitation{}, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return User{}, Invitation{}, err
	}
	now := m.now().Unix()
	var u User
	err = m.db.Tx(ctx, func(tx *sql.Tx) error {
		// The invitation is read again inside the transaction: it may have been used,
		// revoked or replaced while the password was hashed.
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM invitations WHERE token_hash = ? AND expires_at > ?", tokenHash(token), now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrInvitationGone
		}
		if err != nil {
			return err
		}
		if u, err = insertUser(ctx, tx, nu, hash, false, now); err != nil {
			if errors.Is(err, ErrEmailTaken) {
				return ErrInvitationHasAccount
			}
			return err
		}
		if err := insertMembership(ctx, tx, inv.WorkspaceID, u.ID, inv.Role, inv.AgentEditor, now); err != nil {
			return err
		}
		return deleteInvitation(ctx, tx, id)
	})
	if err != nil {
		return User{}, Invitation{}, wrap("accept invitation", err)
	}
	return u, inv, nil
}

// usableInvitation loads the invitation of a link for userID to use: ErrInvitationGone
// when there is none, ErrInvitationOtherAddress when it is for another address, and the
// invitation with ErrInvitationExpired when it is too old.
func (m *Manager) usableInvitation(ctx context.Context, tx *sql.Tx, token string, userID int64) (Invitation, error) {
	if token == "" || len(token) > 100 {
		return Invitation{}, ErrInvitationGone
	}
	inv, err := m.scanInvitation(tx.QueryRowContext(ctx, invitationQuery+"WHERE i.token_hash = ?", tokenHash(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, ErrInvitationGone
	}
	if err != nil {
		return Invitation{}, err
	}
	var mine int
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE id = ? AND email = ?)", userID, inv.Email).Scan(&mine); err != nil {
		return Invitation{}, err
	}
	if mine == 0 {
		return Invitation{}, ErrInvitationOtherAddress
	}
	if inv.Expired {
		return inv, ErrInvitationExpired
	}
	return inv, nil
}

func deleteInvitation(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM invitations WHERE id = ?", id)
	return err
}
