package inbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // a workspace's time zone works on hosts without a zoneinfo database
)

// Schedule is a workspace's working hours: opening hours for each day of the week, in
// the workspace's time zone, and dates it is closed all day.
type Schedule struct {
	Week   [7][]Hours `json:"week"`   // by time.Weekday: Sunday first
	Closed []string   `json:"closed"` // YYYY-MM-DD, sorted
}

// Hours is one opening span of a day, in minutes after midnight on the clock of the
// workspace's time zone: From up to (not including) To.
type Hours struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// OpenAt reports whether t falls in working hours in loc. The wall clock is read in loc,
// so the same hours hold on both sides of a daylight-saving change.
func (s Schedule) OpenAt(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	if slices.Contains(s.Closed, t.Format(time.DateOnly)) {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	for _, h := range s.Week[t.Weekday()] {
		if m >= h.From && m < h.To {
			return true
		}
	}
	return false
}

// ParseHours reads a day's opening hours as written in the settings: "09:00-12:00,
// 13:00-17:30"; empty is closed all day.
func ParseHours(text string) ([]Hours, error) {
	var out []Hours
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "-")
		f, err1 := clockMinutes(from)
		t, err2 := clockMinutes(to)
		if !ok || err1 != nil || err2 != nil || f >= t {
			return nil, fmt.Errorf("%q: write hours as 09:00-17:00", part)
		}
		out = append(out, Hours{From: f, To: t})
	}
	return out, nil
}

// clockMinutes reads "HH:MM" (24:00 ends a day) as minutes after midnight.
func clockMinutes(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil {
		return 0, err
	}
	if h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("no such time")
	}
	return h*60 + m, nil
}

// FormatHours writes a day's hours as ParseHours reads them.
func FormatHours(hs []Hours) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", h.From/60, h.From%60, h.To/60, h.To%60)
	}
	return strings.Join(parts, ", ")
}

// ParseClosed reads closed dates, one YYYY-MM-DD per line or separated by commas.
func ParseClosed(text string) ([]string, error) {
	var out []string
	for _, d := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' }) {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, fmt.Errorf("%q: write dates as 2026-12-25", d)
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
