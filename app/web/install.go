package web

import (
	"errors"
	"net/http"

	"agent/app/account"
	"agent/views/install"
)

// requireSuperAdmin lets only the install's super admins through (after requireUser), and
// loads the user's workspaces for the switcher. Everyone else, workspace owners included,
// is refused: the Install page acts on every account of the install.
func (s *Server) requireSuperAdmin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		if !v.user.SuperAdmin {
			s.fail(w, r, http.StatusForbidden, "Only the install's super admins can open this page.")
			return
		}
		var err error
		if v.workspaces, err = s.accounts.WorkspacesOf(r.Context(), v.user.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		next(w, r)
	}
}

func (s *Server) installData(w http.ResponseWriter, r *http.Request) (install.Data, bool) {
	accounts, err := s.accounts.Accounts(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return install.Data{}, false
	}
	return install.Data{Accounts: accounts}, true
}

func (s *Server) installPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.installData(w, r); ok {
		s.render(w, r, http.StatusOK, install.Page(s.page(w, r, "Install", "install"), d))
	}
}

// installTarget loads the account named in the path, which account.ManageAccount must
// let the super admin act on (not their own); false means an answer was sent.
func (s *Server) installTarget(w http.ResponseWriter, r *http.Request) (account.User, bool) {
	id, ok := s.pathID(w, r, "user")
	if !ok {
		return account.User{}, false
	}
	u, err := s.accounts.User(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return account.User{}, false
	}
	v := visitOf(r)
	if s.refused(w, r, account.ManageAccount(v.user, v.membership, account.Member{User: u})) {
		return account.User{}, false
	}
	return u, true
}

// installError sends a refusal of the account package (the last super admin) back to
// the Install page as a flash.
func (s *Server) installError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, account.ErrLastSuperAdmin) {
		s.redirectWithFlash(w, r, "/install", "error", capitalize(err.Error())+".")
		return
	}
	s.domainError(w, r, err)
}

func (s *Server) makeSuperAdmin(w http.ResponseWriter, r *http.Request) {
	s.setSuperAdmin(w, r, true)
}

func (s *Server) unmakeSuperAdmin(w http.ResponseWriter, r *http.Request) {
	s.setSuperAdmin(w, r, false)
}

func (s *Server) setSuperAdmin(w http.ResponseWriter, r *http.Request, on bool) {
	u, ok := s.installTarget(w, r)
	if !ok {
		return
	}
	if err := s.accounts.SetSuperAdmin(r.Context(), u.ID, on); err != nil {
		s.installError(w, r, err)
		return
	}
	s.log.Info("super admin changed", "user", u.ID, "super_admin", on, "by", visitOf(r).user.ID)
	msg := u.Name + " is no longer a super admin."
	if on {
		msg = u.Name + " is a super admin."
	}
	s.redirectWithFlash(w, r, "/install", "ok", msg)
}

func (s *Server) installDisable(w http.ResponseWriter, r *http.Request) {
	s.installSetDisabled(w, r, true)
}

func (s *Server) installEnable(w http.ResponseWriter, r *http.Request) {
	s.installSetDisabled(w, r, false)
}

func (s *Server) installSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	u, ok := s.installTarget(w, r)
	if !ok {
		return
	}
	if err := s.accounts.SetDisabled(r.Context(), u.ID, disabled); err != nil {
		s.installError(w, r, err)
		return
	}
	s.log.Info("user disabled changed", "user", u.ID, "disabled", disabled, "by", visitOf(r).user.ID)
	msg := u.Name + " is enabled."
	if disabled {
		msg = u.Name + " is disabled and logged out."
	}
	s.redirectWithFlash(w, r, "/install", "ok", msg)
}

// installResetPassword shows the one-time password in the response itself, once.
func (s *Server) installResetPassword(w http.ResponseWriter, r *http.Request) {
	u, ok := s.installTarget(w, r)
	if !ok {
		return
	}
	pw, err := s.resetPassword(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d, ok := s.installData(w, r)
	if !ok {
		return
	}
	d.NewPassword, d.NewPasswordOf = pw, u.Name
	s.render(w, r, http.StatusOK, install.Page(s.page(w, r, "Install", "install"), d))
}

// resetPassword gives u a new one-time password, which ends their sessions, and returns
// it to be shown once.
func (s *Server) resetPassword(r *http.Request, u account.User) (string, error) {
	pw := account.GeneratePassword()
	if err := s.accounts.SetPassword(r.Context(), u.ID, pw, true); err != nil {
		return "", err
	}
	s.log.Info("password reset", "user", u.ID, "by", visitOf(r).user.ID)
	return pw, nil
}
