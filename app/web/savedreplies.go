package web

import (
	"net/http"

	"agent/app/account"
	"agent/app/inbox"
	"agent/views/components"
	"agent/views/settings"
	"agent/views/urls"
)

// savedReplyRoutes lists the routes of the workspace's saved replies, which those who
// manage the workspace keep (the inbox reads them: inboxwork.go).
func (s *Server) savedReplyRoutes(ws wsRoute) {
	ws("GET /w/{ws}/settings/replies", account.PermManageWorkspace, s.savedRepliesPage)
	ws("POST /w/{ws}/settings/replies", account.PermManageWorkspace, s.saveReply)
	ws("POST /w/{ws}/settings/replies/{reply}", account.PermManageWorkspace, s.saveReply)
	ws("POST /w/{ws}/settings/replies/{reply}/delete", account.PermManageWorkspace, s.deleteSavedReply)
}

// savedRepliesPage lists the saved replies, with the form f for a new one.
func (s *Server) savedRepliesPage(w http.ResponseWriter, r *http.Request) {
	s.renderReplies(w, r, http.StatusOK, components.NewForm())
}

func (s *Server) renderReplies(w http.ResponseWriter, r *http.Request, status int, f components.Form) {
	list, err := s.inbox.SavedReplies(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, settings.Replies(s.page(w, r, "Saved replies", "settings"), f, list))
}

// saveReply creates a saved reply, or changes the one in the path.
func (s *Server) saveReply(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	sr := inbox.SavedReply{Shortcut: r.PostFormValue("shortcut"), Body: r.PostFormValue("body")}
	if r.PathValue("reply") != "" {
		id, ok := s.pathID(w, r, "reply")
		if !ok {
			return
		}
		sr.ID = id
	}
	_, err := s.inbox.SaveReply(r.Context(), v.workspace.ID, v.user.ID, sr)
	back := urls.Workspace(v.workspace.ID, "settings", "replies")
	if _, msg, ok := userMessage(err); ok && sr.ID != 0 && !isNotFound(err) {
		s.redirectWithFlash(w, r, back, "error", "Saved reply not changed: "+uncapitalize(msg)+".")
		return
	}
	if f := formOf(r, "shortcut", "body"); sr.ID == 0 && err != nil && addError(&f, err) {
		s.renderReplies(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, back, "ok", "Saved reply saved.")
}

func (s *Server) deleteSavedReply(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "reply")
	if !ok {
		return
	}
	if err := s.inbox.DeleteSavedReply(r.Context(), v.workspace.ID, id); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "replies"), "ok", "Saved reply removed.")
}
