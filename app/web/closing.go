package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/closing"
	"agent/app/knowledge"
	"agent/app/quote"
	closingview "agent/views/closing"
	"agent/views/components"
	"agent/views/urls"
)

// closingRoutes are the closing agent's settings: only the install's super admins, and
// only in a workspace they belong to, may open them (superAdminHere); the closing store
// checks the super admin again on every change.
func (s *Server) closingRoutes(super wsRoute) {
	super("GET /w/{ws}/closing-agent", 0, s.closingPage)
	super("POST /w/{ws}/closing-agent", 0, s.saveClosing)
	super("POST /w/{ws}/closing-agent/activate", 0, s.activateClosing)
	super("POST /w/{ws}/closing-agent/deactivate", 0, s.deactivateClosing)
	super("GET /w/{ws}/closing-agent/avatar", 0, s.closingAvatar)
	super("POST /w/{ws}/closing-agent/avatar", 0, s.uploadClosingAvatar)
}

// superAdminHere lets through only the install's super admins (after inWorkspace).
func (s *Server) superAdminHere(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !visitOf(r).user.SuperAdmin {
			s.fail(w, r, http.StatusForbidden, "Only the install's super admins can configure the closing agent.")
			return
		}
		next(w, r)
	}
}

// newResponder is the closing agent answering quotes' conversations, citing each quote's
// public page.
func newResponder(s *Server) *closing.Responder {
	page := func(ctx context.Context, q quote.Quote) string {
		token, err := s.quotes.Token(ctx, q)
		if err != nil {
			s.log.Warn("the quote's link for a citation", "quote", q.ID, "err", err)
			return ""
		}
		return quote.PagePath(token)
	}
	return &closing.Responder{Settings: s.closing, Engine: s.engine, Quotes: closing.Stored{Quotes: s.quotes, URL: page}}
}

// activeCloser returns the workspace's closing agent when it is active.
func (s *Server) activeCloser(ctx context.Context, workspaceID int64) (closing.Settings, bool) {
	st, err := s.closing.Get(ctx, workspaceID)
	if err != nil && !errors.Is(err, closing.ErrNotFound) {
		s.log.Warn("the closing agent's settings", "workspace", workspaceID, "err", err)
	}
	return st, err == nil && st.Active
}

// quoteCloser returns the closing agent that answers the chat of a quote's page (a widget
// request with a quote), when there is one.
func (s *Server) quoteCloser(ctx context.Context, wr *widgetRequest) (closing.Settings, bool) {
	if wr.quoteID == 0 {
		return closing.Settings{}, false
	}
	return s.activeCloser(ctx, wr.ch.WorkspaceID)
}

// closerWelcome is what the quote page's chat shows first: the welcome, then the
// first-action message.
func closerWelcome(st closing.Settings) string {
	return strings.TrimSpace(st.Welcome + "\n\n" + st.FirstAction)
}

func (s *Server) actor(r *http.Request) closing.Actor {
	u := visitOf(r).user
	return closing.Actor{ID: u.ID, SuperAdmin: u.SuperAdmin}
}

// closingFields are the settings form's single-valued fields.
var closingFields = []string{"name", "inbox_choice", "inbox", "new_inbox", "to_owner", "unavailable_one", "unavailable_all",
	"welcome", "first_action", "quick_replies", "trust", "sources", "handoff", "teams"}

func (s *Server) closingPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.closing.Get(r.Context(), visitOf(r).workspace.ID)
	saved := err == nil
	if err != nil && !errors.Is(err, closing.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	f := components.NewForm()
	f.Values = map[string]string{"name": st.Name, "to_owner": checked(st.ToOwner || !saved), "unavailable_one": st.UnavailableOne,
		"unavailable_all": st.UnavailableAll, "welcome": st.Welcome, "first_action": st.FirstAction,
		"quick_replies": strings.Join(st.QuickReplies, "\n"), "trust": string(st.Trust), "inbox_choice": "existing"}
	if st.InboxChannelID != 0 {
		f.Values["inbox"] = urls.ID(st.InboxChannelID)
	}
	if !saved {
		f.Values["name"], f.Values["trust"] = "Closing agent", string(agent.TrustBalanced)
	}
	s.renderClosing(w, r, http.StatusOK, closingview.Data{Settings: st, Saved: saved, Form: f, Avatar: components.NewForm(),
		Chosen: st.SourceIDs, TeamIDs: st.TeamIDs})
}

// renderClosing shows the settings page with d's form, filling in the choices.
func (s *Server) renderClosing(w http.ResponseWriter, r *http.Request, status int, d closingview.Data) {
	ctx, ws := r.Context(), visitOf(r).workspace.ID
	var err error
	if d.Settings.WorkspaceID == 0 {
		if d.Settings, err = s.closing.Get(ctx, ws); err == nil {
			d.Saved = true
		} else if !errors.Is(err, closing.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
	}
	if d.Sources, _, err = s.knowledge.List(ctx, ws, knowledge.ListFilter{Limit: agentSourceChoices}); err != nil {
		s.serverError(w, r, err)
		return
	}
	slices.SortStableFunc(d.Sources, func(a, b knowledge.Source) int {
		return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	if d.Teams, err = s.accounts.Teams(ctx, ws); err != nil {
		s.serverError(w, r, err)
		return
	}
	chans, err := s.channels.List(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, ch := range chans {
		if ch.Kind == channel.Chat {
			d.Inboxes = append(d.Inboxes, ch)
		}
	}
	s.render(w, r, status, closingview.Page(s.page(w, r, "Closing agent", "closing-agent"), d))
}

func (s *Server) saveClosing(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, closingFields...)
	sources, ok := s.formIDs(w, r, "source")
	if !ok {
		return
	}
	teams, ok := s.formIDs(w, r, "team")
	if !ok {
		return
	}
	in := closing.Input{Name: f.Value("name"), ToOwner: f.Value("to_owner") == "1", TeamIDs: teams, SourceIDs: sources,
		UnavailableOne: f.Value("unavailable_one"), UnavailableAll: f.Value("unavailable_all"), Welcome: f.Value("welcome"),
		FirstAction: f.Value("first_action"), QuickReplies: strings.Split(f.Value("quick_replies"), "\n"), Trust: agent.Trust(f.Value("trust"))}
	if f.Value("inbox_choice") == "new" {
		in.NewInbox = f.Value("new_inbox")
	} else if v := f.Value("inbox"); v != "" {
		ids, ok := s.formIDs(w, r, "inbox")
		if !ok {
			return
		}
		in.InboxChannelID = ids[0]
	}
	ws := visitOf(r).workspace.ID
	if _, err := s.closing.Save(r.Context(), s.actor(r), ws, in); err != nil {
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.renderClosing(w, r, http.StatusUnprocessableEntity, closingview.Data{Form: f, Avatar: components.NewForm(), Chosen: sources, TeamIDs: teams})
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "ok", "Closing agent saved.")
}

func (s *Server) activateClosing(w http.ResponseWriter, r *http.Request) {
	s.setClosingActive(w, r, true)
}
func (s *Server) deactivateClosing(w http.ResponseWriter, r *http.Request) {
	s.setClosingActive(w, r, false)
}

func (s *Server) setClosingActive(w http.ResponseWriter, r *http.Request, on bool) {
	ws := visitOf(r).workspace.ID
	err := s.closing.SetActive(r.Context(), s.actor(r), ws, on)
	switch {
	case errors.Is(err, closing.ErrNotFound):
		s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "error", "Create the closing agent first.")
	case err != nil:
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "error", msg)
			return
		}
		s.serverError(w, r, err)
	case on:
		s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "ok", "The closing agent is active.")
	default:
		s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "ok", "The closing agent is deactivated.")
	}
}

func (s *Server) closingAvatar(w http.ResponseWriter, r *http.Request) {
	img, ct, err := s.closing.Avatar(r.Context(), visitOf(r).workspace.ID)
	if errors.Is(err, closing.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeAvatar(w, r, img, ct)
}

func (s *Server) uploadClosingAvatar(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(maxMultipartMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.bodyError(w, r, err)
		return
	}
	ws := visitOf(r).workspace.ID
	img, err := avatarUpload(r, closing.MaxAvatar)
	if err == nil {
		err = s.closing.SetAvatar(r.Context(), s.actor(r), ws, img)
	}
	if errors.Is(err, closing.ErrNotFound) {
		s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "error", "Create the closing agent first.")
		return
	}
	if err != nil {
		if _, msg, ok := userMessage(err); ok {
			s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "error", msg)
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(ws, "closing-agent"), "ok", "New picture saved.")
}
