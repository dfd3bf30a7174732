package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/knowledge"
)

// TestBrowserSetupLoginTeam clicks through first-run setup (which logs the owner in) and team creation in a
// real headless Chromium, with htmx doing the navigation as it does for people.
func TestBrowserSetupLoginTeam(t *testing.T) {
	e := newEnv(t, nil)
	ctx := browsertest.New(t, 60*time.Second)

	var flash, teams, title string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(`[data-testid="setup-form"]`),
		chromedp.SendKeys(`#f-workspace`, "Nordic Bikes"),
		chromedp.SendKeys(`#f-name`, "Olga Owner"),
		chromedp.SendKeys(`#f-email`, "olga@example.com"),
		chromedp.SendKeys(`#f-password`, "a long password"),
		chromedp.Click(`[data-testid="setup-form"] button[type="submit"]`),

		// Logged in at once: the password was just chosen.
		chromedp.WaitVisible(`[data-testid="section-inbox"]`),
		chromedp.Text(`.flash`, &flash),
		chromedp.Click(`[data-testid="nav-settings"]`),
		chromedp.WaitVisible(`.tabs`),
		chromedp.Click(`//nav[@class="tabs"]/a[text()="Teams"]`),
		chromedp.WaitVisible(`[data-testid="team-form"]`),
		chromedp.SendKeys(`[data-testid="team-form"] #f-name`, "Billing"),
		chromedp.Click(`[data-testid="team-form"] button[type="submit"]`),

		chromedp.WaitVisible(`[data-testid="teams-list"]`),
		chromedp.Text(`[data-testid="teams-list"]`, &teams),
		chromedp.Title(&title),
	)
	if err != nil {
		t.Fatalf("browser flow: %v", err)
	}
	if !strings.Contains(flash, "Your account and workspace are ready") {
		t.Errorf("login page flash = %q", flash)
	}
	if !strings.Contains(title, "Teams") {
		t.Errorf("title after creating a team = %q", title)
	}
	var value string
	if err := chromedp.Run(ctx, chromedp.Value(`[data-testid="team-name"]`, &value)); err != nil || value != "Billing" {
		t.Errorf("listed team = %q (%v), want Billing; list text %q", value, err, teams)
	}
}

// TestBrowserKnowledge adds each kind of knowledge in a real headless Chromium, as an
// owner would: an article in the Markdown editor with its live preview, a short answer,
// an uploaded file and a crawled site, whose progress card polls until it is done; then
// the test search ranks the article first for a question about it.
func TestBrowserKnowledge(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	site := e.bikeSite()
	upload := filepath.Join(t.TempDir(), "handbook.md")
	if err := os.WriteFile(upload, []byte("# Handbook\n\n## Brakes\n\nAdjust the brakes every season.\n\n## Chain\n\nOil the chain monthly."), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, ctx)
	var preview, fileResult, crawlStatus, crawlCounts, firstResult, location string
	var results int
	step("log in",
		e.browserLogIn(),
	)
	step("write an article, the preview following the typing",
		chromedp.Click(`[data-testid="nav-knowledge"]`),
		chromedp.WaitVisible(`[data-testid="knowledge-empty"]`),
		chromedp.Click(`[data-testid="add-article"]`),
		chromedp.WaitVisible(`[data-testid="article-form"]`),
		chromedp.SendKeys(`#f-title`, "Frame sizes"),
		chromedp.SendKeys(`#f-body`, "# Frame sizes\n\nRiders from 170 to 185 cm need a **medium** frame.\n\n| Height | Frame |\n|---|---|\n| 180 cm | M |\n"),
		chromedp.WaitVisible(`//div[@id="preview"]//td[.="M"]`), // the last cell typed
		chromedp.Text(`#preview`, &preview),
		chromedp.Click(`[data-testid="article-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="source-heading"]`),
	)
	step("add a short answer",
		chromedp.Navigate(e.srv.URL+e.path("knowledge/new/short-answer")),
		chromedp.WaitVisible(`[data-testid="short-answer-form"]`),
		chromedp.SendKeys(`#f-question`, "How long does delivery take?"),
		chromedp.SendKeys(`#f-variants`, "When will my parcel arrive?"),
		chromedp.SendKeys(`#f-answer`, "Two to three working days."),
		chromedp.Click(`[data-testid="short-answer-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="short-answer"]`),
	)
	step("upload a file",
		chromedp.Navigate(e.srv.URL+e.path("knowledge/new/files")),
		chromedp.WaitVisible(`[data-testid="files-form"]`),
		chromedp.SetUploadFiles(`#f-file`, []string{upload}),
		chromedp.Click(`[data-testid="files-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="file-result"]`),
		chromedp.Text(`[data-testid="file-result"]`, &fileResult),
	)
	// The import's card polls itself until the crawl has ended, however it ended.
	ended := `[data-testid="crawl-card"]:not([data-status="pending"]):not([data-status="running"])`
	before := len(e.sources()) // the article, the short answer and the file
	step("import a site",
		chromedp.Navigate(e.srv.URL+e.path("knowledge/new/url")),
		chromedp.WaitVisible(`[data-testid="url-form"]`),
		chromedp.SendKeys(`#f-url`, site.URL+"/"),
		chromedp.Click(`[data-testid="crawl-checkbox"]`),
		chromedp.Click(`[data-testid="url-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="crawl-card"]`),
		chromedp.WaitVisible(ended),
		chromedp.Text(ended+` [data-testid="crawl-status"]`, &crawlStatus),
		chromedp.Text(ended+` [data-testid="crawl-counts"]`, &crawlCounts),
	)
	// The table shows the imported pages without a reload.
	// (The import's pages are sources once listed, fetched after: the count is of rows.)
	step("the table follows the import",
		chromedp.Poll(fmt.Sprintf(`document.querySelectorAll('[data-testid="knowledge-table"] tbody tr').length > %d`, before), nil,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	step("test search, answered under the box",
		chromedp.SendKeys(`#search-q`, "Which frame size fits a rider of 180 cm?"),
		chromedp.Click(`[data-testid="search-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="search-result"]`),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="search-result"]').length`, &results),
		chromedp.Text(`[data-testid="search-result"] [data-testid="result-title"]`, &firstResult),
		chromedp.Location(&location),
	)
	if !strings.Contains(preview, "Frame sizes") || !strings.Contains(preview, "180 cm") {
		t.Errorf("preview = %q", preview)
	}
	if fileResult != "handbook.md: added, 2 sections" {
		t.Errorf("file result = %q", fileResult)
	}
	if crawlStatus != "Done" || !strings.Contains(crawlCounts, "Fetched 3 of max 200") {
		t.Errorf("crawl card = %q: %q", crawlStatus, crawlCounts)
	}
	if firstResult != "Frame sizes" {
		t.Errorf("first search result = %q (of %d)", firstResult, results)
	}
	if !strings.HasSuffix(location, e.path("knowledge")) {
		t.Errorf("the test search left the page for %s", location)
	}
	if n := len(e.sources()); n != 6 {
		t.Errorf("%d sources after the flow, want 6 (article, short answer, file, 3 pages)", n)
	}
}

// TestBrowserKnowledgeBulk re-syncs and removes checked rows of the knowledge table: the
// two buttons of one form, Remove asking first, both returning to the filtered table.
func TestBrowserKnowledgeBulk(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	site := e.bikeSite()
	bg := context.Background()
	for _, title := range []string{"Tandems", "Unicycles"} {
		if _, err := e.knowledge.CreateArticle(bg, e.wsID, knowledge.ArticleInput{Title: title, Body: "We rent " + title + "."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.knowledge.AddURL(bg, e.wsID, site.URL+"/hours"); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.New(t, 30*time.Second)
	var dialogs atomic.Int32
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeConfirm {
			dialogs.Add(1)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		}
	})
	var removed, synced, afterRemove, afterSync string
	var rows int
	err := chromedp.Run(ctx,
		e.browserLogIn(),

		chromedp.Navigate(e.srv.URL+e.path("knowledge?kind=article")),
		chromedp.WaitVisible(`[data-testid="knowledge-table"]`),
		chromedp.Click(`//tr[.//a[.="Tandems"]]//input[@type="checkbox"]`),
		chromedp.Click(`[data-testid="bulk-remove"]`),
		chromedp.WaitVisible(`.flash`),
		chromedp.Text(`.flash`, &removed),
		chromedp.Location(&afterRemove),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="source-row"]').length`, &rows),

		chromedp.Navigate(e.srv.URL+e.path("knowledge")),
		chromedp.WaitVisible(`[data-testid="knowledge-table"]`),
		chromedp.Click(`//tr[@data-kind="url"]//input[@type="checkbox"]`),
		chromedp.Click(`[data-testid="bulk-sync"]`),
		chromedp.WaitVisible(`.flash`),
		chromedp.Text(`.flash`, &synced),
		chromedp.Location(&afterSync),
	)
	if err != nil {
		t.Fatalf("browser flow: %v", err)
	}
	if removed != "Removed 1 source." || rows != 1 || dialogs.Load() != 1 {
		t.Errorf("remove: flash %q, %d rows left, %d confirmations", removed, rows, dialogs.Load())
	}
	if !strings.HasSuffix(afterRemove, e.path("knowledge?kind=article")) || !strings.HasSuffix(afterSync, e.path("knowledge")) {
		t.Errorf("returned to %s and %s", afterRemove, afterSync)
	}
	if synced != "1 web page will be fetched again in a moment." {
		t.Errorf("re-sync flash = %q", synced)
	}
	if s := e.sources(); len(s) != 2 || s["Tandems"].ID != 0 {
		t.Errorf("sources after the flow: %v", s)
	}
}

// TestBrowserAgent creates an AI agent through its form in a real headless Chromium: the
// brand voice and the list of sources show only once chosen, and the new agent is listed.
func TestBrowserAgent(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	bg := context.Background()
	for _, title := range []string{"Returns policy", "Delivery times"} {
		if _, err := e.knowledge.CreateArticle(bg, e.wsID, knowledge.ArticleInput{Title: title, Body: "About " + title + "."}); err != nil {
			t.Fatal(err)
		}
	}

	ctx := browsertest.New(t, 30*time.Second)
	step := browsertest.Steps(t, ctx)
	visible := func(sel string, v *bool) chromedp.Action {
		return chromedp.Evaluate(`(function(){ const el = document.querySelector('`+sel+`'); return !!el && el.offsetParent !== null })()`, v)
	}
	var voiceBefore, sourcesBefore, voiceAfter bool
	var flash, row, location string
	step("log in",
		e.browserLogIn(),
	)
	step("open the form from the empty list",
		chromedp.Click(`[data-testid="nav-agents"]`),
		chromedp.WaitVisible(`[data-testid="agents-empty"]`),
		chromedp.Click(`[data-testid="create-first-agent"]`),
		chromedp.WaitVisible(`[data-testid="agent-form"]`),
		visible(`#f-voice`, &voiceBefore),
		visible(`[data-testid="source-list"]`, &sourcesBefore),
	)
	step("fill it in and create the agent",
		chromedp.SendKeys(`#f-name`, "Ava"),
		chromedp.Click(`input[name="role"][value="sales"]`),
		chromedp.Click(`#personality-custom`),
		chromedp.WaitVisible(`#f-voice`),
		visible(`#f-voice`, &voiceAfter),
		chromedp.SendKeys(`#f-voice`, "Calm and brief."),
		chromedp.Click(`[data-testid="knowledge-chosen"]`),
		chromedp.WaitVisible(`[data-testid="source-list"]`),
		chromedp.Click(`//fieldset[@data-testid="source-list"]//label[contains(., "Delivery times")]/input`),
		chromedp.Click(`[data-testid="rephrase-first"]`),
		chromedp.Click(`[data-testid="agent-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="agents-table"]`),
		chromedp.Text(`.flash`, &flash),
		chromedp.Text(`[data-testid="agent-row"]`, &row),
		chromedp.Location(&location),
	)
	if voiceBefore || sourcesBefore || !voiceAfter {
		t.Errorf("brand voice visible before/after choosing it: %v/%v; sources visible before choosing them: %v", voiceBefore, voiceAfter, sourcesBefore)
	}
	if flash != "Agent Ava created." || !strings.HasSuffix(location, e.path("agents")) {
		t.Errorf("after create: flash %q at %s", flash, location)
	}
	for _, want := range []string{"Ava", "Sales representative", "Custom brand voice", "1 source", "Active"} {
		if !strings.Contains(row, want) {
			t.Errorf("listed agent %q lacks %q", row, want)
		}
	}
	a := e.agent("Ava")
	if a.Voice != "Calm and brief." || !a.RephraseFirst || !a.Active || a.AllSources || len(a.SourceIDs) != 1 ||
		a.SourceIDs[0] != e.sources()["Delivery times"].ID {
		t.Errorf("stored agent = %+v", a)
	}
}

// TestBrowserPreviewStreams asks an agent a question in the preview of a real headless
// Chromium: the reply shows as a draft while the model writes it, then the transcript
// shows the final reply with its decision and source.
func TestBrowserPreviewStreams(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	a := e.createAgent("Ava")
	e.replyWith(giftReply)
	e.ollama.SetTokenDelay(30 * time.Millisecond)

	ctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, ctx)
	step("log in",
		e.browserLogIn(),
	)
	step("ask",
		chromedp.Navigate(e.srv.URL+e.agentPath(a, "preview")),
		chromedp.WaitVisible(`[data-testid="empty-transcript"]`),
		chromedp.SendKeys(`#preview-message`, giftQuestion),
		chromedp.Click(`[data-testid="preview-form"] button[type="submit"]`),
	)

	// Poll the page: a draft with part of the reply shows before the final reply replaces it.
	type state struct {
		Draft string `json:"draft"`
		Final bool   `json:"final"`
	}
	var partial string
	deadline := time.Now().Add(30 * time.Second)
	for {
		var s state
		step("poll", chromedp.Evaluate(`(function () {
			const d = document.querySelector(".msg-draft .msg-body");
			return {draft: d ? d.textContent : "", final: !!document.querySelector('[data-testid="bot-message"]')};
		})()`, &s))
		if s.Final {
			break
		}
		if s.Draft != "" && len(s.Draft) < len(giftReply) && partial == "" {
			partial = s.Draft
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final reply; draft %q", s.Draft)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if partial == "" || !strings.HasPrefix(giftReply, partial) {
		t.Errorf("no partial draft seen before the final reply (saw %q)", partial)
	}

	var reply, sources, input string
	var visitors, drafts int
	step("final reply",
		chromedp.WaitVisible(`[data-testid="bot-message"][data-decision="answer"]`),
		chromedp.Text(`[data-testid="bot-message"] .msg-body`, &reply),
		chromedp.Text(`[data-testid="bot-message"] .msg-sources`, &sources),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="visitor-message"]').length`, &visitors),
		chromedp.Evaluate(`document.querySelectorAll('.msg-draft').length`, &drafts),
		chromedp.Value(`#preview-message`, &input),
	)
	if reply != giftReply || !strings.Contains(sources, giftQuestion) {
		t.Errorf("final reply %q with sources %q", reply, sources)
	}
	if visitors != 1 || drafts != 0 || input != "" {
		t.Errorf("%d visitor messages, %d drafts left, input %q", visitors, drafts, input)
	}
	if n := e.messageCount(); n != 2 {
		t.Errorf("%d messages stored, want the question and the reply", n)
	}
}

// browserLogIn logs the owner in through the login form and waits for the inbox.
func (e *env) browserLogIn() chromedp.Action {
	return e.browserLogInAs("owner@example.com", "owner password")
}

// browserLogInAs logs a member in and waits for their inbox.
func (e *env) browserLogInAs(email, password string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Navigate(e.srv.URL + "/login"),
		chromedp.WaitVisible(`[data-testid="login-form"]`),
		chromedp.SendKeys(`#f-email`, email),
		chromedp.SendKeys(`#f-password`, password),
		chromedp.Click(`[data-testid="login-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="section-inbox"]`),
	}
}
