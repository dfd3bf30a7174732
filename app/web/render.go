package web

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/gaps"
	"agent/app/knowledge"
	"agent/app/usererr"
	"agent/app/webhook"
	"agent/views/errorpage"
	"agent/views/layout"
)

// render writes a component as the response: the one way pages are rendered.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		s.log.Error("render", "path", r.URL.Path, "err", err)
	}
}

// fail shows an error page with a message fit for the person who made the request.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	s.render(w, r, status, errorpage.Page(status, message))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "There is nothing at this address.")
}

// serverError logs the detail and shows a generic message.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "Something went wrong on our side. It has been logged.")
}

// domainError turns an error from a domain package into a response: its own message for
// errors meant for people, a 404 for things not found, a logged 500 for the rest.
func (s *Server) domainError(w http.ResponseWriter, r *http.Request, err error) {
	var ie *usererr.InputError
	var ue usererr.Error
	switch {
	case isNotFound(err):
		s.notFound(w, r)
	case errors.As(err, &ie):
		s.fail(w, r, http.StatusUnprocessableEntity, ie.Error())
	case errors.As(err, &ue):
		s.fail(w, r, http.StatusConflict, capitalize(ue.Error())+".")
	default:
		s.serverError(w, r, err)
	}
}

// userMessage returns the text to show in a form for err, or false when err is not
// meant for people (and must be handled as a server error).
func userMessage(err error) (field, message string, ok bool) {
	var ie *usererr.InputError
	var ue usererr.Error
	switch {
	case errors.As(err, &ie):
		return ie.Field, capitalize(ie.Message), true
	case errors.As(err, &ue) && !isNotFound(err):
		return "", capitalize(ue.Error()) + ".", true
	}
	return "", "", false
}

// isNotFound reports whether err is a domain package's "not found", shown as a 404.
func isNotFound(err error) bool {
	return errors.Is(err, account.ErrNotFound) || errors.Is(err, knowledge.ErrNotFound) || errors.Is(err, agent.ErrNotFound) ||
		errors.Is(err, gaps.ErrNotFound) || errors.Is(err, webhook.ErrNotFound)
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// redirect sends the browser to url after a POST (303) or to a page it should be on.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}

const flashCookie = "agent_flash"

// redirectWithFlash redirects and shows message once on the next page.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, url, kind, message string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: kind + ":" + base64.RawURLEncoding.EncodeToString([]byte(message)),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	s.redirect(w, r, url)
}

// takeFlash reads and clears the flash message.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) layout.Flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return layout.Flash{}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), HttpOnly: true, Secure: s.secure(r)})
	kind, enc, _ := strings.Cut(c.Value, ":")
	msg, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || (kind != "ok" && kind != "error") || len(msg) > 500 {
		return layout.Flash{}
	}
	return layout.Flash{Kind: kind, Message: string(msg)}
}

// page builds the frame of a workspace page for the current visit.
func (s *Server) page(w http.ResponseWriter, r *http.Request, title, active string) layout.Page {
	v := visitOf(r)
	p := layout.Page{
		Title: title, Active: active,
		User: v.user, Workspace: v.workspace, Workspaces: v.workspaces, Membership: v.membership,
		CSRF: v.session.CSRFToken, Flash: s.takeFlash(w, r),
	}
	if role := v.membership.Role; role == account.RoleOwner || role == account.RoleAdmin {
		p.Warning = s.diskWarning()
		if p.Warning == "" && v.workspace.ID != 0 {
			p.Warning = s.pausedWebhooksWarning(r, v.workspace.ID)
		}
	}
	return p
}
