// Package reports holds the Reports section: the performance report with its charts, and
// usage.
package reports

import (
	"fmt"
	"net/url"
	"time"

	"agent/app/report"
)

// Option is one choice of a filter.
type Option struct {
	Value, Label string
}

// Data is what the report page shows.
type Data struct {
	WS       int64
	Fig      report.Figures
	Agents   []Option // the agent filter's choices, "" first (all agents)
	Channels []Option
	Agent    string // the chosen agent (its public id), "" for all
	Channel  string
	From, To string // YYYY-MM-DD
	Query    string // the filters as a query string, for the JSON and CSV links
}

// Filters returns the query string of the filters, for links to the same figures.
func Filters(agent, channel, from, to string) string {
	q := url.Values{}
	for k, v := range map[string]string{"agent": agent, "channel": channel, "from": from, "to": to} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// weekLabel names a week in the charts: its Monday, marked when incomplete.
func weekLabel(w report.Week) string {
	if w.Incomplete {
		return w.Start + " (incomplete)"
	}
	return w.Start
}

// Charts are the report's charts, in the order the page shows them.
func Charts(f report.Figures) []Chart {
	var labels []string
	series := func(name string, v func(report.Week) float64) Series {
		s := Series{Name: name}
		for _, w := range f.Weeks {
			s.Values = append(s.Values, v(w))
		}
		return s
	}
	for _, w := range f.Weeks {
		labels = append(labels, weekLabel(w))
	}
	weekly := func(id, title string, lines, percent bool, s ...Series) Chart {
		return Chart{ID: id, Title: title, Lines: lines, Percent: percent, Labels: labels, Series: s}
	}
	var feedback []Series
	for _, t := range report.FeedbackTypes {
		feedback = append(feedback, series(FeedbackLabel(t), func(w report.Week) float64 { return float64(w.Feedback[t]) }))
	}
	byChannel := Chart{ID: "channels", Title: "Handled by channel", Series: []Series{{Name: "Handled"}}}
	for _, c := range f.Channels {
		byChannel.Labels = append(byChannel.Labels, c.Name)
		byChannel.Series[0].Values = append(byChannel.Series[0].Values, float64(c.Count))
	}
	return []Chart{
		weekly("handled", "Conversations handled over time", false, false,
			series("Handled", func(w report.Week) float64 { return float64(w.Handled) })),
		byChannel,
		weekly("feedback", "Visitor feedback trend by type", true, false, feedback...),
		weekly("handling-rate", "Handling rate over time", true, true,
			series("Handling rate", func(w report.Week) float64 { return w.HandlingRate })),
		weekly("resolved", "Resolved conversations over time", false, false,
			series("Resolved", func(w report.Week) float64 { return float64(w.Resolved) })),
		weekly("resolution-rate", "Resolution rate over time", true, true,
			series("Resolution rate", func(w report.Week) float64 { return w.ResolutionRate })),
		weekly("handoffs", "Handoffs over time", false, false,
			series("Handoffs", func(w report.Week) float64 { return float64(w.HandedOff) })),
		weekly("handoff-rate", "Handoff rate over time", true, true,
			series("Handoff rate", func(w report.Week) float64 { return w.HandoffRate })),
	}
}

// FeedbackLabel names a feedback type.
func FeedbackLabel(t string) string {
	switch t {
	case "helpful":
		return "Helpful"
	case "not_helpful":
		return "Not helpful"
	case "too_long":
		return "Too long"
	case "not_useful":
		return "Not useful"
	case "off_topic":
		return "Off topic"
	}
	return "Other"
}

// CauseLabel names a handoff cause.
func CauseLabel(c string) string {
	switch c {
	case "ai_could_not_answer":
		return "The AI could not answer"
	case "visitor_asked":
		return "The visitor asked for a person"
	case "repeated_answer":
		return "The AI would have repeated an answer"
	case "automation":
		return "An automation rule"
	case "manual":
		return "Reassigned by a person"
	case report.CauseHumanReplied:
		return "A person replied"
	}
	return c
}

// Average writes an average time in seconds over n: "—" when n is 0.
func Average(secs float64, n int64) string {
	if n == 0 {
		return "—"
	}
	d := time.Duration(secs) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// Rate writes a ratio over n: "—" when n is 0.
func Rate(v float64, n int64) string {
	if n == 0 {
		return "—"
	}
	return Percent(v)
}

// Count writes an integer.
func Count(n int64) string { return fmt.Sprint(n) }

// shortLabel is a week's label under a chart's axis: its date without the year.
func shortLabel(l string) string {
	if len(l) >= 10 && l[4] == '-' && l[7] == '-' {
		return l[5:10]
	}
	return l
}
