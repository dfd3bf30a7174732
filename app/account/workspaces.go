package account

import (
	"agent/app/store"
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Workspace returns one workspace.
func (m *Manager) Workspace(ctx context.Context, id int64) (Workspace, error) {
	var w Workspace
	var created int64
	err := m.db.Read.QueryRowContext(ctx, "SELECT id, name, created_at FROM workspaces WHERE id = ?", id).Scan(&w.ID, &w.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Workspace{}, ErrNotFound
	}
	w.CreatedAt = unix(created)
	return w, wrap("get workspace", err)
}

// Workspaces lists every workspace of the install, for the command line.
func (m *Manager) Workspaces(ctx context.Context) ([]Workspace, error) {
	return m.queryWorkspaces(ctx, "SELECT id, name, created_at FROM workspaces ORDER BY name, id")
}

// WorkspacesOf lists the workspaces a user belongs to, for the workspace switcher.
func (m *Manager) WorkspacesOf(ctx context.Context, userID int64) ([]Workspace, error) {
	return m.queryWorkspaces(ctx, `SELECT w.id, w.name, w.created_at FROM workspaces w
		JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ? ORDER BY w.name, w.id`, userID)
}

func (m *Manager) queryWorkspaces(ctx context.Context, query string, args ...any) ([]Workspace, error) {
	rows, err := m.db.Read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("list workspaces", err)
	}
	defer rows.Close()
	var ws []Workspace
	for rows.Next() {
		var w Workspace
		var created int64
		if err := rows.Scan(&w.ID, &w.Name, &created); err != nil {
			return nil, wrap("list workspaces", err)
		}
		w.CreatedAt = unix(created)
		ws = append(ws, w)
	}
	return ws, wrap("list workspaces", rows.Err())
}

// CreateWorkspace creates a workspace owned by ownerID.
func (m *Manager) CreateWorkspace(ctx context.Context, name string, ownerID int64) (Workspace, error) {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return Workspace{}, err
	}
	now := m.now().Unix()
	w := Workspace{Name: name, CreatedAt: unix(now)}
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO workspaces (name, created_at) VALUES (?, ?)", name, now)
		if err != nil {
			return err
		}
		w.ID, _ = res.LastInsertId()
		return insertMembership(ctx, tx, w.ID, ownerID, RoleOwner, false, now)
	})
	return w, wrap("create workspace", err)
}

// RenameWorkspace changes a workspace's name.
func (m *Manager) RenameWorkspace(ctx context.Context, id int64, name string) error {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return err
	}
	_, err := m.db.Write.ExecContext(ctx, "UPDATE workspaces SET name = ? WHERE id = ?", name, id)
	return wrap("rename workspace", err)
}

// SetLastWorkspace remembers where the user was, so the next login lands there.
func (m *Manager) SetLastWorkspace(ctx context.Context, userID, workspaceID int64) error {
	_, err := m.db.Write.ExecContext(ctx, "UPDATE users SET last_workspace_id = ? WHERE id = ? AND last_workspace_id IS NOT ?", workspaceID, userID, workspaceID)
	return wrap("set last workspace", err)
}

// Membership returns the user's membership of a workspace, or ErrNotFound.
func (m *Manager) Membership(ctx context.Context, workspaceID, userID int64) (Membership, error) {
	ms := Membership{WorkspaceID: workspaceID, UserID: userID}
	err := m.db.Read.QueryRowContext(ctx, "SELECT role, agent_editor FROM memberships WHERE workspace_id = ? AND user_id = ?",
		workspaceID, userID).Scan(&ms.Role, &ms.AgentEditor)
	if errors.Is(err, sql.ErrNoRows) {
		return Membership{}, ErrNotFound
	}
	return ms, wrap("get membership", err)
}

// OwnsAnyWorkspace reports whether the user is an owner somewhere; owners may create workspaces.
func (m *Manager) OwnsAnyWorkspace(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := m.db.Read.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = ? AND role = 'owner')", userID).Scan(&n)
	return n == 1, wrap("owns workspace", err)
}

func insertMembership(ctx context.Context, tx *sql.Tx, workspaceID, userID int64, role Role, editor bool, now int64) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO memberships (workspace_id, user_id, role, agent_editor, created_at) VALUES (?, ?, ?, ?, ?)",
		workspaceID, userID, role, editor, now)
	if store.IsUniqueViolation(err) {
		return ErrAlreadyMember
	}
	return err
}

// Members lists a workspace's users with their role and teams.
func (m *Manager) Members(ctx context.Context, workspaceID int64) ([]Member, error) {
	return m.members(ctx, workspaceID, 0)
}

// Member returns one member of a workspace; a user who is not one is ErrNotFound.
func (m *Manager) Member(ctx context.Context, workspaceID, userID int64) (Member, error) {
	ms, err := m.members(ctx, workspaceID, userID)
	if err != nil {
		return Member{}, err
	}
	if len(ms) == 0 {
		return Member{}, ErrNotFound
	}
	return ms[0], nil
}

// members lists the workspace's members, or only userID when it is not 0.
func (m *Manager) members(ctx context.Context, workspaceID, userID int64) ([]Member, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.disabled, u.must_change_password, u.super_admin,
		COALESCE(u.last_workspace_id, 0), u.created_at, m.role, m.agent_editor,
		EXISTS (SELECT 1 FROM memberships o WHERE o.user_id = u.id AND o.workspace_id != m.workspace_id)
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND (? = 0 OR m.user_id = ?) ORDER BY u.name COLLATE NOCASE, u.id`,
		workspaceID, userID, userID)
	if err != nil {
		return nil, wrap("list members", err)
	}
	defer rows.Close()
	var members []Member
	byID := map[int64]int{}
	for rows.Next() {
		var mb Member
		if mb.User, err = scanUser(rows, &mb.Role, &mb.AgentEditor, &mb.Elsewhere); err != nil {
			return nil, wrap("list members", err)
		}
		byID[mb.ID] = len(members)
		members = append(members, mb)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list members", err)
	}
	teams, err := m.Teams(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		for _, uid := range t.MemberIDs {
			if i, ok := byID[uid]; ok {
				members[i].Teams = append(members[i].Teams, t)
			}
		}
	}
	return members, nil
}

// AddMember adds a person to a workspace at once, for the operator at the command line
// (`agent user add`), who runs the install. A new email creates the user, with
// nu.Password or else a one-time password that is returned to hand over; an existing user
// just joins with their own password and "" is returned. The web never calls it: there, a
// workspace's admins invite (Invite) and the person accepts, since joining someone else's
// account to a workspace without their consent is how accounts were taken over.
func (m *Manager) AddMember(ctx context.Context, workspaceID int64, nu NewUser, role Role, editor bool) (User, string, error) {
	if !role.Valid() {
		return User{}, "", &InputError{Field: "role", Message: "is not a known role"}
	}
	if err := nu.normalize(); err != nil {
		return User{}, "", err
	}
	now := m.now().Unix()
	var u User
	var password string
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		existing, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", nu.Email))
		switch {
		case err == nil:
			u = existing
		case errors.Is(err, sql.ErrNoRows):
			var hash string
			password, hash, err = passwordFor(nu)
			if err != nil {
				return err
			}
			if u, err = insertUser(ctx, tx, nu, hash, false, now); err != nil {
				return err
			}
		default:
			return err
		}
		return insertMembership(ctx, tx, workspaceID, u.ID, role, editor, now)
	})
	if err != nil {
		return User{}, "", wrap("add member", err)
	}
	return u, password, nil
}

// SetRole changes a member's role and agent-editor permission, keeping at least one owner.
func (m *Manager) SetRole(ctx context.Context, workspaceID, userID int64, role Role, editor bool) error {
	if !role.Valid() {
		return &InputError{Field: "role", Message: "is not a known role"}
	}
	return wrap("set role", m.db.Tx(ctx, func(tx *sql.Tx) error {
		var current Role
		err := tx.QueryRowContext(ctx, "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?", workspaceID, userID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if current == RoleOwner && role != RoleOwner {
			if err := ensureAnotherOwner(ctx, tx, workspaceID, userID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE memberships SET role = ?, agent_editor = ? WHERE workspace_id = ? AND user_id = ?",
			role, editor, workspaceID, userID)
		return err
	}))
}

// RemoveMember takes a user out of a workspace (and its teams), keeping at least one owner.
func (m *Manager) RemoveMember(ctx context.Context, workspaceID, userID int64) error {
	return wrap("remove member", m.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := ensureAnotherOwner(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?", workspaceID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM team_members WHERE user_id = ? AND team_id IN (SELECT id FROM teams WHERE workspace_id = ?)", userID, workspaceID)
		return err
	}))
}

// ensureAnotherOwner fails with ErrLastOwner when userID is the workspace's only enabled owner.
func ensureAnotherOwner(ctx context.Context, tx *sql.Tx, workspaceID, userID int64) error {
	var others int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.role = 'owner' AND m.user_id != ? AND u.disabled = 0`, workspaceID, userID).Scan(&others)
	if err != nil {
		return err
	}
	var isOwner int
	err = tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM memberships WHERE workspace_id = ? AND user_id = ? AND role = 'owner')", workspaceID, userID).Scan(&isOwner)
	if err != nil {
		return err
	}
	if isOwner == 1 && others == 0 {
		return ErrLastOwner
	}
	return nil
}
