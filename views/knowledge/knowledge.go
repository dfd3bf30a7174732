// Package knowledge holds the screens of the Knowledge section: the table of sources with
// the progress of site imports and the test search, the forms that add and edit sources,
// and a source's own page with its chunks.
package knowledge

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/knowledge"
	"agent/views/components"
	"agent/views/urls"
)

// Filter is what the knowledge table shows: a title search, a kind, a status and a page.
type Filter struct {
	Query  string
	Kind   knowledge.Kind   // "" = all kinds
	Status knowledge.Status // "" = any status
	Page   int              // from 1
}

// URL is the table's address with this filter, to link to and to come back to.
func (f Filter) URL(wsID int64) string {
	q := url.Values{}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	if f.Kind != "" {
		q.Set("kind", string(f.Kind))
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	u := urls.Workspace(wsID, "knowledge")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// WithKind is the filter showing another kind, from its first page.
func (f Filter) WithKind(k knowledge.Kind) Filter {
	f.Kind, f.Page = k, 1
	return f
}

// WithPage is the filter on another page.
func (f Filter) WithPage(n int) Filter {
	f.Page = n
	return f
}

// TableData is what the knowledge table shows.
type TableData struct {
	Filter  Filter
	Sources []knowledge.Source // the page of sources matching Filter
	Total   int                // how many match Filter in all
	PerPage int
	Counts  map[knowledge.Kind]int // sources of each kind matching Filter's search and status, its kind aside
	Crawls  []knowledge.Crawl      // the most recent site imports
	Now     time.Time
}

// All is how many sources of any kind match the filter's search and status: the count of
// the "All" tab (with no search or status, every source of the workspace).
func (d TableData) All() int {
	n := 0
	for _, c := range d.Counts {
		n += c
	}
	return n
}

// Pages is how many pages the filtered table has.
func (d TableData) Pages() int {
	if d.PerPage <= 0 || d.Total == 0 {
		return 1
	}
	return (d.Total + d.PerPage - 1) / d.PerPage
}

// FileResult is what became of one uploaded file, shown as one line.
type FileResult struct {
	Name     string
	OK       bool
	Message  string // "added, 14 sections", "23 short answers", or what was wrong
	WS       int64
	SourceID int64 // the source the file made or updated, linked from the result; 0 for short answers
}

// Href is the page of the source the file made, or "" when none.
func (r FileResult) Href() string {
	if r.SourceID == 0 {
		return ""
	}
	return sourceURL(r.WS, r.SourceID)
}

// Language is a choice in the language selects.
type Language = components.Language

// Languages are offered for articles, short answers and the test search (the same as
// everywhere a language is chosen); a source in another language keeps its own code as an
// extra choice.
var Languages = components.Languages

// languageChoices are Languages plus current when it is not among them.
func languageChoices(current string) []Language {
	if current == "" {
		return Languages
	}
	for _, l := range Languages {
		if l.Code == current {
			return Languages
		}
	}
	return append(append([]Language{}, Languages...), Language{Code: current, Name: current})
}

// LanguageName is the name of a language code, or the code itself.
func LanguageName(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// Ago says how long ago t was, the way people say it: "3 h ago"; "never" for the zero time.
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return In(t, now)
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%d d ago", int(d/(24*time.Hour)))
	}
	return t.Format("2 Jan 2006")
}

// In says how far ahead t is: "in 3 h".
func In(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("in %d h", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return fmt.Sprintf("in %d d", int(d/(24*time.Hour)))
	}
	return t.Format("2 Jan 2006")
}

// Timestamp is the exact time, for title attributes beside a relative one.
func Timestamp(t time.Time) string { return t.Format("2 Jan 2006 15:04 MST") }

// Excerpt is the first n characters of s, with "…" when it is cut.
func Excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// Score formats a search score for the test search with three significant digits: BM25
// scores of a small knowledge base are tiny, and a fixed number of decimals shows 0.000.
func Score(f float64) string { return strconv.FormatFloat(f, 'g', 3, 64) }

// WhyMatched says in plain words why a result came up; the scores are a click away.
func WhyMatched(r knowledge.Result) string {
	var why []string
	if r.Keyword != 0 {
		why = append(why, "shares words with the question")
	}
	if (r.Calibrated && r.Closeness >= 0) || (!r.Calibrated && r.Similarity >= 0.5) {
		why = append(why, "is close in meaning")
	}
	if r.Matched && r.Match >= 0.5 {
		why = append(why, "answers a question asked this way")
	}
	if len(why) == 0 {
		return "A weak match: it only loosely relates to the question."
	}
	s := strings.Join(why, " and ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// statusClass is the badge of a source's status: ready green, pending neutral, error red.
func statusClass(s knowledge.Status) string {
	switch s {
	case knowledge.StatusReady:
		return "badge badge-on"
	case knowledge.StatusError:
		return "badge badge-off"
	}
	return "badge"
}

// statusLabel is a status as shown to people.
func statusLabel(s knowledge.Status) string {
	switch s {
	case knowledge.StatusReady:
		return "Ready"
	case knowledge.StatusPending:
		return "Pending"
	case knowledge.StatusError:
		return "Error"
	}
	return string(s)
}

// embedFailedLabel says that some sections of a source were refused by the embedding model.
func embedFailedLabel(n int) string {
	what := strconv.Itoa(n) + " sections"
	if n == 1 {
		what = "1 section"
	}
	return what + " could not be embedded (the log says why): found by their words only, not by meaning."
}

// kindPlural names the kind tabs.
func kindPlural(k knowledge.Kind) string {
	switch k {
	case knowledge.KindArticle:
		return "Articles"
	case knowledge.KindFile:
		return "Files"
	case knowledge.KindURL:
		return "Web pages"
	case knowledge.KindShortAnswer:
		return "Short answers"
	}
	return k.Label()
}

// crawlLabel is a crawl's status as shown to people.
func crawlLabel(s knowledge.CrawlStatus) string {
	switch s {
	case knowledge.CrawlPending:
		return "Waiting"
	case knowledge.CrawlRunning:
		return "Running"
	case knowledge.CrawlDone:
		return "Done"
	case knowledge.CrawlFailed:
		return "Failed"
	case knowledge.CrawlCancelled:
		return "Cancelled"
	}
	return string(s)
}

// crawlClass is the badge of a crawl's status.
func crawlClass(s knowledge.CrawlStatus) string {
	switch s {
	case knowledge.CrawlDone:
		return "badge badge-on"
	case knowledge.CrawlFailed:
		return "badge badge-off"
	}
	return "badge"
}

// crawlProgress is the value and maximum of a crawl's progress bar: pages handled of the
// pages found (at most its cap), full once it is done.
func crawlProgress(c knowledge.Crawl) (value, maxValue int) {
	maxValue = c.MaxPages
	if c.Discovered > 0 && c.Discovered < maxValue {
		maxValue = c.Discovered
	}
	maxValue = max(maxValue, 1)
	if c.Status == knowledge.CrawlDone {
		return maxValue, maxValue
	}
	return min(c.Fetched+c.Skipped+c.Failed, maxValue), maxValue
}

// sourceURL is the address of a source's page.
func sourceURL(wsID, id int64, rest ...string) string {
	return urls.Workspace(wsID, append([]string{"knowledge", urls.ID(id)}, rest...)...)
}

// knowledgeURL is an address in the knowledge section.
func knowledgeURL(wsID int64, rest ...string) string {
	return urls.Workspace(wsID, append([]string{"knowledge"}, rest...)...)
}

// anchorURL links a chunk to its place on the source's public page, or "" without one.
func anchorURL(s knowledge.Source, c knowledge.Chunk) string {
	if s.URL == "" || c.Anchor == "" {
		return ""
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return ""
	}
	u.Fragment, u.RawFragment = c.Anchor, ""
	return u.String()
}
