package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/usererr"
	"agent/views/components"
	inboxview "agent/views/inbox"
	"agent/views/urls"
)

// inboxRoutes lists the inbox's routes.
func (s *Server) inboxRoutes(ws wsRoute) {
	ws("GET /w/{ws}/inbox", account.PermUseInbox, s.inboxPage)
	ws("GET /w/{ws}/inbox/list", account.PermUseInbox, s.inboxList)
	ws("GET /w/{ws}/inbox/events", account.PermUseInbox, s.inboxEvents)
	ws("POST /w/{ws}/inbox/presence", account.PermUseInbox, s.setPresence)
	ws("GET /w/{ws}/inbox/{conv}", account.PermUseInbox, s.conversationPage)
	ws("GET /w/{ws}/inbox/{conv}/parts", account.PermUseInbox, s.conversationParts)
	ws("GET /w/{ws}/inbox/{conv}/files/{file}", account.PermUseInbox, s.conversationFile)
	ws("GET /w/{ws}/inbox/{conv}/messages/{msg}/original", account.PermUseInbox, s.originalMail)
	ws("POST /w/{ws}/inbox/{conv}/reply", account.PermUseInbox, s.replyToConversation)
	ws("POST /w/{ws}/inbox/{conv}/note", account.PermUseInbox, s.noteOnConversation)
	ws("POST /w/{ws}/inbox/{conv}/assign", account.PermUseInbox, s.assignConversation)
	ws("POST /w/{ws}/inbox/{conv}/close", account.PermUseInbox, s.closeConversation)
	ws("POST /w/{ws}/inbox/{conv}/reopen", account.PermUseInbox, s.reopenConversation)
	s.inboxWorkRoutes(ws)
}

// inboxListLimit is how many conversations a page of the list shows.
const inboxListLimit = 100

// maxInboxPage bounds the page number, so that an address cannot ask for a huge OFFSET.
const maxInboxPage = 1000

// inboxFilter reads the list's filter from the query: a bad or foreign team, channel or
// agent ID is a 404 (false, response sent); a bad page number is the first page.
func (s *Server) inboxFilter(w http.ResponseWriter, r *http.Request, teams []account.Team) (inboxview.Filter, bool) {
	q := r.URL.Query()
	f := inboxview.Filter{View: inbox.View(q.Get("view")), Search: strings.Join(strings.Fields(q.Get("q")), " ")}
	if runes := []rune(f.Search); len(runes) > inboxview.MaxSearch {
		f.Search = strings.TrimSpace(string(runes[:inboxview.MaxSearch]))
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 && p <= maxInboxPage {
		f.Page = p
	}
	decode := func(name string) (int64, bool) {
		v := q.Get(name)
		if v == "" {
			return 0, true
		}
		id, ok := ids.Decode(v)
		if !ok {
			s.notFound(w, r)
		}
		return id, ok
	}
	var ok bool
	if f.ChannelID, ok = decode("channel"); !ok {
		return f, false
	}
	if f.AgentID, ok = decode("agent"); !ok {
		return f, false
	}
	if f.TagID, ok = decode("tag"); !ok {
		return f, false
	}
	switch f.View {
	case inbox.ViewUnassigned, inbox.ViewMine, inbox.ViewUnreplied, inbox.ViewUnread, inbox.ViewAll, inbox.ViewSnoozed, inbox.ViewClosed:
	case inbox.ViewTeam:
		if f.TeamID, ok = decode("team"); !ok {
			return f, false
		}
		known := false
		for _, t := range teams {
			known = known || t.ID == f.TeamID
		}
		if !known {
			s.notFound(w, r)
			return f, false
		}
	default:
		f.View = inboxview.DefaultView
	}
	return f, true
}

// listData loads the left pane for the filter, with conversation openID highlighted.
func (s *Server) listData(r *http.Request, f inboxview.Filter, teams []account.Team, openID int64) (inboxview.ListData, error) {
	ctx, v := r.Context(), visitOf(r)
	ws := v.workspace.ID
	d := inboxview.ListData{WS: ws, Filter: f, Teams: teams, OpenID: openID, Now: time.Now(), Agents: map[int64]string{}}
	teamIDs := make([]int64, len(teams))
	for i, t := range teams {
		teamIDs[i] = t.ID
	}
	var err error
	if d.Counts, err = s.inbox.Count(ctx, ws, v.user.ID, teamIDs); err != nil {
		return d, err
	}
	d.Items, err = s.inbox.List(ctx, ws, inbox.Filter{View: f.View, UserID: v.user.ID, TeamID: f.TeamID, ChannelID: f.ChannelID,
		AgentID: f.AgentID, TagID: f.TagID, Search: f.Search, Limit: inboxListLimit + 1, Offset: (f.PageNumber() - 1) * inboxListLimit})
	if err != nil {
		return d, err
	}
	if d.More = len(d.Items) > inboxListLimit; d.More {
		d.Items = d.Items[:inboxListLimit]
	}
	agents, err := s.agents.List(ctx, ws)
	if err != nil {
		return d, err
	}
	for _, a := range agents {
		d.Agents[a.ID] = a.Name
	}
	if d.People, err = s.people(r); err != nil {
		return d, err
	}
	return d, s.listWork(r, &d)
}

// people are the workspace's active members with their presence, online first.
func (s *Server) people(r *http.Request) ([]inboxview.Person, error) {
	ctx, ws := r.Context(), visitOf(r).workspace.ID
	members, err := s.accounts.Members(ctx, ws)
	if err != nil {
		return nil, err
	}
	var users []int64
	var names []string
	for _, m := range members {
		if !m.Disabled {
			users, names = append(users, m.ID), append(names, m.Name)
		}
	}
	ps, err := s.inbox.Presences(ctx, ws, users)
	if err != nil {
		return nil, err
	}
	var online, away []inboxview.Person
	for i, p := range ps {
		person := inboxview.Person{ID: p.UserID, Name: names[i], Online: p.Online, Capacity: p.Capacity, Open: p.Open}
		if p.Online {
			online = append(online, person)
		} else {
			away = append(away, person)
		}
	}
	return append(online, away...), nil
}

// inboxPage shows the views and the list, no conversation open.
func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) {
	s.renderInbox(w, r, http.StatusOK, nil)
}

// renderInbox renders the inbox page, with conv open beside the list when it is not nil.
func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, status int, conv *inboxview.ConvData) {
	s.renderInboxWith(w, r, status, conv, nil)
}

// renderInboxWith is renderInbox with more for the page (edit, when not nil, adds it).
func (s *Server) renderInboxWith(w http.ResponseWriter, r *http.Request, status int, conv *inboxview.ConvData, edit func(*inboxview.PageData)) {
	ctx, v := r.Context(), visitOf(r)
	ws := v.workspace.ID
	teams, err := s.accounts.Teams(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, ok := s.inboxFilter(w, r, teams)
	if !ok {
		return
	}
	var openID int64
	if conv != nil {
		openID = conv.Conv.ID
		conv.Filter = f
	}
	d := inboxview.PageData{Conv: conv, Back: r.URL.RequestURI()}
	if r.Method != http.MethodGet && conv != nil {
		d.Back = urls.Conversation(ws, openID) + f.Query()
	}
	if d.List, err = s.listData(r, f, teams, openID); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, p := range d.List.People {
		if p.ID == v.user.ID {
			d.Me = p
		}
	}
	if d.Me.ID == 0 { // a disabled member cannot be here; be safe anyway
		p, err := s.inbox.PresenceOf(ctx, ws, v.user.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Me = inboxview.Person{ID: v.user.ID, Name: v.user.Name, Online: p.Online, Capacity: p.Capacity, Open: p.Open}
	}
	if d.Channels, err = s.channels.List(ctx, ws); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Agents, err = s.agents.List(ctx, ws); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.assistData(r, &d); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.pageWork(r, &d); err != nil {
		s.serverError(w, r, err)
		return
	}
	if edit != nil {
		edit(&d)
	}
	title := "Inbox"
	if conv != nil {
		title = conv.Who() + " · Inbox"
	}
	s.render(w, r, status, inboxview.Page(s.page(w, r, title, "inbox"), d))
}

// inboxList is the list fragment (views with counts, the list, who is online), which the
// page reloads on live events.
func (s *Server) inboxList(w http.ResponseWriter, r *http.Request) {
	teams, err := s.accounts.Teams(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, ok := s.inboxFilter(w, r, teams)
	if !ok {
		return
	}
	var open int64
	if v := r.URL.Query().Get("open"); v != "" {
		open, _ = ids.Decode(v)
	}
	d, err := s.listData(r, f, teams, open)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	back := urls.Inbox(d.WS) + f.Query()
	if open != 0 {
		back = urls.Conversation(d.WS, open) + f.Query()
	}
	sw, err := s.autoSendData(r, back)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, inboxview.ListLive(d, sw))
}

// conversation loads the conversation named in the path: one of another workspace, a
// preview or a bad ID is a 404.
func (s *Server) conversation(w http.ResponseWriter, r *http.Request) (inbox.Conversation, bool) {
	id, ok := s.pathID(w, r, "conv")
	if !ok {
		return inbox.Conversation{}, false
	}
	return s.loadConversation(w, r, id)
}

// loadConversation loads conversation id of the workspace: one of another workspace or a
// preview is a 404 (false, response sent).
func (s *Server) loadConversation(w http.ResponseWriter, r *http.Request, id int64) (inbox.Conversation, bool) {
	c, err := s.inbox.Get(r.Context(), visitOf(r).workspace.ID, id)
	if errors.Is(err, inbox.ErrNotFound) || (err == nil && c.Preview) {
		s.notFound(w, r)
		return inbox.Conversation{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return inbox.Conversation{}, false
	}
	return c, true
}

// convData loads what the conversation's pane shows.
func (s *Server) convData(r *http.Request, c inbox.Conversation) (*inboxview.ConvData, error) {
	ctx, v := r.Context(), visitOf(r)
	ws := v.workspace.ID
	d := &inboxview.ConvData{WS: ws, Conv: c, CSRF: v.session.CSRFToken, Now: time.Now(), Feedback: map[int64]inbox.Feedback{},
		People: map[int64]string{}, TeamNames: map[int64]string{}, Reply: components.NewForm(), Note: components.NewForm(),
		Template: components.NewForm()}
	var err error
	if d.Messages, err = s.inbox.Messages(ctx, c.ID); err != nil {
		return nil, err
	}
	for _, m := range d.Messages {
		if m.AI == nil {
			continue
		}
		f, ok, err := s.inbox.FeedbackOf(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			d.Feedback[m.ID] = f
		}
	}
	if d.Automatic, err = s.inbox.Automatics(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Handoffs, err = s.inbox.Handoffs(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Members, err = s.accounts.Members(ctx, ws); err != nil {
		return nil, err
	}
	for _, m := range d.Members {
		d.People[m.ID] = m.Name
	}
	if d.Teams, err = s.accounts.Teams(ctx, ws); err != nil {
		return nil, err
	}
	for _, t := range d.Teams {
		d.TeamNames[t.ID] = t.Name
	}
	if c.AgentID != 0 {
		if a, err := s.agents.Get(ctx, ws, c.AgentID); err == nil {
			d.AgentName = a.Name
		} else if !errors.Is(err, agent.ErrNotFound) {
			return nil, err
		}
	}
	if c.ChannelID != 0 {
		if ch, err := s.channels.Get(ctx, ws, c.ChannelID); err == nil {
			d.ChannelName = ch.Name
		} else if !isNotFound(err) {
			return nil, err
		}
	}
	if err := s.contactData(ctx, d); err != nil {
		return nil, err
	}
	if err := s.fileData(ctx, d); err != nil {
		return nil, err
	}
	if err := s.replyWindow(ctx, d); err != nil {
		return nil, err
	}
	if err := s.convWork(r, d); err != nil {
		return nil, err
	}
	return d, nil
}

// markRead records that a person opened the conversation, and tells the other lists.
func (s *Server) markRead(r *http.Request, c *inbox.Conversation) error {
	if !c.Unread {
		return nil
	}
	if err := s.inbox.MarkRead(r.Context(), c.WorkspaceID, c.ID); err != nil {
		return err
	}
	c.Unread = false
	s.service.Hub.Publish(c.WorkspaceID, inbox.Event{Kind: inbox.EventConversation, ConversationID: c.ID})
	return nil
}

// conversationPage shows a conversation beside the list, and marks it read.
func (s *Server) conversationPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if err := s.markRead(r, &c); err != nil {
		s.serverError(w, r, err)
		return
	}
	// Opened: the assistant stays out of it from now on (assist.go).
	if err := s.inbox.Viewing(r.Context(), c.WorkspaceID, visitOf(r).user.ID, c.ID, true); err != nil {
		s.serverError(w, r, err)
		return
	}
	d, err := s.convData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderInbox(w, r, http.StatusOK, d)
}

// conversationParts is the conversation's header and transcript, which the page reloads on
// live events; with read=1 (the page is in view) it marks the conversation read.
func (s *Server) conversationParts(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("read") == "1" {
		if err := s.markRead(r, &c); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	d, err := s.convData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, inboxview.ConvParts(*d))
}

// backToConversation redirects to the conversation, keeping the list's filter.
func (s *Server) backToConversation(w http.ResponseWriter, r *http.Request, c inbox.Conversation, flash string) {
	to := urls.Conversation(c.WorkspaceID, c.ID)
	if q := r.URL.Query().Encode(); q != "" {
		to += "?" + q
	}
	if flash != "" {
		s.redirectWithFlash(w, r, to, "ok", flash)
		return
	}
	s.redirect(w, r, to)
}

// replyToConversation sends a person's reply to the customer.
func (s *Server) replyToConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("message")
	used, _ := ids.Decode(r.PostFormValue("suggestion")) // the suggestion it was written from, if any
	files, err := s.replyFiles(r, c)
	if err == nil {
		if strings.TrimSpace(text) == "" && len(files) > 0 {
			text = fileNotice(files)
		}
		_, err = s.service.ReplyWith(r.Context(), c.WorkspaceID, c.ID, visitOf(r).user.ID, text, used, s.storeFiles(r.Context(), c.WorkspaceID, files))
	}
	if err != nil {
		s.conversationFormError(w, r, c, err, "message", text)
		return
	}
	s.backToConversation(w, r, c, "")
}

// noteOnConversation adds an internal note.
func (s *Server) noteOnConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("note")
	if _, err := s.service.Note(r.Context(), c.WorkspaceID, c.ID, visitOf(r).user.ID, text); err != nil {
		s.conversationFormError(w, r, c, err, "note", text)
		return
	}
	s.backToConversation(w, r, c, "")
}

// conversationFormError shows the conversation again with the reply (field "message"),
// note (field "note") or template (field "params") box as typed and its error.
func (s *Server) conversationFormError(w http.ResponseWriter, r *http.Request, c inbox.Conversation, err error, field, text string) {
	_, msg, ok := userMessage(err)
	if !ok {
		s.domainError(w, r, err)
		return
	}
	d, derr := s.convData(r, c)
	if derr != nil {
		s.serverError(w, r, derr)
		return
	}
	f := components.NewForm()
	f.Values[field], f.Errors[field] = text, msg
	switch field {
	case "note":
		d.Note = f
	case "params": // a WhatsApp template's (meta.go)
		d.Template = f
	default:
		d.Reply = f
	}
	w.Header().Set("HX-Push-Url", urls.Conversation(c.WorkspaceID, c.ID)+queryOf(r))
	s.renderInbox(w, r, http.StatusUnprocessableEntity, d)
}

func queryOf(r *http.Request) string {
	if q := r.URL.Query().Encode(); q != "" {
		return "?" + q
	}
	return ""
}

// assignConversation gives the conversation to a member or a team, or to no one.
func (s *Server) assignConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	var userID, teamID int64
	choice := r.PostFormValue("assignee")
	if r.PostFormValue("unassign") == "" && choice != "" {
		kind, id, _ := strings.Cut(choice, "-")
		n, ok := ids.Decode(id)
		switch {
		case ok && kind == "user":
			userID = n
		case ok && kind == "team":
			teamID = n
		default:
			s.fail(w, r, http.StatusUnprocessableEntity, "Choose a member or a team of this workspace.")
			return
		}
	}
	err := s.service.Assign(r.Context(), c.WorkspaceID, c.ID, visitOf(r).user.ID, userID, teamID)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	if c, err = s.inbox.Get(r.Context(), c.WorkspaceID, c.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	d, err := s.convData(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	msg := "Assigned to " + d.Owner() + "."
	if userID == 0 && teamID == 0 {
		msg = "Unassigned: the conversation waits in Unassigned."
	}
	s.backToConversation(w, r, c, msg)
}

func (s *Server) closeConversation(w http.ResponseWriter, r *http.Request) {
	s.setConversationStatus(w, r, true)
}

func (s *Server) reopenConversation(w http.ResponseWriter, r *http.Request) {
	s.setConversationStatus(w, r, false)
}

func (s *Server) setConversationStatus(w http.ResponseWriter, r *http.Request, closed bool) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if closed && c.Awaiting && c.Status == "open" && r.PostFormValue("confirmed") != "1" {
		// The customer wrote last: ask before leaving them without a reply.
		d, err := s.convData(r, c)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Work.ConfirmClose = true
		w.Header().Set("HX-Push-Url", urls.Conversation(c.WorkspaceID, c.ID)+queryOf(r))
		s.renderInbox(w, r, http.StatusOK, d)
		return
	}
	if err := s.service.SetStatus(r.Context(), c.WorkspaceID, c.ID, closed); err != nil {
		s.domainError(w, r, err)
		return
	}
	msg := "Conversation reopened."
	if closed {
		msg = "Conversation closed."
	}
	s.backToConversation(w, r, c, msg)
}

// setPresence sets the signed-in person online or away (field online, "1" or "0") and/or
// their capacity, then returns to the page they were on.
func (s *Server) setPresence(w http.ResponseWriter, r *http.Request) {
	ctx, v := r.Context(), visitOf(r)
	ws := v.workspace.ID
	back := inboxBack(r)
	var said []string
	if on := r.PostFormValue("online"); on == "1" || on == "0" {
		if err := s.service.SetOnline(ctx, ws, v.user.ID, on == "1"); err != nil {
			s.serverError(w, r, err)
			return
		}
		said = append(said, map[bool]string{true: "You are online: conversations can be assigned to you.",
			false: "You are away: no conversations are assigned to you."}[on == "1"])
	}
	if c := strings.TrimSpace(r.PostFormValue("capacity")); c != "" {
		n, err := strconv.Atoi(c)
		if err == nil {
			err = s.service.SetCapacity(ctx, ws, v.user.ID, n)
		} else {
			err = &usererr.InputError{Field: "capacity", Message: "choose between 1 and 100"}
		}
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, back, "error", "Capacity: "+uncapitalize(msg)+".")
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		said = append(said, fmt.Sprintf("You take at most %d open conversations.", n))
	}
	if len(said) == 0 {
		s.redirect(w, r, back)
		return
	}
	s.redirectWithFlash(w, r, back, "ok", strings.Join(said, " "))
}

// inboxBack is the inbox page a form of the inbox's header returns to (field back), an
// address of this workspace's inbox only.
func inboxBack(r *http.Request) string {
	ws := visitOf(r).workspace.ID
	back := safeNext(r.PostFormValue("back"))
	if !strings.HasPrefix(back, urls.Inbox(ws)) {
		back = urls.Inbox(ws)
	}
	return back
}

// inboxEvents streams the workspace's changes to an inbox page: "change" when a
// conversation got a message or changed (the list reloads), "presence" when someone went
// online or away. With conv=ID, the conversation open on the page, it also sends that
// conversation's "message" (internal notes included: this is the staff's stream), "token"
// for each piece of an AI reply being written, and "conversation" when its assignment or
// status changed, and "typing" while the customer types. One stream per page, as a browser opens at most six HTTP/1.1
// connections to a host; the workspace's topic carries every conversation's events.
func (s *Server) inboxEvents(w http.ResponseWriter, r *http.Request) {
	var open int64
	if v := r.URL.Query().Get("conv"); v != "" {
		id, ok := ids.Decode(v)
		if !ok {
			s.notFound(w, r)
			return
		}
		c, ok := s.loadConversation(w, r, id)
		if !ok {
			return
		}
		open = c.ID
	}
	user := strconv.FormatInt(visitOf(r).user.ID, 10)
	if !s.inboxStreams.Take(user) {
		w.Header().Set("Retry-After", streamRetry)
		s.fail(w, r, http.StatusTooManyRequests, "The inbox is open in too many tabs. Close some and reload this one.")
		return
	}
	release := func() {
		s.inboxStreams.Release(user)
		if open != 0 {
			s.leftConversation(visitOf(r).workspace.ID, visitOf(r).user.ID, open)
		}
	}
	s.stream(w, r, inbox.Topic{Workspace: visitOf(r).workspace.ID}, release, nil, func(_ context.Context, out sse, e inbox.Event) error {
		if e.Kind == inbox.EventPresence {
			return out.event("presence", "")
		}
		if e.Kind == inbox.EventTyping {
			if e.ConversationID == open && e.Typer == inbox.TyperVisitor {
				return out.event("typing", typingJSON{Stopped: e.Stopped})
			}
			return nil
		}
		if e.Kind != inbox.EventToken {
			if err := out.event("change", map[string]string{"conversation": ids.Encode(e.ConversationID), "kind": string(e.Kind)}); err != nil {
				return err
			}
		}
		if open == 0 || e.ConversationID != open {
			return nil
		}
		switch e.Kind {
		case inbox.EventMessage:
			return out.event("message", map[string]any{"id": ids.Encode(e.MessageID), "staff": e.Staff})
		case inbox.EventToken:
			return out.event("token", e.Token)
		case inbox.EventConversation:
			return out.event("conversation", "")
		}
		return nil
	})
}
