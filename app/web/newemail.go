package web

import (
	"context"
	"errors"
	"net/http"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/ids"
	"agent/views/components"
	inboxview "agent/views/inbox"
	"agent/views/urls"
)

// newEmailRoutes are the form that starts an email conversation with a customer.
func (s *Server) newEmailRoutes(ws wsRoute) {
	ws("GET /w/{ws}/inbox/new-email", account.PermUseInbox, s.newEmailPage)
	ws("POST /w/{ws}/inbox/new-email", account.PermUseInbox, s.sendNewEmail)
}

// emailChannels are the workspace's active email channels whose mailbox is connected: the
// ones a person can write from.
func (s *Server) emailChannels(ctx context.Context, ws int64) ([]channel.Channel, error) {
	all, err := s.channels.List(ctx, ws)
	if err != nil {
		return nil, err
	}
	settings := mailbox.NewStore(s.db)
	var out []channel.Channel
	for _, c := range all {
		if c.Kind != channel.Email || !c.Active {
			continue
		}
		_, err := settings.Get(ctx, c.ID)
		if errors.Is(err, mailbox.ErrNotSet) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// newEmailData is the form's page, for the contact ?contact= when given (its address
// filled in).
func (s *Server) newEmailData(r *http.Request) (inboxview.NewEmailData, error) {
	v := visitOf(r)
	d := inboxview.NewEmailData{WS: v.workspace.ID, CSRF: v.session.CSRFToken, Form: components.NewForm(),
		CanSetUp: v.membership.Can(account.PermManageChannels)}
	var err error
	d.Channels, err = s.emailChannels(r.Context(), d.WS)
	return d, err
}

func (s *Server) newEmailPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.newEmailData(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if id := r.URL.Query().Get("contact"); id != "" {
		n, ok := ids.Decode(id)
		if !ok {
			s.notFound(w, r)
			return
		}
		k, ok := s.contact(w, r, n)
		if !ok {
			return
		}
		d.Form.Values["to"] = k.Email
	}
	s.render(w, r, http.StatusOK, inboxview.NewEmail(s.page(w, r, "New email · Inbox", "inbox"), d))
}

// sendNewEmail starts the conversation and sends its first mail, then opens it.
func (s *Server) sendNewEmail(w http.ResponseWriter, r *http.Request) {
	d, err := s.newEmailData(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Form = formOf(r, "channel", "to", "subject")
	d.Form.Values["message"] = r.PostFormValue("message")
	status := http.StatusUnprocessableEntity
	var ch channel.Channel
	if id, ok := ids.Decode(d.Form.Value("channel")); ok {
		for _, c := range d.Channels {
			if c.ID == id {
				ch = c
			}
		}
	}
	switch {
	case len(d.Channels) == 0:
		// The page says why: no mailbox to write from.
	case ch.ID == 0:
		d.Form.Error = "Choose the mailbox to write from."
	default:
		c, err := mailbox.Start(r.Context(), s.service, mailbox.NewStore(s.db), mailbox.NewEmail{Channel: ch, To: d.Form.Value("to"),
			Subject: d.Form.Value("subject"), Text: d.Form.Value("message"), UserID: visitOf(r).user.ID})
		if err == nil {
			s.redirectWithFlash(w, r, urls.Conversation(c.WorkspaceID, c.ID), "ok", "Email to "+d.Form.Value("to")+" sent.")
			return
		}
		if !addError(&d.Form, err) {
			s.domainError(w, r, err)
			return
		}
	}
	s.render(w, r, status, inboxview.NewEmail(s.page(w, r, "New email · Inbox", "inbox"), d))
}
