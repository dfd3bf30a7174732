package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"agent/app/account"
	"agent/views/auth"
	"agent/views/components"
	"agent/views/layout"
	"agent/views/urls"
)

// formOf copies the named fields of a posted form into a components.Form.
func formOf(r *http.Request, names ...string) components.Form {
	f := components.NewForm()
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return f
}

// addError puts err on its field of f when err is meant for people; otherwise it reports false.
func addError(f *components.Form, err error) bool {
	field, msg, ok := userMessage(err)
	if !ok {
		return false
	}
	if _, known := f.Values[field]; field != "" && known {
		f.Errors[field] = msg
	} else {
		f.Error = msg
	}
	return true
}

// setupOpen reports whether first-run setup is still available; afterwards /setup is a 404.
func (s *Server) setupOpen(w http.ResponseWriter, r *http.Request) bool {
	has, err := s.accounts.HasUsers(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if has {
		s.notFound(w, r)
		return false
	}
	return true
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	if s.setupOpen(w, r) {
		s.render(w, r, http.StatusOK, auth.Setup(components.NewForm()))
	}
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.setupOpen(w, r) {
		return
	}
	f := formOf(r, "workspace", "name", "email")
	nu := account.NewUser{Email: f.Value("email"), Name: f.Value("name"), Password: r.PostFormValue("password")}
	f.Values["password"] = ""
	owner, ws, _, err := s.accounts.Setup(r.Context(), nu, f.Value("workspace"))
	if errors.Is(err, account.ErrAlreadySetUp) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, auth.Setup(f))
		return
	}
	s.log.Info("setup done", "email", nu.Email)
	// The owner just chose the password: they are logged in, not asked for it again.
	if err := s.startSession(w, r, owner.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(ws.ID), "ok", "Your account and workspace are ready.")
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if visitOf(r).loggedIn {
		s.redirect(w, r, safeNext(r.URL.Query().Get("next")))
		return
	}
	has, err := s.accounts.HasUsers(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !has {
		s.redirect(w, r, "/setup")
		return
	}
	f := components.NewForm()
	f.Values["email"] = r.URL.Query().Get("email")
	s.render(w, r, http.StatusOK, auth.Login(f, safeNext(r.URL.Query().Get("next")), s.takeFlash(w, r)))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "email")
	next := safeNext(r.PostFormValue("next"))
	ip, key := s.clientIP(r), s.clientKey(r)
	userKey := strings.ToLower(f.Value("email")) + "|" + key
	okIP, waitIP := s.loginByIP.Allow(key)
	okUser, waitUser := s.loginByUser.Allow(userKey)
	if !okIP || !okUser {
		wait := max(waitIP, waitUser)
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = fmt.Sprintf("Too many login attempts. Try again in %s.", humanWait(wait))
		s.log.Warn("login rate limited", "email", f.Value("email"), "ip", ip)
		s.render(w, r, http.StatusTooManyRequests, auth.Login(f, next, layout.Flash{}))
		return
	}
	u, err := s.accounts.Authenticate(r.Context(), f.Value("email"), r.PostFormValue("password"))
	if err != nil {
		if !errors.Is(err, account.ErrBadCredentials) && !errors.Is(err, account.ErrDisabled) {
			s.serverError(w, r, err)
			return
		}
		s.log.Info("login failed", "email", f.Value("email"), "ip", ip, "reason", err)
		f.Error = capitalize(err.Error()) + "."
		s.render(w, r, http.StatusUnauthorized, auth.Login(f, next, layout.Flash{}))
		return
	}
	s.loginByUser.Reset(userKey)
	if err := s.startSession(w, r, u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("login", "user", u.ID, "ip", ip)
	s.redirect(w, r, next)
}

// startSession logs the browser in as userID. Any session the browser had is replaced,
// so a session ID planted before login is worthless after it.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	if old := visitOf(r).token; old != "" {
		if err := s.accounts.DeleteSession(r.Context(), old); err != nil {
			return err
		}
	}
	token, sess, err := s.accounts.CreateSession(r.Context(), userID, s.cfg.Auth.SessionTTL, s.clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token, sess.ExpiresAt)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if v := visitOf(r); v.loggedIn {
		if err := s.accounts.DeleteSession(r.Context(), v.token); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w, r)
	s.redirect(w, r, "/login")
}

// home sends the user to the workspace they used last, or their first one; a super
// admin of no workspace to the Install page.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	wss, err := s.accounts.WorkspacesOf(r.Context(), v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(wss) == 0 && v.user.SuperAdmin {
		s.redirect(w, r, "/install")
		return
	}
	if len(wss) == 0 {
		s.fail(w, r, http.StatusForbidden, "You are not a member of any workspace yet. Open the invitation link an admin gave you, or ask one to invite you.")
		return
	}
	target := wss[0].ID
	for _, ws := range wss {
		if ws.ID == v.user.LastWorkspaceID {
			target = ws.ID
		}
	}
	s.redirect(w, r, urls.Workspace(target))
}

// workspaceHome opens the first section the member may use.
func (s *Server) workspaceHome(w http.ResponseWriter, r *http.Request) {
	s.redirect(w, r, urls.Workspace(visitOf(r).workspace.ID, "inbox"))
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	s.render(w, r, http.StatusOK, auth.Password(v.session.CSRFToken, components.NewForm(), v.user.MustChangePassword, "/"))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "current", "password")
	var err error
	if v.user.MustChangePassword {
		err = s.accounts.ReplaceOneTimePassword(r.Context(), v.user.ID, r.PostFormValue("password"))
	} else {
		err = s.accounts.ChangePassword(r.Context(), v.user.ID, r.PostFormValue("current"), r.PostFormValue("password"))
	}
	if err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, auth.Password(v.session.CSRFToken, f, v.user.MustChangePassword, "/"))
		return
	}
	// Every session, this one included, ended with the change; this browser gets a new one.
	v.token = ""
	if err := s.startSession(w, r, v.user.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("password changed", "user", v.user.ID)
	s.redirectWithFlash(w, r, "/", "ok", "Your password is changed. Other devices have been logged out.")
}

func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	if !s.ownsAWorkspace(w, r) {
		return
	}
	ws, err := s.accounts.CreateWorkspace(r.Context(), r.PostFormValue("name"), v.user.ID)
	if err != nil {
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, "/", "error", "Workspace not created: "+msg)
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(ws.ID, "settings"), "ok", "Workspace "+ws.Name+" created.")
}

// ownsAWorkspace allows creating workspaces to owners only (see layout.Page.CanCreateWorkspace).
func (s *Server) ownsAWorkspace(w http.ResponseWriter, r *http.Request) bool {
	owns, err := s.accounts.OwnsAnyWorkspace(r.Context(), visitOf(r).user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if !owns {
		s.fail(w, r, http.StatusForbidden, "Only owners can create workspaces.")
	}
	return owns
}

// humanWait says a wait in words: "40 seconds", "3 minutes".
func humanWait(d time.Duration) string {
	if secs := int(math.Ceil(d.Seconds())); secs < 60 {
		return fmt.Sprintf("%d seconds", max(secs, 1))
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}
