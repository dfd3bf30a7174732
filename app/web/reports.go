package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/report"
	"agent/app/usererr"
	"agent/views/reports"
)

// reportRoutes lists the Reports section's routes: the performance report and usage, each
// figure also as JSON and CSV.
func (s *Server) reportRoutes(ws wsRoute) {
	ws("GET /w/{ws}/reports", account.PermViewReports, s.reportPage)
	ws("GET /w/{ws}/reports/figures.json", account.PermViewReports, s.reportJSON)
	ws("GET /w/{ws}/reports/weeks.csv", account.PermViewReports, s.reportCSV(weeksCSV))
	ws("GET /w/{ws}/reports/channels.csv", account.PermViewReports, s.reportCSV(channelsCSV))
	ws("GET /w/{ws}/reports/causes.csv", account.PermViewReports, s.reportCSV(causesCSV))
	ws("GET /w/{ws}/reports/usage", account.PermViewReports, s.usagePage)
	ws("GET /w/{ws}/reports/usage.json", account.PermViewReports, s.usageJSON)
	ws("GET /w/{ws}/reports/usage.csv", account.PermViewReports, s.usageCSV)
}

// Report ranges: twelve weeks unless asked, two years at most.
const (
	defaultReportDays = 12 * 7
	maxReportDays     = 2 * 366
)

// reportQuery reads the report's filters from the query string: the data for the page
// (choices as given) and the filter for the report package. ok is false after an answer
// to a filter that cannot be read.
func (s *Server) reportQuery(w http.ResponseWriter, r *http.Request) (reports.Data, report.Filter, bool) {
	d, f, err := s.reportFilter(r.Context(), visitOf(r).workspace.ID, r.URL.Query())
	var ie *usererr.InputError
	switch {
	case errors.As(err, &ie):
		s.fail(w, r, http.StatusBadRequest, ie.Message+".")
		return d, f, false
	case err != nil:
		s.serverError(w, r, err)
		return d, f, false
	}
	return d, f, true
}

// reportFilter reads the report's filters (agent, channel, from, to) of a workspace, for
// the page and the API alike; a filter that cannot be read is an InputError naming it.
func (s *Server) reportFilter(ctx context.Context, wsID int64, q url.Values) (reports.Data, report.Filter, error) {
	loc, err := report.TimeZone(ctx, s.db, wsID)
	if err != nil {
		return reports.Data{}, report.Filter{}, err
	}
	bad := func(field, message string) error { return &usererr.InputError{Field: field, Message: message} }
	d := reports.Data{WS: wsID, Agent: q.Get("agent"), Channel: q.Get("channel"), From: q.Get("from"), To: q.Get("to")}
	f := report.Filter{WorkspaceID: wsID, Channel: d.Channel}
	today := time.Now().In(loc)
	f.To = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	if d.To != "" {
		if f.To, err = time.ParseInLocation(time.DateOnly, d.To, loc); err != nil {
			return d, f, bad("to", "The end date is not a date (YYYY-MM-DD)")
		}
	}
	f.From = f.To.AddDate(0, 0, 1-defaultReportDays)
	if d.From != "" {
		if f.From, err = time.ParseInLocation(time.DateOnly, d.From, loc); err != nil {
			return d, f, bad("from", "The start date is not a date (YYYY-MM-DD)")
		}
	}
	if f.To.Before(f.From) || f.To.Sub(f.From) > maxReportDays*24*time.Hour {
		return d, f, bad("from", "Choose a range that ends after it starts, of two years at most")
	}
	d.From, d.To = f.From.Format(time.DateOnly), f.To.Format(time.DateOnly)
	if d.Agent != "" {
		id, ok := ids.Decode(d.Agent)
		if !ok {
			return d, f, bad("agent", "No such agent")
		}
		f.AgentID = id
	}
	switch channel.Kind(d.Channel) {
	case "", channel.Chat, channel.Email, channel.WhatsApp, channel.Messenger:
	default:
		return d, f, bad("channel", "No such channel")
	}
	d.Query = reports.Filters(d.Agent, d.Channel, d.From, d.To)
	return d, f, nil
}

func (s *Server) figures(w http.ResponseWriter, r *http.Request) (reports.Data, bool) {
	d, f, ok := s.reportQuery(w, r)
	if !ok {
		return d, false
	}
	fig, err := report.Report(r.Context(), s.db, f, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	d.Fig = fig
	return d, true
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	d, ok := s.figures(w, r)
	if !ok {
		return
	}
	agents, err := s.agents.List(r.Context(), d.WS)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Agents = []reports.Option{{Value: "", Label: "All agents"}}
	for _, a := range agents {
		d.Agents = append(d.Agents, reports.Option{Value: ids.Encode(a.ID), Label: a.Name})
	}
	d.Channels = []reports.Option{{Value: "", Label: "All channels"}, {Value: "chat", Label: "Chat"},
		{Value: "email", Label: "Email"}, {Value: "whatsapp", Label: "WhatsApp"}, {Value: "messenger", Label: "Messenger"}, {Value: "quote", Label: "Quote pages"}}
	s.render(w, r, http.StatusOK, reports.Page(s.page(w, r, "Reports", "reports"), d))
}

func (s *Server) reportJSON(w http.ResponseWriter, r *http.Request) {
	d, ok := s.figures(w, r)
	if !ok {
		return
	}
	writeJSON(w, d.Fig)
}

// writeJSON answers v as indented JSON.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// reportCSV answers one table of the report as CSV, made by rows.
func (s *Server) reportCSV(rows func(report.Figures) (string, [][]string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := s.figures(w, r)
		if !ok {
			return
		}
		name, table := rows(d.Fig)
		writeCSV(w, name+"-"+d.From+"-"+d.To+".csv", table)
	}
}

func writeCSV(w http.ResponseWriter, filename string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	c := csv.NewWriter(w)
	c.WriteAll(rows)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

func weeksCSV(f report.Figures) (string, [][]string) {
	head := []string{"week", "incomplete", "conversations", "handled", "resolved", "handed_off", "reopened_after_freeze",
		"resolution_rate", "handoff_rate", "handling_rate", "deflection_rate", "avg_resolution_s", "ratings", "helpful_rate"}
	for _, t := range report.FeedbackTypes {
		head = append(head, "feedback_"+t)
	}
	rows := [][]string{head}
	for _, wk := range f.Weeks {
		row := []string{wk.Start, strconv.FormatBool(wk.Incomplete), itoa(wk.Conversations), itoa(wk.Handled), itoa(wk.Resolved),
			itoa(wk.HandedOff), itoa(wk.Reopened), ftoa(wk.ResolutionRate), ftoa(wk.HandoffRate), ftoa(wk.HandlingRate),
			ftoa(wk.DeflectionRate), ftoa(wk.AvgResolutionSecs), itoa(wk.Ratings), ftoa(wk.HelpfulRate)}
		for _, t := range report.FeedbackTypes {
			row = append(row, itoa(wk.Feedback[t]))
		}
		rows = append(rows, row)
	}
	return "weeks", rows
}

func channelsCSV(f report.Figures) (string, [][]string) {
	rows := [][]string{{"channel", "handled", "conversations"}}
	for _, c := range f.Channels {
		rows = append(rows, []string{c.Name, itoa(c.Count), itoa(c.Of)})
	}
	return "channels", rows
}

func causesCSV(f report.Figures) (string, [][]string) {
	rows := [][]string{{"cause", "handoffs"}}
	for _, c := range f.Causes {
		rows = append(rows, []string{c.Name, itoa(c.Count)})
	}
	return "handoff-causes", rows
}

func (s *Server) usage(w http.ResponseWriter, r *http.Request) ([]report.Month, bool) {
	months, err := report.Usage(r.Context(), s.db, visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	if months == nil {
		months = []report.Month{}
	}
	return months, true
}

func (s *Server) usagePage(w http.ResponseWriter, r *http.Request) {
	if months, ok := s.usage(w, r); ok {
		s.render(w, r, http.StatusOK, reports.Usage(s.page(w, r, "Usage", "reports"), visitOf(r).workspace.ID, months))
	}
}

func (s *Server) usageJSON(w http.ResponseWriter, r *http.Request) {
	if months, ok := s.usage(w, r); ok {
		writeJSON(w, months)
	}
}

func (s *Server) usageCSV(w http.ResponseWriter, r *http.Request) {
	months, ok := s.usage(w, r)
	if !ok {
		return
	}
	rows := [][]string{{"month", "billable_conversations"}}
	for _, m := range months {
		rows = append(rows, []string{m.Month, itoa(m.Billable)})
	}
	writeCSV(w, "usage.csv", rows)
}
