package web

import (
	"net/http"

	"agent/app/account"
	"agent/app/ids"
	"agent/views/components"
	"agent/views/settings"
	"agent/views/urls"
)

func (s *Server) workspaceSettings(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "Settings", "settings")
	f := components.NewForm()
	f.Values["name"] = p.Workspace.Name
	s.render(w, r, http.StatusOK, settings.Workspace(p, f))
}

func (s *Server) renameWorkspace(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "name")
	if err := s.accounts.RenameWorkspace(r.Context(), v.workspace.ID, f.Value("name")); err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, settings.Workspace(s.page(w, r, "Settings", "settings"), f))
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings"), "ok", "Workspace renamed.")
}

// pathID decodes the public ID in the path segment name; false means a 404 was sent.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, ok := ids.Decode(r.PathValue(name))
	if !ok {
		s.notFound(w, r)
	}
	return id, ok
}

// formIDs decodes every value of a multi-valued form field; a bad ID is a 404.
func (s *Server) formIDs(w http.ResponseWriter, r *http.Request, name string) ([]int64, bool) {
	// The CSRF check may have read the token from a header, leaving the form unparsed.
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil, false
	}
	var out []int64
	for _, v := range r.PostForm[name] {
		id, ok := ids.Decode(v)
		if !ok {
			s.notFound(w, r)
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// member loads the member named in the path, which must belong to the current workspace.
func (s *Server) member(w http.ResponseWriter, r *http.Request) (account.Membership, bool) {
	id, ok := s.pathID(w, r, "user")
	if !ok {
		return account.Membership{}, false
	}
	m, err := s.accounts.Membership(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return account.Membership{}, false
	}
	return m, true
}

// mayManage refuses changes an admin must not make to target: to themselves (locking
// themselves out) or to an owner unless they are one.
func (s *Server) mayManage(w http.ResponseWriter, r *http.Request, target account.Membership) bool {
	v := visitOf(r)
	if target.UserID == v.user.ID {
		s.fail(w, r, http.StatusForbidden, "You cannot do this to your own account.")
		return false
	}
	if target.Role == account.RoleOwner && v.membership.Role != account.RoleOwner {
		s.fail(w, r, http.StatusForbidden, "Only an owner can change another owner.")
		return false
	}
	return true
}

func (s *Server) usersData(w http.ResponseWriter, r *http.Request, f components.Form) (settings.UsersData, bool) {
	wsID := visitOf(r).workspace.ID
	members, err := s.accounts.Members(r.Context(), wsID)
	if err != nil {
		s.serverError(w, r, err)
		return settings.UsersData{}, false
	}
	teams, err := s.accounts.Teams(r.Context(), wsID)
	if err != nil {
		s.serverError(w, r, err)
		return settings.UsersData{}, false
	}
	return settings.UsersData{Members: members, Teams: teams, Form: f}, true
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.usersData(w, r, components.NewForm()); ok {
		s.render(w, r, http.StatusOK, settings.Users(s.page(w, r, "Users", "settings"), d))
	}
}

// addUser shows the new user's one-time password in the response itself rather than
// after a redirect, so the password is never stored anywhere.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "name", "email", "role", "agent_editor")
	role := account.Role(f.Value("role"))
	status := http.StatusOK
	var password, name string
	if !v.membership.CanAssignRole(role) {
		f.Errors["role"] = "You cannot give this role."
	} else {
		u, pw, err := s.accounts.AddMember(r.Context(), v.workspace.ID,
			account.NewUser{Email: f.Value("email"), Name: f.Value("name")}, role, f.Value("agent_editor") == "1")
		switch {
		case err == nil:
			password, name = pw, u.Name
			s.log.Info("user added", "workspace", v.workspace.ID, "user", u.ID, "by", v.user.ID)
			f = components.NewForm()
		case !addError(&f, err):
			s.serverError(w, r, err)
			return
		}
	}
	if f.Invalid() {
		status = http.StatusUnprocessableEntity
	}
	d, ok := s.usersData(w, r, f)
	if !ok {
		return
	}
	d.NewPassword, d.NewPasswordOf = password, name
	p := s.page(w, r, "Users", "settings")
	if password == "" && name != "" {
		p.Flash.Kind, p.Flash.Message = "ok", name+" already had an account and has joined this workspace."
	}
	s.render(w, r, status, settings.Users(p, d))
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok || !s.mayManage(w, r, target) {
		return
	}
	role := account.Role(r.PostFormValue("role"))
	if !v.membership.CanAssignRole(role) {
		s.fail(w, r, http.StatusForbidden, "You cannot give this role.")
		return
	}
	if err := s.accounts.SetRole(r.Context(), v.workspace.ID, target.UserID, role, r.PostFormValue("agent_editor") == "1"); err != nil {
		s.settingsError(w, r, "users", err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "users"), "ok", "Role saved.")
}

func (s *Server) setUserTeams(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok {
		return
	}
	teamIDs, ok := s.formIDs(w, r, "team")
	if !ok {
		return
	}
	if err := s.accounts.SetUserTeams(r.Context(), v.workspace.ID, target.UserID, teamIDs); err != nil {
		f := components.NewForm()
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		if d, ok := s.usersData(w, r, f); ok {
			s.render(w, r, http.StatusUnprocessableEntity, settings.Users(s.page(w, r, "Users", "settings"), d))
		}
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "users"), "ok", "Teams saved.")
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) { s.setUserDisabled(w, r, true) }
func (s *Server) enableUser(w http.ResponseWriter, r *http.Request)  { s.setUserDisabled(w, r, false) }

func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok || !s.mayManage(w, r, target) {
		return
	}
	if err := s.accounts.SetDisabled(r.Context(), target.UserID, disabled); err != nil {
		s.settingsError(w, r, "users", err)
		return
	}
	msg := "User enabled."
	if disabled {
		msg = "User disabled and logged out."
	}
	s.log.Info("user disabled changed", "user", target.UserID, "disabled", disabled, "by", v.user.ID)
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "users"), "ok", msg)
}

func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok || !s.mayManage(w, r, target) {
		return
	}
	u, err := s.accounts.User(r.Context(), target.UserID)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	pw := account.GeneratePassword()
	if err := s.accounts.SetPassword(r.Context(), u.ID, pw, true); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("password reset", "user", u.ID, "by", v.user.ID)
	d, ok := s.usersData(w, r, components.NewForm())
	if !ok {
		return
	}
	d.NewPassword, d.NewPasswordOf = pw, u.Name
	s.render(w, r, http.StatusOK, settings.Users(s.page(w, r, "Users", "settings"), d))
}

func (s *Server) removeUser(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok || !s.mayManage(w, r, target) {
		return
	}
	if err := s.accounts.RemoveMember(r.Context(), v.workspace.ID, target.UserID); err != nil {
		s.settingsError(w, r, "users", err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "users"), "ok", "User removed from the workspace.")
}

// settingsError sends a person-readable failure back to a settings page as a flash.
func (s *Server) settingsError(w http.ResponseWriter, r *http.Request, page string, err error) {
	if _, msg, ok := userMessage(err); ok {
		s.redirectWithFlash(w, r, urls.Workspace(visitOf(r).workspace.ID, "settings", page), "error", msg)
		return
	}
	s.domainError(w, r, err)
}

func (s *Server) teamsData(w http.ResponseWriter, r *http.Request, f components.Form) (settings.TeamsData, bool) {
	d, ok := s.usersData(w, r, f)
	return settings.TeamsData{Teams: d.Teams, Members: d.Members, Form: f}, ok
}

func (s *Server) teamsPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.teamsData(w, r, components.NewForm()); ok {
		s.render(w, r, http.StatusOK, settings.Teams(s.page(w, r, "Teams", "settings"), d))
	}
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "name")
	t, err := s.accounts.CreateTeam(r.Context(), v.workspace.ID, f.Value("name"))
	if err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		if d, ok := s.teamsData(w, r, f); ok {
			s.render(w, r, http.StatusUnprocessableEntity, settings.Teams(s.page(w, r, "Teams", "settings"), d))
		}
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "teams"), "ok", "Team "+t.Name+" created.")
}

func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	teamID, ok := s.pathID(w, r, "team")
	if !ok {
		return
	}
	members, ok := s.formIDs(w, r, "member")
	if !ok {
		return
	}
	if err := s.accounts.UpdateTeam(r.Context(), v.workspace.ID, teamID, r.PostFormValue("name"), members); err != nil {
		f := components.NewForm()
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		if d, ok := s.teamsData(w, r, f); ok {
			s.render(w, r, http.StatusUnprocessableEntity, settings.Teams(s.page(w, r, "Teams", "settings"), d))
		}
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "teams"), "ok", "Team saved.")
}

func (s *Server) deleteTeam(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	teamID, ok := s.pathID(w, r, "team")
	if !ok {
		return
	}
	if err := s.accounts.DeleteTeam(r.Context(), v.workspace.ID, teamID); err != nil {
		s.settingsError(w, r, "teams", err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "teams"), "ok", "Team deleted.")
}
