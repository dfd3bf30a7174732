package report

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"agent/app/store"
)

// Filter chooses what the report covers: one agent (0: all), one channel kind ("": all),
// and the days From to To inclusive, in the workspace's time zone.
type Filter struct {
	WorkspaceID int64
	AgentID     int64
	Channel     string
	From, To    time.Time
}

// Counts are the ledger's sums over some days.
type Counts struct {
	Conversations  int64            `json:"conversations"`
	Handled        int64            `json:"handled"`
	Resolved       int64            `json:"resolved"`
	HandedOff      int64            `json:"handed_off"`
	Reopened       int64            `json:"reopened_after_freeze"`
	ResolutionSecs int64            `json:"-"`
	More           map[string]int64 `json:"-"`
}

func (c *Counts) add(o Counts) {
	c.Conversations += o.Conversations
	c.Handled += o.Handled
	c.Resolved += o.Resolved
	c.HandedOff += o.HandedOff
	c.Reopened += o.Reopened
	c.ResolutionSecs += o.ResolutionSecs
	if c.More == nil {
		c.More = map[string]int64{}
	}
	for k, v := range o.More {
		c.More[k] += v
	}
}

// Rates are the ratios of a Counts, 0 when their denominator is.
type Rates struct {
	ResolutionRate    float64 `json:"resolution_rate"`  // resolved / handled
	HandoffRate       float64 `json:"handoff_rate"`     // handed off / handled
	HandlingRate      float64 `json:"handling_rate"`    // handled / conversations
	DeflectionRate    float64 `json:"deflection_rate"`  // resolved / conversations
	AvgResolutionSecs float64 `json:"avg_resolution_s"` // over resolved conversations
	Ratings           int64   `json:"ratings"`
	HelpfulRate       float64 `json:"helpful_rate"` // helpful / ratings
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (c Counts) rates() Rates {
	r := Rates{ResolutionRate: ratio(c.Resolved, c.Handled), HandoffRate: ratio(c.HandedOff, c.Handled),
		HandlingRate: ratio(c.Handled, c.Conversations), DeflectionRate: ratio(c.Resolved, c.Conversations),
		AvgResolutionSecs: ratio(c.ResolutionSecs, c.Resolved)}
	for k, v := range c.More {
		if strings.HasPrefix(k, "feedback:") {
			r.Ratings += v
		}
	}
	r.HelpfulRate = ratio(c.More["feedback:helpful"], r.Ratings)
	return r
}

// Week is one week's figures; Incomplete while some of its conversations may not have
// frozen yet.
type Week struct {
	Start      string `json:"week"` // its Monday, YYYY-MM-DD
	Incomplete bool   `json:"incomplete"`
	Counts
	Rates
	Feedback map[string]int64 `json:"feedback"`
}

// Count is one labelled number (a channel, a handoff cause, a feedback type).
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
	Of    int64  `json:"of,omitempty"` // for a channel: its conversations
}

// Seller are the seller figures of seed 003.
type Seller struct {
	Conversations        int64   `json:"conversations"`
	Responded24h         int64   `json:"responded_24h"`
	ResponseRate24h      float64 `json:"response_rate_24h"`
	FirstResponses       int64   `json:"first_responses"` // conversations a person answered
	AvgFirstResponseSecs float64 `json:"avg_first_response_s"`
	Ratings              int64   `json:"ratings"`
	Satisfaction         float64 `json:"satisfaction"` // helpful / ratings
	AssistantResolved    int64   `json:"assistant_resolved"`
	AssistantRate        float64 `json:"assistant_resolved_rate"`
}

// Figures are everything the report page shows.
type Figures struct {
	TimeZone string  `json:"time_zone"`
	From     string  `json:"from"`
	To       string  `json:"to"`
	AgentID  int64   `json:"-"`
	Channel  string  `json:"channel,omitempty"`
	ThisWeek Week    `json:"this_week"`
	Weeks    []Week  `json:"weeks"`
	Total    Week    `json:"total"`
	Channels []Count `json:"handled_by_channel"`
	Causes   []Count `json:"handoff_causes"`
	Seller   Seller  `json:"seller"`
}

// FeedbackTypes are the kinds of rating, in the order the report shows them.
var FeedbackTypes = []string{"helpful", "not_helpful", "too_long", "not_useful", "off_topic", "other"}

// TimeZone is the workspace's time zone.
func TimeZone(ctx context.Context, db *store.DB, workspaceID int64) (*time.Location, error) {
	var name string
	if err := db.Read.QueryRowContext(ctx, "SELECT time_zone FROM workspaces WHERE id = ?", workspaceID).Scan(&name); err != nil {
		return nil, fmt.Errorf("report: time zone: %w", err)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// weekStart is the Monday of t's week, at midnight in t's location.
func weekStart(t time.Time) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return t.AddDate(0, 0, -(int(t.Weekday())+6)%7)
}

// Report reads the figures f asks for from the daily aggregates; now is the clock that
// says which weeks are incomplete and which is this week.
func Report(ctx context.Context, db *store.DB, f Filter, now time.Time) (Figures, error) {
	loc, err := TimeZone(ctx, db, f.WorkspaceID)
	if err != nil {
		return Figures{}, err
	}
	now = now.In(loc)
	from, to := weekStart(f.From.In(loc)), f.To.In(loc)
	this := weekStart(now)
	fig := Figures{TimeZone: loc.String(), From: f.From.In(loc).Format(time.DateOnly), To: to.Format(time.DateOnly), AgentID: f.AgentID, Channel: f.Channel}
	weeks := map[string]*Week{}
	for w := from; !w.After(to); w = w.AddDate(0, 0, 7) {
		fig.Weeks = append(fig.Weeks, Week{Start: w.Format(time.DateOnly), Incomplete: w.AddDate(0, 0, 7).Add(Window * time.Second).After(now)})
	}
	for i := range fig.Weeks {
		weeks[fig.Weeks[i].Start] = &fig.Weeks[i]
	}
	fig.ThisWeek = Week{Start: this.Format(time.DateOnly), Incomplete: true}
	channels := map[string]*Count{}
	first := earlier(from, this)
	rows, err := db.Read.QueryContext(ctx, `SELECT day, channel, conversations, handled, resolved, handed_off, reopened,
		resolution_secs, counts FROM report_days WHERE workspace_id = ?1 AND day >= ?2 AND (?3 = 0 OR agent_id = ?3)
		AND (?4 = '' OR channel = ?4)`, f.WorkspaceID, first.Format(time.DateOnly), f.AgentID, f.Channel)
	if err != nil {
		return Figures{}, fmt.Errorf("report: read days: %w", err)
	}
	defer rows.Close()
	lastDay := f.To.In(loc).Format(time.DateOnly)
	firstDay := fig.From
	for rows.Next() {
		var date, channel, counts string
		var c Counts
		if err := rows.Scan(&date, &channel, &c.Conversations, &c.Handled, &c.Resolved, &c.HandedOff, &c.Reopened, &c.ResolutionSecs, &counts); err != nil {
			return Figures{}, fmt.Errorf("report: read days: %w", err)
		}
		if err := json.Unmarshal([]byte(counts), &c.More); err != nil {
			return Figures{}, fmt.Errorf("report: day %s: %w", date, err)
		}
		d, _ := time.ParseInLocation(time.DateOnly, date, loc)
		if !weekStart(d).Before(this) {
			fig.ThisWeek.Counts.add(c)
		}
		if date < firstDay || date > lastDay {
			continue
		}
		weeks[weekStart(d).Format(time.DateOnly)].Counts.add(c)
		fig.Total.Counts.add(c)
		if channels[channel] == nil {
			channels[channel] = &Count{Name: channel}
		}
		channels[channel].Count += c.Handled
		channels[channel].Of += c.Conversations
	}
	if err := rows.Err(); err != nil {
		return Figures{}, fmt.Errorf("report: read days: %w", err)
	}
	for _, w := range append([]*Week{&fig.ThisWeek, &fig.Total}, pointers(fig.Weeks)...) {
		w.finish()
	}
	for _, c := range channels {
		fig.Channels = append(fig.Channels, *c)
	}
	slices.SortFunc(fig.Channels, func(a, b Count) int { return strings.Compare(a.Name, b.Name) })
	for k, v := range fig.Total.More {
		if cause, ok := strings.CutPrefix(k, "cause:"); ok {
			fig.Causes = append(fig.Causes, Count{Name: cause, Count: v})
		}
	}
	slices.SortFunc(fig.Causes, func(a, b Count) int {
		if a.Count != b.Count {
			return int(b.Count - a.Count)
		}
		return strings.Compare(a.Name, b.Name)
	})
	fig.Seller = seller(fig.Total)
	return fig, nil
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func pointers(ws []Week) []*Week {
	ps := make([]*Week, len(ws))
	for i := range ws {
		ps[i] = &ws[i]
	}
	return ps
}

func (w *Week) finish() {
	w.Rates = w.Counts.rates()
	w.Feedback = map[string]int64{}
	for _, t := range FeedbackTypes {
		w.Feedback[t] = w.More["feedback:"+t]
	}
}

func seller(w Week) Seller {
	m := w.More
	return Seller{Conversations: w.Conversations, Responded24h: m[countResponded], ResponseRate24h: ratio(m[countResponded], w.Conversations),
		FirstResponses: m[countFirstRespN], AvgFirstResponseSecs: ratio(m[countFirstRespSecs], m[countFirstRespN]),
		Ratings: w.Ratings, Satisfaction: w.HelpfulRate,
		AssistantResolved: m[countAssistant], AssistantRate: ratio(m[countAssistant], w.Conversations)}
}
