package web_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/config"
	"agent/app/ids"
	"agent/app/knowledge"
)

// file is one part of an upload.
type file struct {
	name, contentType string
	data              []byte
}

// upload posts files as a multipart form, with the CSRF token in the form (as a browser
// without JavaScript sends it) or in the header (as htmx does).
func (b *browser) upload(path string, files []file, tokenInHeader bool) response {
	b.e.t.Helper()
	return b.uploadAs(path, "file", files, tokenInHeader)
}

// uploadAs is upload with the files in the form field named field.
func (b *browser) uploadAs(path, field string, files []file, tokenInHeader bool) response {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if !tokenInHeader {
		mw.WriteField("csrf", b.csrf)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, f.name))
		h.Set("Content-Type", f.contentType)
		pw, err := mw.CreatePart(h)
		if err != nil {
			b.e.t.Fatal(err)
		}
		pw.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if tokenInHeader {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	return b.do(req)
}

// htmx sends a GET as htmx's hx-get does: for a fragment, not a whole page.
func (b *browser) htmx(path string) response {
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	return b.do(req)
}

// sources lists the workspace's sources by title.
func (e *env) sources() map[string]knowledge.Source {
	e.t.Helper()
	list, _, err := e.knowledge.List(context.Background(), e.wsID, knowledge.ListFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]knowledge.Source{}
	for _, s := range list {
		out[s.Title] = s
	}
	return out
}

var (
	sourceRow   = regexp.MustCompile(`(?s)<tr data-testid="source-row".*?</tr>`)
	resultItem  = regexp.MustCompile(`(?s)<li class="result" data-testid="search-result">.*?</li>`)
	resultScore = regexp.MustCompile(`data-testid="result-score">([0-9.e+-]+)<`)
	fileResult  = regexp.MustCompile(`(?s)data-testid="file-result" data-ok="(true|false)">(?:<a [^>]*>)?<strong>([^<]+)</strong>(?:</a>)?: ([^<]*)</li>`)
)

func knowledgeOwner(t *testing.T, edit func(*config.Config)) (*env, *browser) {
	e := newEnv(t, edit)
	e.setupOwner()
	b := e.ownerBrowser()
	if res := b.get(e.path("knowledge")); res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="knowledge-empty"`) {
		t.Fatalf("empty knowledge page: %d", res.status)
	}
	return e, b
}

func TestKnowledgeArticle(t *testing.T) {
	e, b := knowledgeOwner(t, nil)

	// Invalid: no title. The form comes back filled in, with the error on its field.
	res := b.post(e.path("knowledge/articles"), url.Values{"title": {""}, "body": {"# Returns\n\nWithin 30 days."}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<p class="error" id="e-title">Is required</p>`) ||
		!strings.Contains(res.body, "Within 30 days.</textarea>") {
		t.Fatalf("article without title: %d\n%s", res.status, res.body)
	}
	if len(e.sources()) != 0 {
		t.Fatal("an invalid article was stored")
	}

	body := "# Returns\n\nYou can return any bike within 30 days for a full refund.\n\n## Damaged bikes\n\nSend us a photo of the damage first."
	res = b.post(e.path("knowledge/articles"), url.Values{"title": {"Returns policy"}, "lang": {"en"}, "body": {body}})
	src, ok := e.sources()["Returns policy"]
	if res.status != http.StatusOK || !ok || res.url != e.path("knowledge/"+ids.Encode(src.ID)) {
		t.Fatalf("create article: %d at %s, stored %v", res.status, res.url, ok)
	}
	if !strings.Contains(res.body, "Article saved") || !strings.Contains(res.body, "Damaged bikes") || strings.Count(res.body, `data-testid="chunk"`) != src.ChunkCount {
		t.Errorf("source page after create does not show the flash and its %d chunks", src.ChunkCount)
	}

	res = b.get(e.path("knowledge"))
	rows := sourceRow.FindAllString(res.body, -1)
	if len(rows) != 1 || !strings.Contains(rows[0], "Returns policy") || !strings.Contains(rows[0], "badge-on") || !strings.Contains(rows[0], "just now") {
		t.Fatalf("table rows = %q", rows)
	}
	if !strings.Contains(res.body, `data-testid="kind-article">Articles <span class="count">1</span>`) {
		t.Error("the Articles tab does not count the article")
	}

	// The test search finds it, as a fragment for htmx and as a page without.
	q := "/knowledge/search?q=" + url.QueryEscape("can I return my bike for a refund?")
	frag := b.htmx(e.path(q[1:]))
	results := resultItem.FindAllString(frag.body, -1)
	if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || len(results) == 0 || !strings.Contains(results[0], "Returns policy") {
		t.Fatalf("search fragment: %d %s", frag.status, frag.body)
	}
	if m := resultScore.FindStringSubmatch(results[0]); m == nil || m[1] == "0" {
		t.Errorf("first result has no score: %s", results[0])
	}
	if page := b.get(e.path(q[1:])); !strings.Contains(page.body, "<html") || !strings.Contains(page.body, `data-testid="search-result"`) {
		t.Error("search without htmx is not a whole page with results")
	}
	if none := b.htmx(e.path("knowledge/search?q=zeppelin")); !strings.Contains(none.body, `data-testid="no-results"`) {
		t.Error("a search for something absent does not say so")
	}

	// Edit: the form comes prefilled; saving re-indexes.
	edit := b.get(e.path("knowledge/" + ids.Encode(src.ID) + "/edit"))
	if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="Returns policy"`) || !strings.Contains(edit.body, "Send us a photo") {
		t.Fatalf("edit page: %d", edit.status)
	}
	res = b.post(e.path("knowledge/"+ids.Encode(src.ID)), url.Values{"title": {"Returns"}, "body": {"# Returns\n\nWithin 60 days, with the receipt."}})
	if res.status != http.StatusOK || e.sources()["Returns"].ID != src.ID {
		t.Fatalf("update: %d %v", res.status, e.sources())
	}
	if r := b.htmx(e.path("knowledge/search?q=receipt")); len(resultItem.FindAllString(r.body, -1)) != 1 {
		t.Error("the edited text is not found")
	}
}

func TestKnowledgeShortAnswer(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	res := b.post(e.path("knowledge/short-answers"), url.Values{"question": {"How long does delivery take?"}, "answer": {""}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-answer"`) {
		t.Fatalf("short answer without answer: %d", res.status)
	}
	res = b.post(e.path("knowledge/short-answers"), url.Values{
		"question": {"How long does delivery take?"},
		"variants": {"When will my parcel arrive?\r\n\r\nHow fast do you ship?\n"},
		"answer":   {"Two to three working days within Norway."},
	})
	src, ok := e.sources()["How long does delivery take?"]
	if res.status != http.StatusOK || !ok {
		t.Fatalf("create short answer: %d", res.status)
	}
	if len(src.Variants) != 2 || src.Variants[0] != "When will my parcel arrive?" || src.Variants[1] != "How fast do you ship?" {
		t.Errorf("variants = %q", src.Variants)
	}
	if !strings.Contains(res.body, `data-testid="variants"`) || !strings.Contains(res.body, "How fast do you ship?") {
		t.Error("the source page does not show the variants")
	}
	r := b.htmx(e.path("knowledge/search?q=" + url.QueryEscape("when will my parcel arrive")))
	if items := resultItem.FindAllString(r.body, -1); len(items) == 0 || !strings.Contains(items[0], "Two to three working days") {
		t.Errorf("a variant does not find the short answer: %s", r.body)
	}
	edit := b.get(e.path("knowledge/" + ids.Encode(src.ID) + "/edit"))
	if !strings.Contains(edit.body, "When will my parcel arrive?\nHow fast do you ship?</textarea>") {
		t.Error("the edit form does not list the variants one per line")
	}
}

// Preset answers: loaded by language, marked until filled in, and refused while a
// [[…]] is left.
func TestKnowledgePresets(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	page := b.get(e.path("knowledge/new/presets"))
	if page.status != http.StatusOK || !strings.Contains(page.body, `data-testid="preset-zh-Hant"`) || !strings.Contains(page.body, `value="en" checked`) {
		t.Fatalf("presets page: %d", page.status)
	}
	if res := b.post(e.path("knowledge/presets"), url.Values{}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Choose at least one language") {
		t.Errorf("no language: %d", res.status)
	}
	if res := b.post(e.path("knowledge/presets"), url.Values{"set": {"xx"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown language: %d", res.status)
	}
	res := b.post(e.path("knowledge/presets"), url.Values{"set": {"en", "nb"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Added 16 preset answers") || !strings.Contains(res.body, "replace the [[…]] parts with your own words") {
		t.Fatalf("load presets: %d\n%s", res.status, res.body)
	}
	if res := b.post(e.path("knowledge/presets"), url.Values{"set": {"en"}}); !strings.Contains(res.body, "every preset of these languages already") {
		t.Errorf("loaded again: %d", res.status)
	}
	src, ok := e.sources()["What are your opening hours?"]
	if !ok || src.Preset != "opening-hours" {
		t.Fatalf("opening hours preset: %+v", src)
	}
	edit := b.get(e.path("knowledge/" + ids.Encode(src.ID) + "/edit"))
	if !strings.Contains(edit.body, `data-testid="preset-notice"`) {
		t.Error("the edit form does not say it is a preset")
	}
	form := url.Values{"question": {src.Question}, "variants": {strings.Join(src.Variants, "\n")}, "answer": {src.Body}, "lang": {"en"}}
	res = b.post(e.path("knowledge/"+ids.Encode(src.ID)), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Replace [[Monday to Friday") {
		t.Errorf("saved with its [[…]]: %d\n%s", res.status, res.body)
	}
	form.Set("answer", "We are open Monday to Friday 10:00–18:00.")
	if res := b.post(e.path("knowledge/"+ids.Encode(src.ID)), form); res.status != http.StatusOK {
		t.Fatalf("filled in: %d", res.status)
	}
	if src := e.sources()["What are your opening hours?"]; src.Preset != "" || src.Status != knowledge.StatusReady {
		t.Errorf("after the edit: preset %q, status %s", src.Preset, src.Status)
	}
}

// The preview's "Add a short answer" link opens the form with the question filled in.
func TestKnowledgeShortAnswerPrefill(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	res := b.get(e.path("knowledge/new/short-answer?question=" + url.QueryEscape("  Do you ship to <Iceland>?  ")))
	if res.status != http.StatusOK || !strings.Contains(res.body, `name="question" type="text" value="Do you ship to &lt;Iceland&gt;?"`) {
		t.Fatalf("prefilled form: %d\n%s", res.status, res.body)
	}
	if strings.Contains(res.body, `aria-invalid`) {
		t.Error("the prefilled form shows an error")
	}
	long := strings.Repeat("é", 600)
	res = b.get(e.path("knowledge/new/short-answer?question=" + url.QueryEscape(long)))
	if res.status != http.StatusOK || !strings.Contains(res.body, `value="`+strings.Repeat("é", 500)+`"`) || strings.Contains(res.body, strings.Repeat("é", 501)) {
		t.Errorf("a long question is not cut at 500 characters: %d", res.status)
	}
	if res := b.get(e.path("knowledge/new/short-answer")); res.status != http.StatusOK || !strings.Contains(res.body, `name="question" type="text" value=""`) {
		t.Errorf("plain form: %d", res.status)
	}
}

func TestKnowledgeUpload(t *testing.T) {
	e, b := knowledgeOwner(t, func(c *config.Config) { c.Knowledge.MaxFileMB = 1 })
	faq := "question,answer\nDo you ship abroad?,Yes within the EU.\nCan I pay by invoice?,Yes for companies.\n"
	big := bytes.Repeat([]byte("lorem ipsum "), (1<<20)/12+1)
	res := b.upload(e.path("knowledge/files"), []file{
		{"handbook.md", "text/markdown", []byte("# Handbook\n\n## Brakes\n\nAdjust the brakes every season.\n\n## Gears\n\nClean the chain.")},
		{"faq.csv", "text/csv", []byte(faq)},
		{"photo.png", "image/png", []byte("\x89PNG\r\n\x1a\n....")},
		{"big.txt", "text/plain", big},
	}, false)
	if res.status != http.StatusOK {
		t.Fatalf("upload: %d\n%s", res.status, res.body)
	}
	got := map[string]string{}
	for _, m := range fileResult.FindAllStringSubmatch(res.body, -1) {
		got[m[2]] = m[1] + " " + m[3]
	}
	want := map[string]string{
		"handbook.md": "true added, 2 sections",
		"faq.csv":     "true 2 short answers",
		"big.txt":     "false larger than the 1 MB limit, not added",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
	// The file that made a source links to it.
	if !strings.Contains(res.body, `<a href="`+e.path("knowledge/"+ids.Encode(e.sources()["Handbook"].ID))+`" data-testid="file-result-source"><strong>handbook.md</strong>`) {
		t.Errorf("the result does not link to the source it made:\n%s", res.body)
	}
	if !strings.HasPrefix(got["photo.png"], "false ") || !strings.Contains(got["photo.png"], "not supported") {
		t.Errorf("photo.png: %q", got["photo.png"])
	}
	sources := e.sources()
	if len(sources) != 3 || sources["Handbook"].Kind != knowledge.KindFile || sources["Do you ship abroad?"].Kind != knowledge.KindShortAnswer {
		t.Errorf("stored after upload: %v", sources)
	}

	// Only bad files: 422, nothing stored; the htmx way (token in the header) works too.
	res = b.upload(e.path("knowledge/files"), []file{{"empty.txt", "text/plain", []byte("   ")}}, true)
	if res.status != http.StatusUnprocessableEntity || len(fileResult.FindAllString(res.body, -1)) != 1 || len(e.sources()) != 3 {
		t.Errorf("all-bad upload: %d, %d stored", res.status, len(e.sources()))
	}
	if res := b.upload(e.path("knowledge/files"), nil, false); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-file"`) {
		t.Errorf("upload without files: %d", res.status)
	}
	// A body over the request limit (20 files of the file limit) is refused as a whole.
	huge := bytes.Repeat([]byte("x"), 21<<20+1)
	if res := b.upload(e.path("knowledge/files"), []file{{"huge.txt", "text/plain", huge}}, false); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized request: %d", res.status)
	}
	if len(e.sources()) != 3 {
		t.Error("a refused upload stored something")
	}
}

func TestKnowledgePreview(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	b.get(e.path("knowledge/new/article"))
	md := "# Sizes\n\n<script>alert(1)</script>\n\n| Height | Frame |\n|---|---|\n| 170 cm | M |\n\n[shop](https://example.com) and [bad](javascript:alert(1)) <img src=x onerror=alert(1)>"
	res := b.post(e.path("knowledge/preview"), url.Values{"body": {md}})
	if res.status != http.StatusOK || strings.Contains(res.body, "<html") {
		t.Fatalf("preview: %d", res.status)
	}
	for _, want := range []string{"<h1>Sizes</h1>", "<td>170 cm</td>", `<a href="https://example.com" rel="nofollow noopener">shop</a>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("preview lacks %s:\n%s", want, res.body)
		}
	}
	for _, bad := range []string{"<script", "javascript:", "onerror", "<img"} {
		if strings.Contains(res.body, bad) {
			t.Errorf("preview passes %s through:\n%s", bad, res.body)
		}
	}
}

// Nested Markdown as large as the form allows is previewed, its nesting past the bounds
// shown as text; it took minutes of CPU before they existed ("- "*500k, "> "*500k,
// "[a]("*100k).
func TestKnowledgePreviewNesting(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	b.get(e.path("knowledge/new/article"))
	for _, shape := range []string{"- ", "> ", "[a]("} {
		body := strings.Repeat(shape, (1<<20-1024)/len(url.QueryEscape(shape))) + "x"
		res := b.post(e.path("knowledge/preview"), url.Values{"body": {body}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "x</") {
			t.Errorf("preview of %q*%d: %d", shape, len(body)/len(shape), res.status)
		}
	}
}

func TestKnowledgeURLs(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	page := b.get(e.path("knowledge/new/url"))
	if !strings.Contains(page.body, `name="max_pages" type="number" value="200"`) || !strings.Contains(page.body, "knowledge.allow_private_urls") {
		t.Error("the URL form lacks its default page cap or the note on private addresses")
	}
	for name, form := range map[string]url.Values{
		"not a URL":  {"url": {"not a url"}},
		"ftp":        {"url": {"ftp://example.com/faq"}},
		"crawl ftp":  {"url": {"ftp://example.com/faq"}, "crawl": {"1"}},
		"page count": {"url": {"https://example.com/"}, "crawl": {"1"}, "max_pages": {"5000"}},
		"not number": {"url": {"https://example.com/"}, "crawl": {"1"}, "max_pages": {"many"}},
	} {
		res := b.post(e.path("knowledge/urls"), form)
		field := "e-url"
		if form.Get("max_pages") != "" {
			field = "e-max_pages"
		}
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+field+`"`) {
			t.Errorf("%s: %d, want 422 with an error on %s", name, res.status, field)
		}
	}
	if len(e.sources()) != 0 {
		t.Fatal("an invalid URL was stored")
	}

	// A local site the fetcher may reach: one page added on its own, then the site crawled.
	site := e.bikeSite()

	res := b.post(e.path("knowledge/urls"), url.Values{"url": {site.URL + "/contact/"}})
	if res.status != http.StatusOK || res.url != e.path("knowledge") || !strings.Contains(res.body, "It is being fetched") {
		t.Fatalf("add URL: %d at %s", res.status, res.url)
	}
	waitFor(t, "the page to be fetched", func() bool { return e.sources()["Contact"].Status == knowledge.StatusReady })

	res = b.post(e.path("knowledge/urls"), url.Values{"url": {site.URL + "/"}, "crawl": {"1"}, "max_pages": {"10"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="crawl-card"`) {
		t.Fatalf("start crawl: %d", res.status)
	}
	crawls, err := e.knowledge.Crawls(context.Background(), e.wsID, 1)
	if err != nil || len(crawls) != 1 {
		t.Fatalf("crawls: %v %v", crawls, err)
	}
	card := e.path("knowledge/crawls/" + ids.Encode(crawls[0].ID) + "/progress")
	var frag response
	waitFor(t, "the crawl to finish", func() bool {
		frag = b.htmx(card)
		return strings.Contains(frag.body, `data-status="done"`)
	})
	if strings.Contains(frag.body, "hx-trigger") || !strings.Contains(frag.body, "Fetched 3 of max 10, skipped 0, failed 0") || strings.Contains(frag.body, "<html") {
		t.Errorf("finished crawl card:\n%s", frag.body)
	}
	for _, title := range []string{"Bikes", "Repairs", "Hours"} {
		if s := e.sources()[title]; s.Kind != knowledge.KindURL || s.Status != knowledge.StatusReady || s.CrawlID != crawls[0].ID {
			t.Errorf("crawled page %s = %+v", title, s)
		}
	}
	// Re-sync from the table: only web pages count.
	note, _ := e.knowledge.CreateShortAnswer(context.Background(), e.wsID, knowledge.ShortAnswerInput{Question: "Q?", Answer: "A."})
	b.get(e.path("knowledge"))
	res = b.post(e.path("knowledge/sync"), url.Values{"id": {ids.Encode(e.sources()["Hours"].ID), ids.Encode(note.ID)}})
	if !strings.Contains(res.body, "1 web page will be fetched again") {
		t.Errorf("re-sync flash missing: %d", res.status)
	}
	// Cancelling a finished import changes nothing and says so.
	if res := b.post(e.path("knowledge/crawls/"+ids.Encode(crawls[0].ID)+"/cancel"), url.Values{}); !strings.Contains(res.body, "already finished") {
		t.Errorf("cancel finished crawl: %d", res.status)
	}
}

func TestKnowledgeCancelCrawl(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	release := make(chan struct{})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		select { // a page that never comes, so the crawl keeps running
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer site.Close()
	defer close(release)
	e.allow(site)
	c, err := e.knowledge.StartCrawl(context.Background(), e.wsID, site.URL+"/", 0)
	if err != nil {
		t.Fatal(err)
	}
	card := e.path("knowledge/crawls/" + ids.Encode(c.ID) + "/progress")
	waitFor(t, "the crawl to run", func() bool { return strings.Contains(b.htmx(card).body, `data-status="running"`) })
	if frag := b.htmx(card); !strings.Contains(frag.body, `hx-trigger="every 1s"`) || !strings.Contains(frag.body, `data-testid="crawl-cancel"`) {
		t.Fatalf("running crawl card does not poll or offer Cancel:\n%s", frag.body)
	}
	b.get(e.path("knowledge"))
	res := b.post(e.path("knowledge/crawls/"+ids.Encode(c.ID)+"/cancel"), url.Values{})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Import cancelled") {
		t.Fatalf("cancel: %d", res.status)
	}
	if got, _ := e.knowledge.Crawl(context.Background(), e.wsID, c.ID); got.Status != knowledge.CrawlCancelled {
		t.Errorf("crawl status after cancel = %s", got.Status)
	}
}

func TestKnowledgeRemove(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	ctx := context.Background()
	var keep knowledge.Source
	var gone []string
	for i, topic := range []string{"tandem", "unicycle", "tricycle"} {
		s, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: "About the " + topic, Body: "# " + topic + "\n\nWe rent out a " + topic + " by the hour."})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			keep = s
		} else {
			gone = append(gone, ids.Encode(s.ID))
		}
	}
	b.get(e.path("knowledge"))
	res := b.post(e.path("knowledge/remove"), url.Values{"id": gone, "next": {e.path("knowledge?kind=article")}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Removed 2 sources.") || !strings.Contains(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("remove: %d %s", res.status, res.url)
	}
	rows := sourceRow.FindAllString(res.body, -1)
	if len(rows) != 1 || !strings.Contains(rows[0], "About the tricycle") {
		t.Errorf("table after remove: %q", rows)
	}
	for _, q := range []string{"tandem", "unicycle"} {
		if r := b.htmx(e.path("knowledge/search?q=" + q)); len(resultItem.FindAllString(r.body, -1)) != 0 {
			t.Errorf("search still finds the removed %s", q)
		}
	}
	if r := b.htmx(e.path("knowledge/search?q=tricycle")); len(resultItem.FindAllString(r.body, -1)) != 1 {
		t.Error("search lost the source that was kept")
	}
	if res := b.post(e.path("knowledge/remove"), url.Values{}); !strings.Contains(res.body, "Check the sources to remove first") {
		t.Error("removing nothing does not say so")
	}
	// Removing from the source's own page leads back to the table.
	page := b.get(e.path("knowledge/" + ids.Encode(keep.ID)))
	if !strings.Contains(page.body, `data-testid="source-remove"`) {
		t.Fatal("the source page has no Remove button")
	}
	res = b.post(e.path("knowledge/remove"), url.Values{"id": {ids.Encode(keep.ID)}})
	if res.url != e.path("knowledge") || len(e.sources()) != 0 {
		t.Errorf("remove from source page went to %s, %d left", res.url, len(e.sources()))
	}
}

func TestKnowledgePermissions(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	for _, u := range []struct {
		email  string
		editor bool
	}{{"ann@example.com", false}, {"ed@example.com", true}} {
		if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: u.email, Name: u.email, Password: "long password"}, account.RoleAgent, u.editor); err != nil {
			t.Fatal(err)
		}
	}
	src, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: "Opening hours", Body: "Open from nine."})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"knowledge", "knowledge/search?q=open", "knowledge/new/article", "knowledge/new/files", "knowledge/new/url",
		"knowledge/new/short-answer", "knowledge/" + ids.Encode(src.ID), "knowledge/" + ids.Encode(src.ID) + "/edit"}

	ann := e.browser()
	ann.login("ann@example.com", "long password")
	ann.get(e.path("inbox"))
	for _, p := range pages {
		if res := ann.get(e.path(p)); res.status != http.StatusForbidden {
			t.Errorf("agent GET %s = %d, want 403", p, res.status)
		}
	}
	if res := ann.post(e.path("knowledge/remove"), url.Values{"id": {ids.Encode(src.ID)}}); res.status != http.StatusForbidden {
		t.Errorf("agent remove = %d", res.status)
	}
	if res := ann.post(e.path("knowledge/articles"), url.Values{"title": {"Mine"}, "body": {"x"}}); res.status != http.StatusForbidden {
		t.Errorf("agent create = %d", res.status)
	}

	ed := e.browser()
	ed.login("ed@example.com", "long password")
	for _, p := range pages {
		if res := ed.get(e.path(p)); res.status != http.StatusOK {
			t.Errorf("agent editor GET %s = %d, want 200", p, res.status)
		}
	}
	if res := ed.post(e.path("knowledge/articles"), url.Values{"title": {"Prices"}, "body": {"A day costs 20 euros."}}); res.status != http.StatusOK {
		t.Errorf("agent editor create = %d", res.status)
	}
	if s := e.sources(); len(s) != 2 || s["Opening hours"].ID != src.ID {
		t.Errorf("sources = %v", s)
	}
	if res := ed.get(e.path("knowledge")); !strings.Contains(res.body, `data-testid="nav-knowledge"`) {
		t.Error("an agent editor does not see Knowledge in the navigation")
	}
}

func TestKnowledgeOtherWorkspace(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	ctx := context.Background()
	other, err := e.accounts.CreateWorkspace(ctx, "Not yours", mustAddUser(t, e, "z@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := e.knowledge.CreateArticle(ctx, other.ID, knowledge.ArticleInput{Title: "Secret", Body: "Their secret text."})
	if err != nil {
		t.Fatal(err)
	}
	crawl, err := e.knowledge.StartCrawl(ctx, other.ID, "https://example.com/", 1)
	if err != nil {
		t.Fatal(err)
	}
	id := ids.Encode(theirs.ID)
	for _, p := range []string{"knowledge/" + id, "knowledge/" + id + "/edit", "knowledge/crawls/" + ids.Encode(crawl.ID) + "/progress", "knowledge/nonsense!"} {
		if res := b.get(e.path(p)); res.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.status)
		}
	}
	b.get(e.path("knowledge"))
	if res := b.post(e.path("knowledge/"+id), url.Values{"title": {"Mine now"}, "body": {"x"}}); res.status != http.StatusNotFound {
		t.Errorf("update theirs = %d, want 404", res.status)
	}
	if res := b.post(e.path("knowledge/crawls/"+ids.Encode(crawl.ID)+"/cancel"), url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("cancel their crawl = %d, want 404", res.status)
	}
	if res := b.post(e.path("knowledge/remove"), url.Values{"id": {id}}); !strings.Contains(res.body, "Removed 0 sources.") {
		t.Errorf("remove theirs: %d", res.status)
	}
	if s, err := e.knowledge.Source(ctx, other.ID, theirs.ID); err != nil || s.Title != "Secret" {
		t.Errorf("their source after our requests: %+v %v", s, err)
	}
	if r := b.htmx(e.path("knowledge/search?q=secret")); len(resultItem.FindAllString(r.body, -1)) != 0 {
		t.Error("the test search finds another workspace's knowledge")
	}
}

// bikeSite is a small local web site the env's fetcher may reach: a home page linking to
// two more, and a contact page nothing links to.
func (e *env) bikeSite() *httptest.Server {
	pages := map[string]string{
		"/":         `<html><head><title>Bikes</title></head><body><main><h1>Bikes</h1><p>We sell city bikes.</p><a href="/repairs">Repairs</a> <a href="/hours">Hours</a></main></body></html>`,
		"/repairs":  `<html><head><title>Repairs</title></head><body><main><h1>Repairs</h1><p>We repair every brand of bike.</p><a href="/">Home</a></main></body></html>`,
		"/hours":    `<html><head><title>Hours</title></head><body><main><h1>Opening hours</h1><p>Monday to Friday from nine.</p></main></body></html>`,
		"/contact/": `<html><head><title>Contact</title></head><body><main><h1>Contact</h1><p>Call us on weekdays.</p></main></body></html>`,
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	e.t.Cleanup(site.Close)
	e.allow(site)
	return site
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestKnowledgeURLPrivate: a private or local address is refused at once, in plain words
// under the field, and nothing is stored; a page that fails when fetched shows why in
// plain words and is not shown as synced.
func TestKnowledgeURLPrivate(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	b.get(e.path("knowledge/new/url"))
	want := `<p class="error" id="e-url">This address is on a private or local network; the agent only reads public web pages. Pages on your own network need the server setting knowledge.allow_private_urls.</p>`
	for _, raw := range []string{"http://127.0.0.1:18181/", "http://localhost:18181/", "http://[::1]:18181/", "http://10.0.0.7/wiki"} {
		res := b.post(e.path("knowledge/urls"), url.Values{"url": {raw}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, want) || !strings.Contains(res.body, `value="`+raw+`"`) {
			t.Errorf("%s: %d, want 422 with the error under the address\n%s", raw, res.status, res.body)
		}
	}
	if n := len(e.sources()); n != 0 {
		t.Fatalf("refused addresses stored %d sources", n)
	}

	site := e.bikeSite()
	res := b.post(e.path("knowledge/urls"), url.Values{"url": {site.URL + "/missing"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "It is being fetched") {
		t.Fatalf("add a missing page: %d", res.status)
	}
	waitFor(t, "the fetch to fail", func() bool { return e.sources()[site.URL+"/missing"].Status == knowledge.StatusError })
	rows := sourceRow.FindAllString(b.get(e.path("knowledge")).body, -1)
	if len(rows) != 1 || !strings.Contains(rows[0], "Last error: The page answered 404 Not Found.") || !strings.Contains(rows[0], ">never<") {
		t.Errorf("failed page row = %q", rows)
	}
}

// TestKnowledgeUploadAgain: uploading a file again says it is there already and stores
// nothing; a new version under its name updates it; a sheet's questions update theirs.
func TestKnowledgeUploadAgain(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	results := func(res response) map[string]string {
		got := map[string]string{}
		for _, m := range fileResult.FindAllStringSubmatch(res.body, -1) {
			got[m[2]] = m[1] + " " + m[3]
		}
		return got
	}
	bikes := file{"bikes.md", "text/markdown", []byte("# Our bikes\n\nCity bikes.")}
	faq := file{"faq.csv", "text/csv", []byte("question,answer\nDo you ship abroad?,Yes within the EU.\nCan I pay by invoice?,Yes.\n")}
	b.get(e.path("knowledge/new/files"))
	b.upload(e.path("knowledge/files"), []file{bikes, faq}, false)

	res := b.upload(e.path("knowledge/files"), []file{bikes, faq}, false)
	want := map[string]string{
		"bikes.md": "true already in the knowledge (same name and content), not added again",
		"faq.csv":  "true already in the knowledge (the same 2 short answers), nothing changed",
	}
	if got := results(res); res.status != http.StatusOK || !maps.Equal(got, want) {
		t.Errorf("same upload again: %d %q, want %q", res.status, got, want)
	}

	bikes.data = []byte("# Our bikes\n\nCity bikes.\n\n## Cargo\n\nCargo bikes too.")
	faq.data = []byte("question,answer\nDO YOU  ship abroad?,Yes to all of Europe.\nCan I pay by invoice?,Yes.\nDo you repair bikes?,Yes.\n")
	res = b.upload(e.path("knowledge/files"), []file{bikes, faq}, false)
	want = map[string]string{
		"bikes.md": "true updated with the new content, 2 sections",
		"faq.csv":  "true 1 short answer added, 1 updated, 1 already in the knowledge",
	}
	if got := results(res); !maps.Equal(got, want) {
		t.Errorf("new versions: %q, want %q", got, want)
	}
	sources := e.sources()
	if len(sources) != 4 || sources["Our bikes"].ChunkCount != 2 || sources["DO YOU ship abroad?"].Body != "Yes to all of Europe." {
		t.Errorf("stored: %v", sources)
	}
}

// TestKnowledgeCountsFollowFilter: the kind tabs count what they would show with the
// search and status on; a search that finds nothing still shows the table, not the
// "no knowledge yet" page.
func TestKnowledgeCountsFollowFilter(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	ctx := context.Background()
	for _, title := range []string{"Tandem rental", "Unicycle rental", "Opening hours"} {
		if _, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: title, Body: "About " + title + "."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.knowledge.CreateShortAnswer(ctx, e.wsID, knowledge.ShortAnswerInput{Question: "Can I rent a tandem?", Answer: "Yes."}); err != nil {
		t.Fatal(err)
	}
	tab := func(body, key string, n int) bool {
		return regexp.MustCompile(`data-testid="kind-` + key + `">[^<]+<span class="count">` + fmt.Sprint(n) + `</span>`).MatchString(body)
	}
	for _, c := range []struct {
		query                 string
		all, articles, shorts int
	}{
		{"", 4, 3, 1},
		{"?q=tandem", 2, 1, 1},
		{"?q=rental&kind=article", 2, 2, 0},
		{"?status=error", 0, 0, 0},
		{"?q=zeppelin", 0, 0, 0},
	} {
		res := b.get(e.path("knowledge" + c.query))
		if !tab(res.body, "all", c.all) || !tab(res.body, "article", c.articles) || !tab(res.body, "short_answer", c.shorts) {
			t.Errorf("%s: tabs do not say all %d, articles %d, short answers %d", c.query, c.all, c.articles, c.shorts)
		}
		if strings.Contains(res.body, `data-testid="knowledge-empty"`) {
			t.Errorf("%s: shows the empty knowledge page", c.query)
		}
	}
}

// TestKnowledgeBulkRemoveConfirm: Remove asks first only with sources checked (static
// js/knowledge.js skips htmx's question when none is); the browser test clicks it.
func TestKnowledgeBulkRemoveConfirm(t *testing.T) {
	e, b := knowledgeOwner(t, nil)
	if _, err := e.knowledge.CreateArticle(context.Background(), e.wsID, knowledge.ArticleInput{Title: "Tandems", Body: "We rent tandems."}); err != nil {
		t.Fatal(err)
	}
	res := b.get(e.path("knowledge"))
	button := regexp.MustCompile(`(?s)<button[^>]*data-testid="bulk-remove"`).FindString(res.body)
	if !strings.Contains(button, `hx-confirm="Remove the checked sources?`) || !strings.Contains(button, `data-confirm-if-checked="id"`) {
		t.Errorf("Remove button = %s", button)
	}
	if !strings.Contains(res.body, `<script src="/static/js/knowledge.js?v=`) {
		t.Error("the knowledge table does not load knowledge.js")
	}
	script := b.get("/static/js/knowledge.js")
	if script.status != http.StatusOK || !strings.Contains(script.body, "htmx:confirm") || !strings.Contains(script.body, "data-confirm-if-checked") {
		t.Errorf("knowledge.js: %d", script.status)
	}
}
