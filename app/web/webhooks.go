package web

import (
	"fmt"
	"net/http"

	"agent/app/account"
	"agent/app/webhook"
	"agent/views/components"
	"agent/views/settings"
	"agent/views/urls"
)

// deliveryLogRows is how many of a webhook's deliveries its page shows.
const deliveryLogRows = 50

// webhookRoutes lists the routes of a workspace's outgoing webhooks: its owners and admins
// manage them.
func (s *Server) webhookRoutes(ws wsRoute) {
	ws("GET /w/{ws}/settings/webhooks", account.PermManageWorkspace, s.webhooksPage)
	ws("POST /w/{ws}/settings/webhooks", account.PermManageWorkspace, s.createWebhook)
	ws("GET /w/{ws}/settings/webhooks/{hook}", account.PermManageWorkspace, s.webhookPage)
	ws("POST /w/{ws}/settings/webhooks/{hook}", account.PermManageWorkspace, s.updateWebhook)
	ws("POST /w/{ws}/settings/webhooks/{hook}/test", account.PermManageWorkspace, s.testWebhook)
	ws("POST /w/{ws}/settings/webhooks/{hook}/resume", account.PermManageWorkspace, s.resumeWebhook)
	ws("POST /w/{ws}/settings/webhooks/{hook}/delete", account.PermManageWorkspace, s.deleteWebhook)
}

// postedEvents reads the event types checked in a webhook form.
func postedEvents(r *http.Request) []webhook.Type {
	var ts []webhook.Type
	for _, v := range r.PostForm["event"] {
		ts = append(ts, webhook.Type(v))
	}
	return ts
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) {
	s.renderWebhooks(w, r, http.StatusOK, components.NewForm(), nil)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, f components.Form, events []webhook.Type) {
	subs, err := s.webhooks.List(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, settings.Webhooks(s.page(w, r, "Webhooks", "settings"), settings.WebhooksData{Subscriptions: subs, Form: f, Events: events}))
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	f := formOf(r, "url")
	events := postedEvents(r)
	sub, err := s.webhooks.Create(r.Context(), v.workspace.ID, v.user.ID, f.Value("url"), events)
	if err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, f, events)
		return
	}
	s.redirectWithFlash(w, r, settings.WebhookPath(v.workspace.ID, sub.ID), "ok", "Webhook added. Its receiver checks each delivery with the signing secret below.")
}

func (s *Server) webhookPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "hook")
	if !ok {
		return
	}
	sub, err := s.webhooks.Get(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	f := components.NewForm()
	f.Values["url"] = sub.URL
	if sub.Active {
		f.Values["active"] = "1"
	}
	s.renderWebhook(w, r, http.StatusOK, sub, f, sub.Events)
}

func (s *Server) renderWebhook(w http.ResponseWriter, r *http.Request, status int, sub webhook.Subscription, f components.Form, events []webhook.Type) {
	log, err := s.webhooks.Deliveries(r.Context(), sub.WorkspaceID, sub.ID, deliveryLogRows)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, settings.Webhook(s.page(w, r, "Webhook", "settings"),
		settings.WebhookData{Subscription: sub, Form: f, Events: events, Deliveries: log}))
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "hook")
	if !ok {
		return
	}
	sub, err := s.webhooks.Get(r.Context(), v.workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	f := formOf(r, "url", "active")
	events := postedEvents(r)
	if err := s.webhooks.Update(r.Context(), v.workspace.ID, id, f.Value("url"), events, f.Value("active") == "1"); err != nil {
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.renderWebhook(w, r, http.StatusUnprocessableEntity, sub, f, events)
		return
	}
	s.redirectWithFlash(w, r, settings.WebhookPath(v.workspace.ID, id), "ok", "Webhook saved.")
}

func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "hook")
	if !ok {
		return
	}
	if err := s.webhooks.SendTest(r.Context(), v.workspace.ID, id); err != nil {
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, settings.WebhookPath(v.workspace.ID, id), "error", msg)
			return
		}
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, settings.WebhookPath(v.workspace.ID, id), "ok", "Test event queued: it shows in the log below within seconds.")
}

func (s *Server) resumeWebhook(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "hook")
	if !ok {
		return
	}
	n, err := s.webhooks.Resume(r.Context(), v.workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	msg := "Webhook resumed."
	if n > 0 {
		msg = fmt.Sprintf("Webhook resumed: %d held events are being sent, oldest first.", n)
	}
	s.redirectWithFlash(w, r, settings.WebhookPath(v.workspace.ID, id), "ok", msg)
}

// pausedWebhooksWarning tells a workspace's owners and admins, on every page, of the
// webhooks the product paused; "" when none is.
func (s *Server) pausedWebhooksWarning(r *http.Request, workspaceID int64) string {
	subs, err := s.webhooks.Paused(r.Context(), workspaceID)
	if err != nil {
		s.log.Warn("paused webhooks", "err", err)
		return ""
	}
	switch len(subs) {
	case 0:
		return ""
	case 1:
	default:
		return fmt.Sprintf("%d webhooks were paused: their receivers failed every delivery for a day, and their events are held. "+
			"Fix the receivers, then resume them in Settings › Webhooks.", len(subs))
	}
	return fmt.Sprintf("The webhook to %s was paused on %s UTC: its receiver failed every delivery for a day, and its events are held. "+
		"Fix the receiver, then resume it in Settings › Webhooks.", subs[0].URL, subs[0].PausedAt.UTC().Format("2006-01-02 15:04"))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := s.pathID(w, r, "hook")
	if !ok {
		return
	}
	if err := s.webhooks.Delete(r.Context(), v.workspace.ID, id); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "webhooks"), "ok", "Webhook deleted.")
}
