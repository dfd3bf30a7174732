package account

import (
	"agent/app/store"
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Teams lists a workspace's teams with their member IDs, by name.
func (m *Manager) Teams(ctx context.Context, workspaceID int64) ([]Team, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT t.id, t.name, tm.user_id FROM teams t
		LEFT JOIN team_members tm ON tm.team_id = t.id
		WHERE t.workspace_id = ? ORDER BY t.name, t.id, tm.user_id`, workspaceID)
	if err != nil {
		return nil, wrap("list teams", err)
	}
	defer rows.Close()
	var teams []Team
	for rows.Next() {
		var id int64
		var name string
		var uid sql.NullInt64
		if err := rows.Scan(&id, &name, &uid); err != nil {
			return nil, wrap("list teams", err)
		}
		if len(teams) == 0 || teams[len(teams)-1].ID != id {
			teams = append(teams, Team{ID: id, WorkspaceID: workspaceID, Name: name})
		}
		if uid.Valid {
			t := &teams[len(teams)-1]
			t.MemberIDs = append(t.MemberIDs, uid.Int64)
		}
	}
	return teams, wrap("list teams", rows.Err())
}

// Team returns one team of a workspace; a team of another workspace is ErrNotFound.
func (m *Manager) Team(ctx context.Context, workspaceID, teamID int64) (Team, error) {
	teams, err := m.Teams(ctx, workspaceID)
	if err != nil {
		return Team{}, err
	}
	for _, t := range teams {
		if t.ID == teamID {
			return t, nil
		}
	}
	return Team{}, ErrNotFound
}

// CreateTeam adds a team to a workspace.
func (m *Manager) CreateTeam(ctx context.Context, workspaceID int64, name string) (Team, error) {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return Team{}, err
	}
	res, err := m.db.Write.ExecContext(ctx, "INSERT INTO teams (workspace_id, name, created_at) VALUES (?, ?, ?)",
		workspaceID, name, m.now().Unix())
	if store.IsUniqueViolation(err) {
		return Team{}, ErrTeamNameTaken
	}
	if err != nil {
		return Team{}, wrap("create team", err)
	}
	id, _ := res.LastInsertId()
	return Team{ID: id, WorkspaceID: workspaceID, Name: name}, nil
}

// UpdateTeam renames a team and replaces its members: both, or neither when either is refused.
func (m *Manager) UpdateTeam(ctx context.Context, workspaceID, teamID int64, name string, memberIDs []int64) error {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return err
	}
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE teams SET name = ? WHERE id = ? AND workspace_id = ?", name, teamID, workspaceID)
		if err := rowsOrNotFound(res, err); err != nil {
			return err
		}
		return setTeamMembers(ctx, tx, workspaceID, teamID, memberIDs)
	})
	if store.IsUniqueViolation(err) {
		return ErrTeamNameTaken
	}
	return wrap("update team", err)
}

// DeleteTeam removes a team; its members stay in the workspace.
func (m *Manager) DeleteTeam(ctx context.Context, workspaceID, teamID int64) error {
	res, err := m.db.Write.ExecContext(ctx, "DELETE FROM teams WHERE id = ? AND workspace_id = ?", teamID, workspaceID)
	return wrap("delete team", rowsOrNotFound(res, err))
}

// SetTeamMembers replaces a team's members. Every user must belong to the team's workspace.
func (m *Manager) SetTeamMembers(ctx context.Context, workspaceID, teamID int64, userIDs []int64) error {
	return wrap("set team members", m.db.Tx(ctx, func(tx *sql.Tx) error {
		var ok int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM teams WHERE id = ? AND workspace_id = ?", teamID, workspaceID).Scan(&ok)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return setTeamMembers(ctx, tx, workspaceID, teamID, userIDs)
	}))
}

// setTeamMembers replaces the members of a team known to be the workspace's, inside tx.
func setTeamMembers(ctx context.Context, tx *sql.Tx, workspaceID, teamID int64, userIDs []int64) error {
	ok, err := store.InWorkspace(ctx, tx, "memberships", "user_id", workspaceID, userIDs)
	if err != nil {
		return err
	}
	if !ok {
		return &InputError{Field: "members", Message: "one of the chosen people is not in this workspace; reload the page and choose again"}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM team_members WHERE team_id = ?", teamID); err != nil {
		return err
	}
	for _, uid := range userIDs {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)", teamID, uid); err != nil {
			return err
		}
	}
	return nil
}

// SetUserTeams puts a member in exactly the given teams of a workspace.
func (m *Manager) SetUserTeams(ctx context.Context, workspaceID, userID int64, teamIDs []int64) error {
	return wrap("set user teams", m.db.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := store.InWorkspace(ctx, tx, "memberships", "user_id", workspaceID, []int64{userID})
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		if ok, err = store.InWorkspace(ctx, tx, "teams", "id", workspaceID, teamIDs); err != nil {
			return err
		}
		if !ok {
			return &InputError{Field: "teams", Message: "one of the chosen teams is not in this workspace; reload the page and choose again"}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE user_id = ?
			AND team_id IN (SELECT id FROM teams WHERE workspace_id = ?)`, userID, workspaceID); err != nil {
			return err
		}
		for _, tid := range teamIDs {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)", tid, userID); err != nil {
				return err
			}
		}
		return nil
	}))
}

func rowsOrNotFound(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
