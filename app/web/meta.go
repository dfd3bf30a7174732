package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/meta"
	"agent/app/inbox"
	"agent/app/ratelimit"
	"agent/app/usererr"
	"agent/views/channels"
	"agent/views/components"
	inboxview "agent/views/inbox"
	"agent/views/urls"
)

// metaHookPrefix is where Meta posts the webhooks of WhatsApp and Messenger channels:
// /hooks/meta/{channel's public key}. They carry their own proof (a signature) instead
// of a session's CSRF token.
const metaHookPrefix = "/hooks/meta/"

// metaRoutes are the pages that connect WhatsApp and Messenger channels to Meta, and the
// webhook Meta calls.
func (s *Server) metaRoutes(public route, ws wsRoute) {
	ws("POST /w/{ws}/channels/whatsapp", account.PermManageChannels, s.createMetaChannel(channel.WhatsApp))
	ws("POST /w/{ws}/channels/messenger", account.PermManageChannels, s.createMetaChannel(channel.Messenger))
	ws("GET /w/{ws}/channels/{channel}/meta", account.PermManageChannels, s.metaPage)
	ws("POST /w/{ws}/channels/{channel}/meta", account.PermManageChannels, s.saveMeta)
	ws("POST /w/{ws}/channels/{channel}/meta/test", account.PermManageChannels, s.testMeta)
	ws("POST /w/{ws}/inbox/{conv}/template", account.PermUseInbox, s.sendTemplate)
	public("GET "+metaHookPrefix+"{key}", s.verifyMetaHook)
	public("POST "+metaHookPrefix+"{key}", s.metaHook)
}

// newMetaReceiver is the webhook's receiver, which queues events on the deliveries' job
// runner; nil without one (the webhook is then 404).
func (s *Server) newMetaReceiver() *meta.Receiver {
	if s.deliveries == nil {
		return nil
	}
	return &meta.Receiver{DB: s.db, Channels: s.channels, Settings: meta.NewStore(s.db), Jobs: s.deliveries.Jobs, Log: s.log,
		Limiter: ratelimit.New(s.cfg.Meta.WebhookRequestsPerMinute, time.Minute)}
}

func (s *Server) graph() *meta.Graph {
	return &meta.Graph{BaseURL: s.cfg.Meta.GraphURL, Version: s.cfg.Meta.GraphVersion}
}

func (s *Server) createMetaChannel(kind channel.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.createKindChannel(w, r, kind, "meta", "Connect it to Meta.")
	}
}

// metaChannel loads the WhatsApp or Messenger channel named in the path; any other kind is a 404.
func (s *Server) metaChannel(w http.ResponseWriter, r *http.Request) (channel.Channel, bool) {
	c, ok := s.channel(w, r)
	if ok && c.Kind != channel.WhatsApp && c.Kind != channel.Messenger {
		s.notFound(w, r)
		return c, false
	}
	return c, ok
}

// metaData is the page of channel c with its stored settings (the secrets only hinted).
func (s *Server) metaData(r *http.Request, c channel.Channel) (channels.MetaData, meta.Settings, error) {
	d := channels.MetaData{Channel: c, Form: components.NewForm(), Now: time.Now(),
		WebhookURL: s.publicBaseURL(r) + metaHookPrefix + c.PublicKey}
	set, err := meta.NewStore(s.db).Get(r.Context(), c.ID)
	if errors.Is(err, meta.ErrNotSet) {
		return d, set, nil
	}
	if err != nil {
		return d, set, err
	}
	d.TokenHint, d.SecretHint, d.VerifyToken, d.VerifiedAt = mailbox.Hint(set.AccessToken), mailbox.Hint(set.AppSecret), set.VerifyToken, set.VerifiedAt
	d.Form.Values["account_id"], d.Form.Values["business_id"], d.Form.Values["templates"] = set.AccountID, set.BusinessID, meta.FormatTemplates(set.Templates)
	if d.Activity, err = meta.RecentActivity(r.Context(), s.db, c.ID, 10); err != nil {
		return d, set, err
	}
	return d, set, nil
}

func (s *Server) renderMeta(w http.ResponseWriter, r *http.Request, status int, d channels.MetaData) {
	s.render(w, r, status, channels.MetaPage(s.page(w, r, d.Channel.Name+" · Connection", "channels"), d))
}

func (s *Server) metaPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.metaChannel(w, r)
	if !ok {
		return
	}
	d, _, err := s.metaData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderMeta(w, r, http.StatusOK, d)
}

func (s *Server) saveMeta(w http.ResponseWriter, r *http.Request) {
	c, ok := s.metaChannel(w, r)
	if !ok {
		return
	}
	d, _, err := s.metaData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Form = formOf(r, "account_id", "business_id", "templates")
	set := meta.Settings{ChannelID: c.ID, AccountID: d.Form.Value("account_id"), BusinessID: d.Form.Value("business_id"),
		AccessToken: r.PostFormValue("access_token"), AppSecret: r.PostFormValue("app_secret")}
	if c.Kind == channel.WhatsApp {
		set.Templates, err = meta.ParseTemplates(d.Form.Value("templates"))
	}
	if err == nil {
		_, err = meta.NewStore(s.db).Save(r.Context(), c.Kind, set)
	}
	if err != nil {
		if !addError(&d.Form, err) {
			s.domainError(w, r, err)
			return
		}
		s.renderMeta(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	s.redirectWithFlash(w, r, urls.Channel(c.WorkspaceID, c.ID, "meta"), "ok", "Connection saved. Set the webhook in Meta's console, then test it.")
}

// testMeta checks the stored token against the Graph API and shows the webhook's state.
func (s *Server) testMeta(w http.ResponseWriter, r *http.Request) {
	c, ok := s.metaChannel(w, r)
	if !ok {
		return
	}
	d, set, err := s.metaData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if set.ChannelID == 0 {
		s.redirectWithFlash(w, r, urls.Channel(c.WorkspaceID, c.ID, "meta"), "error", "Save the connection first.")
		return
	}
	d.Tested, d.Check = true, meta.Test(r.Context(), s.graph(), c.Kind, set)
	s.renderMeta(w, r, http.StatusOK, d)
}

// verifyMetaHook answers Meta's check of the webhook URL with its challenge.
func (s *Server) verifyMetaHook(w http.ResponseWriter, r *http.Request) {
	if s.metaHooks == nil {
		s.notFound(w, r)
		return
	}
	q := r.URL.Query()
	challenge, err := s.metaHooks.Verify(r.Context(), r.PathValue("key"), q.Get("hub.mode"), q.Get("hub.verify_token"), q.Get("hub.challenge"))
	if err != nil {
		s.metaHookError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, challenge)
}

// metaHook takes a webhook event: its raw body, signature checked, stored; 200 at once.
func (s *Server) metaHook(w http.ResponseWriter, r *http.Request) {
	if s.metaHooks == nil {
		s.notFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, meta.MaxBody))
	if err != nil {
		s.bodyError(w, r, err)
		return
	}
	if err := s.metaHooks.Receive(r.Context(), r.PathValue("key"), r.Header.Get("X-Hub-Signature-256"), body); err != nil {
		s.metaHookError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// metaHookError answers a refused webhook request with a status and no detail: the
// receiver has logged why.
func (s *Server) metaHookError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, meta.ErrNoChannel):
		status = http.StatusNotFound
	case errors.Is(err, meta.ErrSignature):
		status = http.StatusUnauthorized
	case errors.Is(err, meta.ErrVerify):
		status = http.StatusForbidden
	case errors.Is(err, meta.ErrLimited):
		status = http.StatusTooManyRequests
	case errors.Is(err, meta.ErrShape):
		status = http.StatusBadRequest
	default:
		s.log.Error("webhook", "path", r.URL.Path, "err", err)
	}
	http.Error(w, http.StatusText(status), status)
}

// replyWindow adds to a WhatsApp or Messenger conversation's page where it stands with the
// reply window, and the channel's templates.
func (s *Server) replyWindow(ctx context.Context, d *inboxview.ConvData) error {
	kind := channel.Kind(d.Conv.Channel)
	if (kind != channel.WhatsApp && kind != channel.Messenger) || d.Contact.ID == 0 {
		return nil
	}
	win, err := meta.ReplyWindow(ctx, s.db, kind, d.Conv.ChannelID, d.Contact.ID, d.Now)
	if err != nil {
		return err
	}
	d.Window = &inboxview.ReplyWindow{Kind: kind, Window: win}
	set, err := meta.NewStore(s.db).Get(ctx, d.Conv.ChannelID)
	if err == nil {
		d.Window.Templates = set.Templates
	} else if !errors.Is(err, meta.ErrNotSet) {
		return err
	}
	return nil
}

// sendTemplate sends one of the channel's WhatsApp templates as a person's reply.
func (s *Server) sendTemplate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if channel.Kind(c.Channel) != channel.WhatsApp {
		s.notFound(w, r)
		return
	}
	params := r.PostFormValue("params")
	tpl, err := s.chosenTemplate(r, c)
	if err == nil {
		_, err = s.service.HumanReplyWith(r.Context(), c.WorkspaceID, c.ID, visitOf(r).user.ID, meta.TemplateText(tpl), meta.RecordTemplate(r.Context(), tpl))
	}
	if err != nil {
		s.conversationFormError(w, r, c, err, "params", params)
		return
	}
	s.backToConversation(w, r, c, "")
}

// chosenTemplate is the template and parameters a person chose, checked against the
// channel's templates.
func (s *Server) chosenTemplate(r *http.Request, c inbox.Conversation) (meta.TemplateMessage, error) {
	set, err := meta.NewStore(s.db).Get(r.Context(), c.ChannelID)
	if err != nil {
		return meta.TemplateMessage{}, err
	}
	name, lang, _ := strings.Cut(r.PostFormValue("template"), " ")
	t, ok := set.Template(name, lang)
	if !ok {
		return meta.TemplateMessage{}, &usererr.InputError{Field: "template", Message: "choose one of the channel's templates"}
	}
	var params []string
	for _, p := range strings.Split(r.PostFormValue("params"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			params = append(params, p)
		}
	}
	if len(params) != t.Params {
		return meta.TemplateMessage{}, &usererr.InputError{Field: "params", Message: "this template takes " + meta.Parameters(t.Params) + ", one a line"}
	}
	return meta.TemplateMessage{Name: t.Name, Lang: t.Lang, Params: params}, nil
}
