package web

import (
	"context"
	"net/http"
	"time"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/inbox"
	inboxview "agent/views/inbox"
	"agent/views/settings"
	"agent/views/urls"
)

// assistRoutes lists the assistive reply's routes: its settings, a person's auto-send
// switch, the conversation page's presence signal and the suggested replies.
func (s *Server) assistRoutes(ws wsRoute) {
	ws("GET /w/{ws}/settings/assist", account.PermManageWorkspace, s.assistSettingsPage)
	ws("POST /w/{ws}/settings/assist", account.PermManageWorkspace, s.saveAssistSettings)
	ws("POST /w/{ws}/inbox/autosend", account.PermUseInbox, s.setAutoSend)
	ws("POST /w/{ws}/inbox/{conv}/viewing", account.PermUseInbox, s.viewingConversation)
	ws("GET /w/{ws}/inbox/{conv}/suggestions", account.PermUseInbox, s.suggestions)
	ws("POST /w/{ws}/inbox/{conv}/suggestions/{sug}/send", account.PermUseInbox, s.sendSuggestion)
}

func (s *Server) assistSettingsPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.inbox.AssistSettings(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, settings.Assist(s.page(w, r, "Assistant · Settings", "settings"), a))
}

func (s *Server) saveAssistSettings(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	a := inbox.AssistSettings{Suggestions: r.PostFormValue("suggestions") == "1", AutoSendAllowed: r.PostFormValue("autosend") == "1"}
	if err := s.inbox.SetAssistSettings(r.Context(), ws, a); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.service.Hub.Publish(ws, inbox.Event{Kind: inbox.EventPresence}) // the inbox pages show the switch, or not
	s.redirectWithFlash(w, r, urls.Workspace(ws, "settings", "assist"), "ok", "Assistant settings saved.")
}

// setAutoSend turns the signed-in person's auto-send on or off (field on, "1" or "0"),
// when the workspace allows it, and returns to the inbox page they were on.
func (s *Server) setAutoSend(w http.ResponseWriter, r *http.Request) {
	ctx, v := r.Context(), visitOf(r)
	ws := v.workspace.ID
	back := inboxBack(r)
	a, err := s.inbox.AssistSettings(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	on := r.PostFormValue("on") == "1"
	if on && !a.AutoSendOn() {
		s.redirectWithFlash(w, r, back, "error", "Auto-send is not allowed in this workspace.")
		return
	}
	if err := s.inbox.SetAutoSend(ctx, ws, v.user.ID, on); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.service.Hub.Publish(ws, inbox.Event{Kind: inbox.EventPresence}) // the person's other inbox pages
	msg := "Auto-send is off: the assistant only suggests replies."
	if on {
		msg = "Auto-send is on: while you work in one conversation, the assistant answers your others when it is sure."
	}
	s.redirectWithFlash(w, r, back, "ok", msg)
}

// viewingConversation is the open conversation page's signal (inbox.js): active=1 while
// it is in view and focused, renewed before inbox.PageExpiry; active=0 when not.
func (s *Server) viewingConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if err := s.inbox.Viewing(r.Context(), c.WorkspaceID, visitOf(r).user.ID, c.ID, r.PostFormValue("active") == "1"); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// leftConversation records that a person's page no longer shows a conversation, when its
// event stream ends; the request's context is over by then.
func (s *Server) leftConversation(workspaceID, userID, conversationID int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.inbox.Left(ctx, workspaceID, userID, conversationID); err != nil {
		s.log.Error("inbox: left conversation", "conversation", conversationID, "err", err)
	}
}

// suggestions is the suggested replies fragment: to the words typed (q), or to the
// customer's last message.
func (s *Server) suggestions(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	got, err := s.service.Suggest(r.Context(), c.WorkspaceID, c.ID, visitOf(r).user.ID, r.URL.Query().Get("q"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, inboxview.SuggestionList(c.WorkspaceID, c.ID, got))
}

// sendSuggestion sends an offered suggestion as is.
func (s *Server) sendSuggestion(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	id, ok := ids.Decode(r.PathValue("sug"))
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.service.SendSuggestion(r.Context(), c.WorkspaceID, c.ID, visitOf(r).user.ID, id); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.backToConversation(w, r, c, "")
}

// assistData adds the assistive reply's state to the inbox page: the workspace's
// switches, the person's auto-send, and whether the open conversation offers suggestions.
func (s *Server) assistData(r *http.Request, d *inboxview.PageData) error {
	ctx, v := r.Context(), visitOf(r)
	var err error
	if d.Assist, err = s.inbox.AssistSettings(ctx, v.workspace.ID); err != nil {
		return err
	}
	if d.AutoSend, err = s.inbox.AutoSend(ctx, v.workspace.ID, v.user.ID); err != nil {
		return err
	}
	if d.Conv != nil {
		d.Conv.Suggest = d.Assist.Suggestions
	}
	return nil
}

// autoSendData is the signed-in person's auto-send switch, returning to back.
func (s *Server) autoSendData(r *http.Request, back string) (inboxview.AutoSendData, error) {
	ctx, v := r.Context(), visitOf(r)
	d := inboxview.AutoSendData{WS: v.workspace.ID, CSRF: v.session.CSRFToken, Back: back}
	a, err := s.inbox.AssistSettings(ctx, v.workspace.ID)
	if err != nil {
		return d, err
	}
	d.Allowed = a.AutoSendOn()
	d.On, err = s.inbox.AutoSend(ctx, v.workspace.ID, v.user.ID)
	return d, err
}
