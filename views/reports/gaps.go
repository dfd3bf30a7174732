package reports

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"agent/app/agent"
	"agent/app/gaps"
	"agent/views/components"
	"agent/views/urls"
)

// GapsData is what the knowledge gaps page shows: a page of topics of one status.
type GapsData struct {
	WS     int64
	Status gaps.Status
	Topics []gaps.Topic
	Total  int // topics of the status, on every page
	Page   int // from 0
	Loc    *time.Location
}

// Pages is how many pages the topics fill.
func (d GapsData) Pages() int { return (d.Total + gaps.PageSize - 1) / gaps.PageSize }

// PageURL is the address of a page of the list (from 0).
func (d GapsData) PageURL(page int) string {
	q := url.Values{}
	if d.Status != gaps.Open {
		q.Set("status", string(d.Status))
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page+1))
	}
	u := urls.Workspace(d.WS, "reports", "gaps")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// TopicData is what a topic's page shows.
type TopicData struct {
	WS          int64
	Topic       gaps.Topic
	Questions   []gaps.Gap
	Form        components.Form // create and resolve
	SourceTitle string          // resolved: the short answer's title
	Loc         *time.Location
}

// StatusLabel names a status of topics, as the list's tabs do.
func StatusLabel(s gaps.Status) string {
	switch s {
	case gaps.Resolved:
		return "Resolved"
	case gaps.Dismissed:
		return "Dismissed"
	}
	return "Open"
}

// CauseOfGap says why a question is a gap, and who could not answer it.
func CauseOfGap(q gaps.Question) string {
	switch q.Cause {
	case gaps.CauseClarifyFailed:
		return "None of the options offered"
	case gaps.CauseNotUseful:
		return "Answer rated down"
	case gaps.CauseBotUnsure:
		return "Bot " + unsureWhy(q.Reason) + ": sent the fallback"
	case gaps.CauseAutoSendUnsure:
		return "Auto-send " + unsureWhy(q.Reason) + ": left to a person"
	}
	return "Handed off: no answer"
}

// unsureWhy says why the bot or auto-send did not answer, by the engine's reason.
func unsureWhy(reason string) string {
	switch agent.Reason(reason) {
	case agent.ReasonUnsure, agent.ReasonAmbiguous:
		return "not sure enough"
	case agent.ReasonVague, agent.ReasonRephrase:
		return "could not tell what was asked"
	}
	return "found no answer"
}

// Replayed says how many of a resolved topic's questions the agent now answers.
func Replayed(t gaps.Topic) string {
	if t.Replayed == 0 {
		return "None of its questions could be replayed (their agents were removed)."
	}
	return fmt.Sprintf("Asked again, the agent would now answer %d of its %d questions.", t.Answered, t.Replayed)
}

// when writes a moment in the workspace's time zone.
func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
