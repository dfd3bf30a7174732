package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"agent/app/agent"
	"agent/app/inbox"
	"agent/app/llm"
	"agent/views/preview"
	"agent/views/urls"
)

// previewPage shows the agent's playground with the admin's latest preview conversation.
func (s *Server) previewPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	conv, msgs, err := s.latestPreview(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	channel := conv.Channel
	if channel == "" {
		channel = "chat"
	}
	lang := r.URL.Query().Get("lang")
	s.render(w, r, http.StatusOK, preview.Page(s.page(w, r, "Preview "+a.Name, "agents"), a, conv, msgs, channel, lang,
		s.modelStatus(r.Context())))
}

// previewTranscript is the transcript alone, which the page's script reloads after a reply.
func (s *Server) previewTranscript(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	_, msgs, err := s.latestPreview(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, preview.Transcript(a.WorkspaceID, msgs))
}

func (s *Server) latestPreview(r *http.Request, a agent.Agent) (inbox.Conversation, []inbox.Message, error) {
	conv, err := s.inbox.LatestPreview(r.Context(), a.WorkspaceID, a.ID, visitOf(r).user.ID)
	if errors.Is(err, inbox.ErrNotFound) {
		return inbox.Conversation{}, nil, nil
	}
	if err != nil {
		return conv, nil, err
	}
	msgs, err := s.inbox.Messages(r.Context(), conv.ID)
	return conv, msgs, err
}

// newPreview starts a fresh preview conversation, so that earlier turns (follow-ups,
// the repeated-answer rule) no longer count.
func (s *Server) newPreview(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	conv, _, err := s.latestPreview(r, a)
	if err == nil && conv.ID != 0 {
		_, err = s.inbox.Create(r.Context(), a.WorkspaceID, inbox.NewConversation{AgentID: a.ID, Channel: conv.Channel, Preview: true, CreatedBy: visitOf(r).user.ID})
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, urls.Agent(a.WorkspaceID, a.ID, "preview"), http.StatusSeeOther)
}

// askPreview sends the admin's message to the agent. With Accept: text/event-stream the
// reply streams as server-sent events (token, then done or error); otherwise the page
// is shown again with the reply.
func (s *Server) askPreview(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	text, lang, channel := r.PostFormValue("message"), strings.TrimSpace(r.PostFormValue("lang")), r.PostFormValue("channel")
	if !preview.ValidChannel(channel) {
		channel = "chat"
	}
	conv, _, err := s.latestPreview(r, a)
	if err == nil && (conv.ID == 0 || conv.Channel != channel) {
		conv, err = s.inbox.Create(r.Context(), a.WorkspaceID, inbox.NewConversation{AgentID: a.ID, Channel: channel, Preview: true, CreatedBy: visitOf(r).user.ID})
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	back := urls.Agent(a.WorkspaceID, a.ID, "preview") + "?lang=" + url.QueryEscape(lang)

	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		_, _, err := s.inbox.Ask(r.Context(), s.engine, a, conv, text, lang, nil)
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, back, "error", msg)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}

	out := startSSE(w)
	_, _, err = s.inbox.Ask(r.Context(), s.engine, a, conv, text, lang, func(tok string) error { return out.event("token", tok) })
	if err != nil {
		msg := "The agent could not reply; the error is in the server log."
		if _, m, ok := userMessage(err); ok {
			msg = m
		} else {
			s.log.Error("preview reply failed", "agent", a.ID, "err", err)
		}
		out.event("error", msg)
		return
	}
	out.event("done", "")
}

// modelStatus is the language model's health for the pages that tell the admin about it
// (the Agents list, the preview). They say it in plain words (llm.Health.Notice); the
// technical detail goes to the log, once for each new error.
func (s *Server) modelStatus(ctx context.Context) llm.Health {
	h := s.modelHealth(ctx)
	if s.model.firstSeen(h.Error) && h.Error != "" {
		s.log.Warn("language model unavailable; agents answer in extractive mode", "ollama", h.URL, "err", h.Error)
	}
	return h
}
