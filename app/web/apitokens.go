package web

import (
	"net/http"

	"agent/app/account"
	"agent/views/components"
	"agent/views/settings"
	"agent/views/urls"
)

// apiTokenRoutes lists the API tokens page's routes: admins and owners only, as a token
// acts with an admin's rights.
func (s *Server) apiTokenRoutes(ws wsRoute) {
	ws("GET /w/{ws}/settings/api", account.PermManageWorkspace, s.apiTokensPage)
	ws("POST /w/{ws}/settings/api", account.PermManageWorkspace, s.createAPIToken)
	ws("POST /w/{ws}/settings/api/{token}/revoke", account.PermManageWorkspace, s.revokeAPIToken)
}

func (s *Server) apiTokensPage(w http.ResponseWriter, r *http.Request) {
	s.renderAPITokens(w, r, http.StatusOK, settings.APITokensData{Form: components.NewForm()})
}

func (s *Server) renderAPITokens(w http.ResponseWriter, r *http.Request, status int, d settings.APITokensData) {
	var err error
	if d.Tokens, err = s.accounts.APITokens(r.Context(), visitOf(r).workspace.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, settings.APITokens(s.page(w, r, "API tokens", "settings"), d))
}

// createAPIToken makes a token and shows its secret once, on the page the form posted to
// (a redirect would have to carry the secret in a cookie or the address).
func (s *Server) createAPIToken(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "name")
	f.Values["scopes"] = ""
	var scopes []account.Scope
	for _, sc := range r.PostForm["scope"] {
		scopes = append(scopes, account.Scope(sc))
	}
	secret, t, err := s.accounts.CreateAPIToken(r.Context(), v.workspace.ID, v.user.ID, f.Value("name"), scopes)
	if err != nil {
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.renderAPITokens(w, r, http.StatusUnprocessableEntity, settings.APITokensData{Form: f, Chosen: scopes})
		return
	}
	s.renderAPITokens(w, r, http.StatusOK, settings.APITokensData{Form: components.NewForm(), Secret: secret, Created: t})
}

func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "token")
	if !ok {
		return
	}
	ws := visitOf(r).workspace.ID
	if err := s.accounts.RevokeAPIToken(r.Context(), ws, id); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(ws, "settings", "api"), "ok", "Token revoked: it no longer works.")
}
