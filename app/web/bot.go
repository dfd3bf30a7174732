package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/usererr"
	"agent/views/components"
	"agent/views/settings"
	"agent/views/urls"
)

// botFields are the bot settings form's fields besides the days'.
var botFields = []string{"enabled", "hours", "agent", "time_zone", "closed", "label", "fallback", "off_hours_reply"}

func (s *Server) botPage(w http.ResponseWriter, r *http.Request) {
	b, err := s.inbox.Bot(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := components.NewForm()
	f.Values["hours"] = "all_day"
	if b.Enabled {
		f.Values["enabled"] = "1"
	}
	if b.OffHoursOnly {
		f.Values["hours"] = "off_hours"
	}
	if b.AgentID != 0 {
		f.Values["agent"] = ids.Encode(b.AgentID)
	}
	f.Values["time_zone"], f.Values["label"], f.Values["fallback"], f.Values["off_hours_reply"] = b.TimeZone, b.Label, b.Fallback, b.OffHoursReply
	f.Values["closed"] = strings.Join(b.Schedule.Closed, "\n")
	for _, d := range settings.Days {
		f.Values[settings.DayField(d.N)] = inbox.FormatHours(b.Schedule.Week[d.N])
	}
	s.renderBot(w, r, http.StatusOK, f)
}

func (s *Server) renderBot(w http.ResponseWriter, r *http.Request, status int, f components.Form) {
	agents, err := s.agents.List(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, settings.Bot(s.page(w, r, "Bot", "settings"), settings.BotData{Agents: agents, Form: f}))
}

func (s *Server) saveBot(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	names := botFields
	for _, d := range settings.Days {
		names = append(names[:len(names):len(names)], settings.DayField(d.N))
	}
	f := formOf(r, names...)
	b, err := botOf(f, v.workspace.ID)
	if err == nil {
		err = s.inbox.SaveBot(r.Context(), b)
	}
	if err != nil {
		if !addError(&f, err) {
			s.serverError(w, r, err)
			return
		}
		s.renderBot(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(v.workspace.ID, "settings", "bot"), "ok", "Bot settings saved.")
}

// botOf reads the bot settings form.
func botOf(f components.Form, workspaceID int64) (inbox.Bot, error) {
	b := inbox.Bot{WorkspaceID: workspaceID, Enabled: f.Value("enabled") == "1", OffHoursOnly: f.Value("hours") == "off_hours",
		TimeZone: f.Value("time_zone"), Label: f.Value("label"), Fallback: f.Value("fallback"), OffHoursReply: f.Value("off_hours_reply")}
	if a := f.Value("agent"); a != "" {
		id, ok := ids.Decode(a)
		if !ok {
			return b, &usererr.InputError{Field: "agent", Message: "choose an agent of this workspace"}
		}
		b.AgentID = id
	}
	for _, d := range settings.Days {
		hs, err := inbox.ParseHours(f.Value(settings.DayField(d.N)))
		if err != nil {
			return b, &usererr.InputError{Field: settings.DayField(d.N), Message: err.Error()}
		}
		b.Schedule.Week[time.Weekday(d.N)] = hs
	}
	closed, err := inbox.ParseClosed(f.Value("closed"))
	if err != nil {
		return b, &usererr.InputError{Field: "closed", Message: err.Error()}
	}
	b.Schedule.Closed = closed
	return b, nil
}

// botLabel is what the customer sees under a message the automatic bot sent ("" under
// any other): the workspace's wording, or the default in the message's language.
func (s *Server) botLabel(ctx context.Context, ch channel.Channel, m inbox.Message) string {
	if m.ID == 0 || (m.Author != agent.AuthorBot && m.Author != inbox.AuthorSystem) {
		return ""
	}
	k, err := s.inbox.AutomaticOf(ctx, m.ID)
	if err != nil || k == "" {
		return ""
	}
	b, err := s.inbox.Bot(ctx, ch.WorkspaceID)
	if err != nil {
		s.log.Warn("bot label", "workspace", ch.WorkspaceID, "err", err)
	}
	return b.LabelIn(m.Lang)
}
