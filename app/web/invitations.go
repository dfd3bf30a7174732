package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"agent/app/account"
	"agent/views/auth"
	"agent/views/components"
	"agent/views/urls"
)

// invitationLink is the address of an invitation's page, shown once to the admin who
// invited. The token is in the query rather than the path, so request logs never hold it.
func (s *Server) invitationLink(r *http.Request, token string) string {
	return s.publicBaseURL(r) + "/invitation?token=" + token
}

// invitationData resolves the token of an invitation link for the visit; an unusable
// link gives the reason in Problem, with the status to answer.
func (s *Server) invitationData(r *http.Request, token string, f components.Form) (auth.InvitationData, int, error) {
	v := visitOf(r)
	d := auth.InvitationData{Token: token, Viewer: v.user, LoggedIn: v.loggedIn, CSRF: v.session.CSRFToken, Form: f}
	inv, err := s.accounts.InvitationByToken(r.Context(), token)
	switch {
	case errors.Is(err, account.ErrInvitationGone):
		d.Problem = capitalize(err.Error()) + "."
		return d, http.StatusNotFound, nil
	case errors.Is(err, account.ErrInvitationExpired):
		d.Problem = capitalize(err.Error()) + "."
		return d, http.StatusGone, nil
	case err != nil:
		return d, 0, err
	}
	d.Invitation = inv
	d.Mine = v.loggedIn && strings.EqualFold(v.user.Email, inv.Email)
	return d, http.StatusOK, nil
}

// invitationPage is where an invitation link leads: accept or decline when logged in as
// the invited address, else log in or create the address's account.
func (s *Server) invitationPage(w http.ResponseWriter, r *http.Request) {
	d, status, err := s.invitationData(r, r.URL.Query().Get("token"), components.NewForm())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, auth.Invitation(d))
}

// createInvitedAccount creates the account of the invited address and joins the
// workspace. Its only answer that depends on the address is "already has an account",
// which the link's holder needs to know to log in instead. Attempts count against the
// login limit per IP, since each hashes a password.
func (s *Server) createInvitedAccount(w http.ResponseWriter, r *http.Request) {
	if visitOf(r).loggedIn {
		s.fail(w, r, http.StatusConflict, "You are logged in already: log out to create another account.")
		return
	}
	token := r.PostFormValue("token")
	f := formOf(r, "name", "password")
	f.Values["password"] = ""
	if ok, wait := s.loginByIP.Allow(s.clientKey(r)); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = fmt.Sprintf("Too many attempts. Try again in %s.", humanWait(wait))
		s.renderInvitation(w, r, token, f, http.StatusTooManyRequests)
		return
	}
	u, inv, err := s.accounts.AcceptInvitationAsNewUser(r.Context(), token, f.Value("name"), r.PostFormValue("password"))
	if errors.Is(err, account.ErrInvitationHasAccount) {
		// Logged, because the inviting admin holds the link too and could try it to learn
		// whether the address has an account.
		s.log.Warn("invitation: account not created, the address has one", "ip", s.clientIP(r))
	}
	if err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		s.renderInvitation(w, r, token, f, http.StatusUnprocessableEntity)
		return
	}
	if err := s.startSession(w, r, u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("invitation accepted", "workspace", inv.WorkspaceID, "user", u.ID, "new_account", true)
	s.redirectWithFlash(w, r, urls.Workspace(inv.WorkspaceID), "ok", "Welcome to "+inv.WorkspaceName+".")
}

// renderInvitation shows the invitation page again with f's errors; a link that stopped
// working meanwhile shows why instead.
func (s *Server) renderInvitation(w http.ResponseWriter, r *http.Request, token string, f components.Form, status int) {
	d, st, err := s.invitationData(r, token, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if st != http.StatusOK {
		status = st
	}
	s.render(w, r, status, auth.Invitation(d))
}

// acceptInvitation joins the logged-in user to the workspace of the invitation whose
// link they hold (the token is posted from the link's page), when it is for their address.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	inv, err := s.accounts.AcceptInvitation(r.Context(), r.PostFormValue("token"), v.user.ID)
	if err != nil {
		s.invitationError(w, r, err)
		return
	}
	s.log.Info("invitation accepted", "workspace", inv.WorkspaceID, "user", v.user.ID)
	s.redirectWithFlash(w, r, urls.Workspace(inv.WorkspaceID), "ok", "You joined "+inv.WorkspaceName+".")
}

func (s *Server) declineInvitation(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	inv, err := s.accounts.DeclineInvitation(r.Context(), r.PostFormValue("token"), v.user.ID)
	if err != nil {
		s.invitationError(w, r, err)
		return
	}
	s.log.Info("invitation declined", "workspace", inv.WorkspaceID, "user", v.user.ID)
	s.redirectWithFlash(w, r, "/", "ok", "Invitation to "+inv.WorkspaceName+" declined.")
}

// invitationError answers an invitation that cannot be used, with the reason: the
// holder of the link sees whom it is for on its page anyway.
func (s *Server) invitationError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, account.ErrInvitationGone):
		s.fail(w, r, http.StatusNotFound, capitalize(err.Error())+".")
	case errors.Is(err, account.ErrInvitationExpired):
		s.fail(w, r, http.StatusGone, capitalize(err.Error())+".")
	case errors.Is(err, account.ErrInvitationOtherAddress):
		s.fail(w, r, http.StatusForbidden, capitalize(err.Error())+".")
	default:
		s.domainError(w, r, err)
	}
}
