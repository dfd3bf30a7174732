package web_test

import (
	"slices"
	"strings"
	"testing"
)

// A model that is down is logged once, not on every Agents or Preview page view (an error
// that changes is logged again).
func TestModelDownLoggedOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	a := e.createAgent("Ava")
	e.ollama.Down()
	for range 3 {
		b.get(e.path("agents"))
		b.get(e.agentPath(a, "preview"))
	}
	if n := strings.Count(e.logs.String(), "language model unavailable"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, e.logs.String())
	}
}

// selectOptions returns the values of the options of the select with id in a page, the
// empty one aside.
func selectOptions(t *testing.T, page, id string) []string {
	t.Helper()
	i := strings.Index(page, `<select id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no select %s", id)
	}
	sel := page[i : i+strings.Index(page[i:], "</select>")]
	var out []string
	for _, part := range strings.Split(sel, `<option value="`)[1:] {
		if v := part[:strings.Index(part, `"`)]; v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Every language select offers the same languages: the knowledge forms, the test search
// and the preview's customer language.
func TestLanguageListsAgree(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	a := e.createAgent("Ava")
	article := selectOptions(t, b.get(e.path("knowledge/new/article")).body, "f-lang")
	preview := selectOptions(t, b.get(e.agentPath(a, "preview")).body, "preview-lang")
	if strings.Join(article, " ") != strings.Join(preview, " ") || !slices.Contains(article, "nb") || len(article) < 20 {
		t.Errorf("article form %v\npreview %v", article, preview)
	}
}
