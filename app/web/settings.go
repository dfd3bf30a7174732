package web

import (
	"errors"
	"net/http"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/report"
	"agent/views/components"
	"agent/views/settings"
	"agent/views/urls"
)

func (s *Server) workspaceSettings(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "Settings", "settings")
	f := components.NewForm()
	f.Values["name"] = p.Workspace.Name
	zone, ok := s.zoneForm(w, r)
	if ok {
		s.render(w, r, http.StatusOK, settings.Workspace(p, f, zone))
	}
}

// zoneForm is the time zone form with the workspace's zone.
func (s *Server) zoneForm(w http.ResponseWriter, r *http.Request) (components.Form, bool) {
	f := components.NewForm()
	loc, err := report.TimeZone(r.Context(), s.db, visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return f, false
	}
	f.Values["time_zone"] = loc.String()
	return f, true
}

func (s *Server) setTimeZone(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	zone := formOf(r, "time_zone")
	if err := report.SetTimeZone(r.Context(), s.db, v.workspace.ID, zone.Value("time_zone")); err != nil {
		if !addError(&zone, err) {
			s.serverError(w, r, err)
			return
		}
		p := s.page(w, r, "Settings", "settings")
		f := components.NewForm()
		f.Values["name"] = p.Workspace.Name
		s.render(w, r, http.StatusUnprocessableEntity, settings.Workspace(p, f, zone))
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings"), "ok", "Time zone saved; the reports follow it.")
}

func (s *Server) renameWorkspace(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "name")
	if err := s.accounts.RenameWorkspace(r.Context(), v.workspace.ID, f.Value("name")); err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		zone, ok := s.zoneForm(w, r)
		if ok {
			s.render(w, r, http.StatusUnprocessableEntity, settings.Workspace(s.page(w, r, "Settings", "settings"), f, zone))
		}
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

// formIDs decodes every value of a multi-valued form field (parsed by the CSRF check);
// a bad ID is a 404.
func (s *Server) formIDs(w http.ResponseWriter, r *http.Request, name string) ([]int64, bool) {
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

// refused answers 403 with the reason when a rule of the account package refuses an
// action (err is one of its Errors), and reports whether it did.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, err error) bool {
	if err != nil {
		s.fail(w, r, http.StatusForbidden, capitalize(err.Error())+".")
	}
	return err != nil
}

// accountTarget loads the member named in the path for an action on their whole account
// (password, disable), which account.ManageAccount must allow; false means an answer was sent.
func (s *Server) accountTarget(w http.ResponseWriter, r *http.Request) (account.Member, bool) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "user")
	if !ok {
		return account.Member{}, false
	}
	target, err := s.accounts.Member(r.Context(), v.workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return account.Member{}, false
	}
	if s.refused(w, r, account.ManageAccount(v.user, v.membership, target)) {
		return account.Member{}, false
	}
	return target, true
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
	invitations, err := s.accounts.Invitations(r.Context(), wsID)
	if err != nil {
		s.serverError(w, r, err)
		return settings.UsersData{}, false
	}
	return settings.UsersData{Members: members, Teams: teams, Invitations: invitations, Form: f}, true
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.usersData(w, r, components.NewForm()); ok {
		s.render(w, r, http.StatusOK, settings.Users(s.page(w, r, "Users", "settings"), d))
	}
}

// inviteUser invites a person by email and shows the invitation's link in the response
// itself rather than after a redirect, so the link is never stored anywhere. The answer
// is the same whether or not the address has an account.
func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "email", "role", "agent_editor")
	role := account.Role(f.Value("role"))
	status := http.StatusOK
	var link, mailedFrom, mailError string
	var inv account.Invitation
	if !v.membership.CanAssignRole(role) {
		f.Errors["role"] = "You cannot give this role."
	} else {
		token, created, err := s.accounts.Invite(r.Context(), v.workspace.ID, v.user.ID, f.Value("email"), role, f.Value("agent_editor") == "1")
		switch {
		case err == nil:
			link, inv = s.invitationLink(r, token), created
			s.log.Info("invitation created", "workspace", v.workspace.ID, "invitation", inv.ID, "by", v.user.ID)
			f = components.NewForm()
			var err error
			switch mailedFrom, err = s.mailInvitation(r.Context(), v.user.Name, inv, link); {
			case errors.Is(err, errNoMailbox):
			case err != nil:
				s.log.Warn("invitation not emailed", "workspace", v.workspace.ID, "invitation", inv.ID, "err", err)
				mailedFrom, mailError = "", err.Error()
			}
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
	d.InvitationLink, d.Invited, d.MailedFrom, d.MailError = link, inv, mailedFrom, mailError
	s.render(w, r, status, settings.Users(s.page(w, r, "Users", "settings"), d))
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "inv")
	if !ok {
		return
	}
	if err := s.accounts.RevokeInvitation(r.Context(), v.workspace.ID, id); err != nil {
		s.settingsError(w, r, "users", err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "users"), "ok", "Invitation revoked: its link no longer works.")
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok || s.refused(w, r, account.ManageMembership(v.user.ID, v.membership, target)) {
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
	target, ok := s.accountTarget(w, r)
	if !ok {
		return
	}
	if err := s.accounts.SetDisabled(r.Context(), target.ID, disabled); err != nil {
		s.settingsError(w, r, "users", err)
		return
	}
	msg := "User enabled."
	if disabled {
		msg = "User disabled and logged out."
	}
	s.log.Info("user disabled changed", "user", target.ID, "disabled", disabled, "by", v.user.ID)
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "users"), "ok", msg)
}

func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	target, ok := s.accountTarget(w, r)
	if !ok {
		return
	}
	pw, err := s.resetPassword(r, target.User)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d, ok := s.usersData(w, r, components.NewForm())
	if !ok {
		return
	}
	d.NewPassword, d.NewPasswordOf = pw, target.Name
	s.render(w, r, http.StatusOK, settings.Users(s.page(w, r, "Users", "settings"), d))
}

func (s *Server) removeUser(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	target, ok := s.member(w, r)
	if !ok || s.refused(w, r, account.ManageMembership(v.user.ID, v.membership, target)) {
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
