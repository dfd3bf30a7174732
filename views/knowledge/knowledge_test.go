package knowledge

import (
	"context"
	"strings"
	"testing"
	"time"

	"agent/app/knowledge"
)

func TestAgo(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-20 * time.Second), "just now"},
		{now.Add(-5 * time.Minute), "5 min ago"},
		{now.Add(-3*time.Hour - 59*time.Minute), "3 h ago"},
		{now.Add(-49 * time.Hour), "2 d ago"},
		{now.AddDate(0, -2, 0), "10 Jan 2025"},
		{now.Add(90 * time.Minute), "in 1 h"},
	} {
		if got := Ago(tc.t, now); got != tc.want {
			t.Errorf("Ago(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestFilterURL(t *testing.T) {
	f := Filter{Query: "a&b", Kind: knowledge.KindURL, Status: knowledge.StatusError, Page: 3}
	got := f.URL(1)
	if want := "?kind=url&page=3&q=a%26b&status=error"; got[len(got)-len(want):] != want {
		t.Errorf("URL = %q", got)
	}
	if got := f.WithKind("").URL(1); got[len(got)-len("knowledge?q=a%26b&status=error"):] != "knowledge?q=a%26b&status=error" {
		t.Errorf("WithKind resets the page and the kind: %q", got)
	}
}

func TestAnchorURL(t *testing.T) {
	src := knowledge.Source{URL: "https://example.com/help#top"}
	if got := anchorURL(src, knowledge.Chunk{Anchor: "returns policy"}); got != "https://example.com/help#returns%20policy" {
		t.Errorf("anchor = %q", got)
	}
	if got := anchorURL(knowledge.Source{}, knowledge.Chunk{Anchor: "x"}); got != "" {
		t.Errorf("anchor without URL = %q", got)
	}
}

// The test search shows the phrasing model's sureness for the short answers it scored
// only, and the closeness in meaning where it is calibrated.
func TestSearchResultsShowPhrasingMatch(t *testing.T) {
	results := []knowledge.Result{
		{Source: knowledge.SourceRef{ID: 1, Kind: knowledge.KindShortAnswer, Title: "Do you take reservations?"}, Score: 9, Match: 0.82, Matched: true,
			Similarity: 0.71, Closeness: 0.35, Calibrated: true},
		{Source: knowledge.SourceRef{ID: 2, Kind: knowledge.KindArticle, Title: "Our terrace"}, Score: 4},
	}
	var b strings.Builder
	if err := SearchResults(1, "book a table", results).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if strings.Count(html, "Phrasing match") != 1 || !strings.Contains(html, "<dd>0.82</dd>") {
		t.Errorf("want one phrasing match of 0.82:\n%s", html)
	}
	if strings.Count(html, `data-testid="result-closeness"`) != 1 || !strings.Contains(html, "<dd>0.35</dd>") {
		t.Errorf("want one closeness of 0.35:\n%s", html)
	}
}

// A source with chunks the embedding model refused says so in its row.
func TestSourceRowShowsEmbedFailures(t *testing.T) {
	for _, tc := range []struct {
		failed int
		want   string
	}{{0, ""}, {1, "1 section could not be embedded"}, {3, "3 sections could not be embedded"}} {
		var b strings.Builder
		s := knowledge.Source{ID: 7, Kind: knowledge.KindArticle, Title: "Warranty", Status: knowledge.StatusReady, ChunkCount: 4, EmbedFailed: tc.failed}
		if err := sourceRow(1, s, TableData{Now: time.Now()}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		shown := strings.Contains(b.String(), `data-testid="source-embed-failed"`)
		if shown != (tc.want != "") || !strings.Contains(b.String(), tc.want) {
			t.Errorf("%d failed: %s", tc.failed, b.String())
		}
	}
}
