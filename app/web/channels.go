package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/usererr"
	channelsview "agent/views/channels"
	"agent/views/components"
	"agent/views/urls"
)

// channelRoutes lists the routes of the Channels section.
func (s *Server) channelRoutes(ws wsRoute) {
	ws("GET /w/{ws}/channels", account.PermManageChannels, s.channelsPage)
	ws("GET /w/{ws}/channels/new", account.PermManageChannels, s.newChannelPage)
	ws("POST /w/{ws}/channels", account.PermManageChannels, s.createChannel)
	ws("GET /w/{ws}/channels/{channel}", account.PermManageChannels, s.channelPage)
	ws("POST /w/{ws}/channels/{channel}", account.PermManageChannels, s.updateChannel)
	ws("POST /w/{ws}/channels/{channel}/delete", account.PermManageChannels, s.deleteChannel)
	ws("POST /w/{ws}/channels/{channel}/secret", account.PermManageChannels, s.rotateSecret)
}

func (s *Server) channelsPage(w http.ResponseWriter, r *http.Request) {
	ctx, ws := r.Context(), visitOf(r).workspace.ID
	list, err := s.channels.List(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := channelsview.Names{Agents: map[int64]string{}, People: map[int64]string{}, Teams: map[int64]string{}}
	agents, err := s.agents.List(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, a := range agents {
		names.Agents[a.ID] = a.Name
	}
	members, err := s.accounts.Members(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, m := range members {
		names.People[m.ID] = m.Name
	}
	teams, err := s.accounts.Teams(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, t := range teams {
		names.Teams[t.ID] = t.Name
	}
	d := channelsview.ListData{Channels: list, Names: names}
	s.render(w, r, http.StatusOK, channelsview.List(s.page(w, r, "Channels", "channels"), d))
}

// channelForm shows the page of a new chat widget (c.ID == 0) or of c, with status and f
// as they are and users and teams checked as handoff targets.
func (s *Server) channelForm(w http.ResponseWriter, r *http.Request, status int, c channel.Channel, f components.Form, users, teams []int64) {
	ctx, ws := r.Context(), visitOf(r).workspace.ID
	agents, err := s.agents.List(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	members, err := s.accounts.Members(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	allTeams, err := s.accounts.Teams(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	_, hasMail, err := s.service.MailChannel(ctx, ws)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := channelsview.FormData{Channel: c, Form: f, Users: users, Teams: teams, Agents: agents,
		Members: members, AllTeams: allTeams, BaseURL: s.publicBaseURL(r), WS: ws, HasMail: hasMail}
	title, addr := "Add a chat widget", urls.Channels(ws, "new")
	if c.ID != 0 {
		title, addr = c.Name, urls.Channel(ws, c.ID)
	}
	if r.Method == http.MethodPost {
		// A rejected form comes back from the address it was posted to; htmx shows the
		// form's own address instead.
		w.Header().Set("HX-Push-Url", addr)
	}
	s.render(w, r, status, channelsview.Form(s.page(w, r, title, "channels"), d, unreachableBase(d.BaseURL)))
}

// publicBaseURL is the address visitors' browsers reach this server at, without a trailing
// slash: server.base_url when set, else the scheme and host of the request.
func (s *Server) publicBaseURL(r *http.Request) string {
	if s.cfg.Server.BaseURL != "" {
		return strings.TrimRight(s.cfg.Server.BaseURL, "/")
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// unreachableBase says why websites on the internet cannot load the widget from base (a
// loopback or private address, or a name only a local network knows), or "" when they can.
// Without server.base_url the snippet names the address the admin used, often 127.0.0.1.
func unreachableBase(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.WithZone("").Unmap()
		switch {
		case a.IsLoopback() || a.IsUnspecified():
			return "an address of this computer only"
		case a.IsPrivate() || a.IsLinkLocalUnicast() || sharedAddressSpace.Contains(a):
			return "an address of a private network"
		}
		return ""
	}
	switch {
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return "an address of this computer only"
	case !strings.Contains(host, "."):
		return "a name only your own network knows"
	}
	for _, suffix := range []string{".local", ".lan", ".internal", ".intranet", ".home.arpa", ".localdomain"} {
		if strings.HasSuffix(host, suffix) {
			return "a name only your own network knows"
		}
	}
	return ""
}

// sharedAddressSpace is 100.64.0.0/10 (RFC 6598): carrier-grade NAT and VPNs such as
// Tailscale, reachable from no website.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// channelValues fills a form with c's settings.
func channelValues(c channel.Channel) components.Form {
	f := components.NewForm()
	f.Values = map[string]string{
		"name": c.Name, "agent": "", "origins": channelsview.Lines(c.AllowedOrigins), "welcome": c.Welcome,
		"quick_replies": channelsview.Lines(c.QuickReplies), "handoff": string(c.Handoff),
		"handoff_message": c.HandoffMessage, "unavailable_message": c.UnavailableMessage,
		"show_human": checked(c.ShowHuman), "close_after": strconv.Itoa(int(c.CloseAfter / time.Hour)), "active": checked(c.Active),
	}
	if c.AgentID != 0 {
		f.Values["agent"] = urls.ID(c.AgentID)
	}
	channelsview.WidgetValues(c.Widget, f.Values)
	return f
}

// newChannelPage is the form of a new chat widget, answered by the workspace's AI agent
// when exactly one is active (with several, the admin chooses; with none, people answer).
func (s *Server) newChannelPage(w http.ResponseWriter, r *http.Request) {
	agents, err := s.agents.List(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c := channel.Channel{Kind: channel.Chat, Handoff: channel.Assign, ShowHuman: true, CloseAfter: 24 * time.Hour, Active: true}
	var active []agent.Agent
	for _, a := range agents {
		if a.Active {
			active = append(active, a)
		}
	}
	if len(active) == 1 {
		c.AgentID = active[0].ID
	}
	s.channelForm(w, r, http.StatusOK, channel.Channel{}, channelValues(c), nil, nil)
}

// postedChannel reads the channel form as a change to a channel of kind; false means a
// response (404 for a bad person or team ID) was sent. A bad agent or number of hours is
// an error on its field.
func (s *Server) postedChannel(w http.ResponseWriter, r *http.Request, kind channel.Kind) (components.Form, channel.Input, bool, error) {
	f := formOf(r, "name", "agent", "handoff", "show_human", "close_after", "active", "color", "position", "launcher_label", "ask_name", "ask_email")
	f.Values["greetings"] = "" // where an error of the greetings shows
	var greetings []channel.Greeting
	for i := range channelsview.MaxGreetingRows {
		lang, welcome, quick := channelsview.GreetingField("lang", i), channelsview.GreetingField("welcome", i), channelsview.GreetingField("quick", i)
		f.Values[lang] = strings.TrimSpace(r.PostFormValue(lang))
		for _, n := range []string{welcome, quick} {
			f.Values[n] = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(n), "\r\n", "\n"))
		}
		greetings = append(greetings, channel.Greeting{Lang: f.Value(lang), Welcome: f.Value(welcome), QuickReplies: lines(f.Value(quick))})
	}
	// Textareas keep their lines as typed (Windows line ends aside); the store trims each line.
	for _, n := range []string{"origins", "welcome", "quick_replies", "handoff_message", "unavailable_message"} {
		f.Values[n] = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(n), "\r\n", "\n"))
	}
	users, ok := s.formIDs(w, r, "handoff_user")
	if !ok {
		return f, channel.Input{}, false, nil
	}
	teams, ok := s.formIDs(w, r, "handoff_team")
	if !ok {
		return f, channel.Input{}, false, nil
	}
	in := channel.Input{
		Kind: kind, Name: f.Value("name"), AllowedOrigins: lines(f.Value("origins")), Welcome: f.Value("welcome"),
		QuickReplies: lines(f.Value("quick_replies")), Handoff: channel.HandoffMode(f.Value("handoff")),
		HandoffUsers: users, HandoffTeams: teams, HandoffMessage: f.Value("handoff_message"),
		UnavailableMessage: f.Value("unavailable_message"), ShowHuman: f.Value("show_human") == "1", Active: f.Value("active") == "1",
		Widget: channel.WidgetSettings{Color: f.Value("color"), Position: f.Value("position"), LauncherLabel: f.Value("launcher_label"),
			AskName: f.Value("ask_name") == "1", AskEmail: f.Value("ask_email") == "1", Greetings: greetings},
	}
	var bad error
	if v := f.Value("agent"); v != "" {
		id, ok := ids.Decode(v)
		if !ok {
			bad = &usererr.InputError{Field: "agent", Message: "choose one of this workspace's agents"}
		}
		in.AgentID = id
	}
	if v := f.Value("close_after"); v != "" {
		hours, err := strconv.Atoi(v)
		if err != nil || hours < 1 || hours > 720 {
			bad = &usererr.InputError{Field: "close_after", Message: "choose between 1 and 720 hours (30 days)"}
		}
		in.CloseAfter = time.Duration(hours) * time.Hour
	}
	return f, in, true, bad
}

// lines splits a textarea into its lines.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) {
	f, in, ok, err := s.postedChannel(w, r, channel.Chat)
	if !ok {
		return
	}
	var c channel.Channel
	if err == nil {
		c, err = s.channels.Create(r.Context(), visitOf(r).workspace.ID, in)
	}
	s.channelSaved(w, r, channel.Channel{}, c, err, f, in, "Chat widget "+c.Name+" created. Paste the snippet below into your site.")
}

func (s *Server) updateChannel(w http.ResponseWriter, r *http.Request) {
	c, ok := s.channel(w, r)
	if !ok {
		return
	}
	f, in, ok, err := s.postedChannel(w, r, c.Kind)
	if !ok {
		return
	}
	var saved channel.Channel
	if err == nil {
		saved, err = s.channels.Update(r.Context(), c.WorkspaceID, c.ID, in)
	}
	s.channelSaved(w, r, c, saved, err, f, in, "Channel "+saved.Name+" saved.")
}

// channelSaved ends a create or an update: on to the channel's page, or back to the form
// of edited (zero when new) with err next to its field and everything as typed.
func (s *Server) channelSaved(w http.ResponseWriter, r *http.Request, edited, saved channel.Channel, err error,
	f components.Form, in channel.Input, done string) {
	if err != nil {
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.channelForm(w, r, http.StatusUnprocessableEntity, edited, f, in.HandoffUsers, in.HandoffTeams)
		return
	}
	s.redirectWithFlash(w, r, urls.Channel(saved.WorkspaceID, saved.ID), "ok", done)
}

// channel loads the channel named in the path, which must belong to the current workspace.
func (s *Server) channel(w http.ResponseWriter, r *http.Request) (channel.Channel, bool) {
	id, ok := s.pathID(w, r, "channel")
	if !ok {
		return channel.Channel{}, false
	}
	c, err := s.channels.Get(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return channel.Channel{}, false
	}
	return c, true
}

func (s *Server) channelPage(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.channel(w, r); ok {
		s.channelForm(w, r, http.StatusOK, c, channelValues(c), c.HandoffUsers, c.HandoffTeams)
	}
}

// rotateSecret gives the channel a new identity secret.
func (s *Server) rotateSecret(w http.ResponseWriter, r *http.Request) {
	c, ok := s.channel(w, r)
	if !ok {
		return
	}
	if err := s.channels.RotateSecret(r.Context(), c.WorkspaceID, c.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Channel(c.WorkspaceID, c.ID), "ok", "New identity secret made: sign your site's tokens with it from now on.")
}

func (s *Server) deleteChannel(w http.ResponseWriter, r *http.Request) {
	c, ok := s.channel(w, r)
	if !ok {
		return
	}
	if err := s.channels.Delete(r.Context(), c.WorkspaceID, c.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.log.Info("channel deleted", "workspace", c.WorkspaceID, "channel", c.ID, "by", visitOf(r).user.ID)
	s.redirectWithFlash(w, r, urls.Channels(c.WorkspaceID), "ok", "Channel "+c.Name+" deleted.")
}
