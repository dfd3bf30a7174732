package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/quote"
)

// addQuotes creates n draft quotes Q-0000… in the workspace, without the admin's forms.
func (e *env) addQuotes(n int) {
	e.t.Helper()
	qs := quote.New(e.db)
	for i := range n {
		in := quote.Input{Number: fmt.Sprintf("Q-%04d", i), Title: "Shelving", BuyerCompany: "Acme AS", Currency: "EUR", ExpiresOn: "2099-12-31",
			Lines: []quote.LineInput{{Name: "Shelf unit", Quantity: "1", UnitPrice: "100", TaxRate: "25"}}}
		if _, err := qs.Create(context.Background(), e.wsID, in); err != nil {
			e.t.Fatal(err)
		}
	}
}

var (
	quoteNumberRe = regexp.MustCompile(`data-testid="quote-number">([^<]+)<`)
	olderRe       = regexp.MustCompile(`href="([^"]+)" rel="next" data-testid="older"`)
)

// TestQuoteListPages: the admin's list shows a page of quotes with a link to the next,
// every quote once across the pages, and filters and searches them.
func TestQuoteListPages(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.addQuotes(53)
	owner := e.ownerBrowser()
	seen := map[string]bool{}
	path, pages := e.path("quotes"), 0
	for path != "" {
		res := owner.get(path)
		if res.status != http.StatusOK {
			t.Fatalf("%s = %d", path, res.status)
		}
		pages++
		for _, m := range quoteNumberRe.FindAllStringSubmatch(res.body, -1) {
			if seen[m[1]] {
				t.Errorf("%s shown twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := olderRe.FindStringSubmatch(res.body); m != nil {
			path = html.UnescapeString(m[1])
		}
		if pages > 1 && !strings.Contains(res.body, `data-testid="first-page"`) {
			t.Errorf("page %d has no link to the first", pages)
		}
	}
	if pages != 2 || len(seen) != 53 {
		t.Errorf("%d pages showing %d quotes, want 2 and 53", pages, len(seen))
	}
	res := owner.get(e.path("quotes") + "?status=draft&q=q-0007")
	if got := quoteNumberRe.FindAllStringSubmatch(res.body, -1); len(got) != 1 || got[0][1] != "Q-0007" || !strings.Contains(res.body, `value="q-0007"`) {
		t.Errorf("search q-0007 showed %v", got)
	}
	res = owner.get(e.path("quotes") + "?status=published")
	if quoteNumberRe.MatchString(res.body) || !strings.Contains(res.body, `data-testid="quotes-empty"`) {
		t.Errorf("no published quote, but the page shows %v", quoteNumberRe.FindAllStringSubmatch(res.body, -1))
	}
}

// TestAPIQuoteListPages: the API pages the quotes by cursor, each once, with the same
// filter and search, and refuses a status it does not know.
func TestAPIQuoteListPages(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.addQuotes(45)
	token := e.apiToken(e.wsID, e.ownerID(), account.ScopeQuotesRead)
	seen, pages := map[string]bool{}, 0
	for next := "/api/v1/quotes?limit=20"; next != ""; pages++ {
		res := e.api(token, http.MethodGet, next, nil)
		var page struct {
			Data       []struct{ Number string }
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal(res.body, &page); res.status != http.StatusOK || err != nil {
			t.Fatalf("%s = %d %s", next, res.status, res.body)
		}
		for _, q := range page.Data {
			if seen[q.Number] {
				t.Errorf("%s listed twice", q.Number)
			}
			seen[q.Number] = true
		}
		next = ""
		if page.NextCursor != nil {
			next = "/api/v1/quotes?limit=20&cursor=" + url.QueryEscape(*page.NextCursor)
		}
	}
	if pages != 3 || len(seen) != 45 {
		t.Errorf("%d pages listing %d quotes, want 3 and 45", pages, len(seen))
	}
	if res := e.api(token, http.MethodGet, "/api/v1/quotes?status=draft&q=Q-0044", nil); !strings.Contains(string(res.body), `"number":"Q-0044"`) ||
		strings.Count(string(res.body), `"number"`) != 1 {
		t.Errorf("search = %d %s", res.status, res.body)
	}
	if res := e.api(token, http.MethodGet, "/api/v1/quotes?status=lost", nil); res.status != http.StatusBadRequest || res.err.Code != "invalid_status" {
		t.Errorf("status=lost = %d %+v", res.status, res.err)
	}
}
