package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/views/channels"
	"agent/views/components"
	"agent/views/urls"
)

// mailboxRoutes are the pages that connect an email channel to its mailbox.
func (s *Server) mailboxRoutes(ws wsRoute) {
	ws("GET /w/{ws}/channels/{channel}/mailbox", account.PermManageChannels, s.mailboxPage)
	ws("POST /w/{ws}/channels/{channel}/mailbox", account.PermManageChannels, s.saveMailbox)
	ws("POST /w/{ws}/channels/{channel}/mailbox/test", account.PermManageChannels, s.testMailbox)
	ws("POST /w/{ws}/channels/email", account.PermManageChannels, s.createEmailChannel)
}

// createEmailChannel adds an email channel and leads on to its mailbox.
func (s *Server) createEmailChannel(w http.ResponseWriter, r *http.Request) {
	s.createKindChannel(w, r, channel.Email, "mailbox", "Connect its mailbox.")
}

// createKindChannel adds a channel of a kind that is set up on a page of its own (next),
// answered by the workspace's AI agent when exactly one is active, and leads on to it.
func (s *Server) createKindChannel(w http.ResponseWriter, r *http.Request, kind channel.Kind, next, what string) {
	ctx, ws := r.Context(), visitOf(r).workspace.ID
	agents, err := s.agents.List(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	in := channel.Input{Kind: kind, Name: r.PostFormValue("name"), Active: true}
	var active []int64
	for _, a := range agents {
		if a.Active {
			active = append(active, a.ID)
		}
	}
	if len(active) == 1 {
		in.AgentID = active[0]
	}
	c, err := s.channels.Create(ctx, ws, in)
	if err != nil {
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, urls.Channels(ws), "error", msg)
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Channel(ws, c.ID, next), "ok", channels.KindLabel(kind)+" channel "+c.Name+" added. "+what)
}

// emailChannel loads the email channel named in the path; any other kind is a 404.
func (s *Server) emailChannel(w http.ResponseWriter, r *http.Request) (channel.Channel, bool) {
	c, ok := s.channel(w, r)
	if ok && c.Kind != channel.Email {
		s.notFound(w, r)
		return c, false
	}
	return c, ok
}

// mailboxData is the page of channel c with its stored settings (the passwords only hinted).
func (s *Server) mailboxData(r *http.Request, c channel.Channel) (channels.MailboxData, mailbox.Settings, error) {
	d := channels.MailboxData{Channel: c, Form: components.NewForm()}
	set, err := mailbox.NewStore(s.db).Get(r.Context(), c.ID)
	if errors.Is(err, mailbox.ErrNotSet) {
		set = mailbox.Settings{IMAP: mailbox.Server{Port: 993, Security: mailbox.TLS}, SMTP: mailbox.Server{Port: 465, Security: mailbox.TLS},
			Folder: "INBOX", Poll: time.Minute}
	} else if err != nil {
		return d, set, err
	}
	d.IMAPHint, d.SMTPHint = mailbox.Hint(set.IMAP.Password), mailbox.Hint(set.SMTP.Password)
	v := d.Form.Values
	v["address"], v["from_name"], v["folder"], v["poll"] = set.Address, set.FromName, set.Folder, strconv.Itoa(int(set.Poll/time.Second))
	for prefix, sv := range map[string]mailbox.Server{"imap_": set.IMAP, "smtp_": set.SMTP} {
		v[prefix+"host"], v[prefix+"port"], v[prefix+"security"], v[prefix+"user"] = sv.Host, strconv.Itoa(sv.Port), string(sv.Security), sv.User
	}
	return d, set, nil
}

func (s *Server) mailboxPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.emailChannel(w, r)
	if !ok {
		return
	}
	d, _, err := s.mailboxData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, channels.Mailbox(s.page(w, r, c.Name+" · Mailbox", "channels"), d))
}

func (s *Server) saveMailbox(w http.ResponseWriter, r *http.Request) {
	c, ok := s.emailChannel(w, r)
	if !ok {
		return
	}
	d, _, err := s.mailboxData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Form = formOf(r, "address", "from_name", "folder", "poll", "imap_host", "imap_port", "imap_security", "imap_user",
		"smtp_host", "smtp_port", "smtp_security", "smtp_user")
	f := d.Form
	port := func(name string) int { n, _ := strconv.Atoi(f.Value(name)); return n }
	poll, _ := strconv.Atoi(f.Value("poll"))
	set := mailbox.Settings{ChannelID: c.ID, Address: f.Value("address"), FromName: f.Value("from_name"), Folder: f.Value("folder"),
		Poll: time.Duration(poll) * time.Second,
		IMAP: mailbox.Server{Host: f.Value("imap_host"), Port: port("imap_port"), Security: mailbox.Security(f.Value("imap_security")),
			User: f.Value("imap_user"), Password: r.PostFormValue("imap_password")},
		SMTP: mailbox.Server{Host: f.Value("smtp_host"), Port: port("smtp_port"), Security: mailbox.Security(f.Value("smtp_security")),
			User: f.Value("smtp_user"), Password: r.PostFormValue("smtp_password")}}
	if poll == 0 {
		set.Poll = time.Second // refused with the field's message, not taken as the default
	}
	if _, err := mailbox.NewStore(s.db).Save(r.Context(), set); err != nil {
		if !addError(&d.Form, err) {
			s.domainError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, channels.Mailbox(s.page(w, r, c.Name+" · Mailbox", "channels"), d))
		return
	}
	s.redirectWithFlash(w, r, urls.Channel(c.WorkspaceID, c.ID, "mailbox"), "ok", "Mailbox saved. Test the connection to see that it works.")
}

// testMailbox connects to the stored servers and shows what worked and what failed.
func (s *Server) testMailbox(w http.ResponseWriter, r *http.Request) {
	c, ok := s.emailChannel(w, r)
	if !ok {
		return
	}
	d, set, err := s.mailboxData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if set.ChannelID == 0 {
		s.redirectWithFlash(w, r, urls.Channel(c.WorkspaceID, c.ID, "mailbox"), "error", "Save the mailbox first.")
		return
	}
	check := mailbox.Test(r.Context(), set, mailbox.NewNetwork(s.cfg.Email.AllowPrivateHosts))
	d.Tested, d.Messages = true, check.Messages
	if check.IMAP != nil {
		d.IMAPError = check.IMAP.Error()
	}
	if check.SMTP != nil {
		d.SMTPError = check.SMTP.Error()
	}
	s.render(w, r, http.StatusOK, channels.Mailbox(s.page(w, r, c.Name+" · Mailbox", "channels"), d))
}
