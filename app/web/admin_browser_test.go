package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// cspWatch records, on every page the tab opens, the Content-Security-Policy violations
// the page causes (window.cspViolations).
const cspWatch = `window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber + " " + e.sample);
});`

// No admin page breaks the Content-Security-Policy (an inline style or script the
// browser refuses and reports on the console).
func TestBrowserAdminPagesKeepCSP(t *testing.T) {
	e := newEnv(t, nil)
	ctx := browsertest.New(t, 90*time.Second)
	step := browsertest.Steps(t, ctx)
	var got []string
	step("setup",
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(cspWatch).Do(ctx)
			return err
		}),
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(`[data-testid="setup-form"]`),
		chromedp.Sleep(100*time.Millisecond),
		chromedp.Evaluate(`window.cspViolations || []`, &got),
	)
	if len(got) > 0 {
		t.Errorf("setup: %s", strings.Join(got, "; "))
	}
	e.setupOwner()
	a := e.createAgent("Ava")
	ch := e.createChannel(channel.Input{Name: "Website", AgentID: a.ID})
	step("log in", e.browserLogIn())
	for _, p := range []string{"channels/" + ids.Encode(ch.ID), "agents/" + ids.Encode(a.ID) + "/edit", "agents/" + ids.Encode(a.ID) + "/preview", "inbox", "knowledge", "knowledge/new/article", "knowledge/new/files", "knowledge/new/url",
		"knowledge/new/presets", "knowledge/search", "agents", "agents/new", "channels", "channels/new", "contacts",
		"reports", "reports/usage", "settings", "settings/users", "settings/teams", "settings/assist", "settings/bot"} {
		var got []string
		step(p,
			chromedp.Navigate(e.srv.URL+e.path(p)),
			chromedp.WaitReady(`body`),
			chromedp.Sleep(100*time.Millisecond), // reports are queued as tasks
			chromedp.Evaluate(`window.cspViolations || []`, &got),
		)
		if len(got) > 0 {
			t.Errorf("%s: %s", p, strings.Join(got, "; "))
		}
	}
	// The same through the sidebar's links, which htmx follows without reloading the page.
	step("inbox", chromedp.Navigate(e.srv.URL+e.path("inbox")), chromedp.WaitVisible(`[data-testid="section-inbox"]`))
	for _, key := range []string{"knowledge", "agents", "channels", "contacts", "reports", "settings", "inbox"} {
		var got []string
		step("boosted "+key,
			chromedp.Click(`[data-testid="nav-`+key+`"]`),
			chromedp.WaitVisible(`[data-testid="nav-`+key+`"][aria-current="page"]`),
			chromedp.Sleep(100*time.Millisecond),
			chromedp.Evaluate(`window.cspViolations || []`, &got),
		)
		if len(got) > 0 {
			t.Errorf("boosted %s: %s", key, strings.Join(got, "; "))
		}
	}
	step("a form htmx posts, and the workspace switcher",
		chromedp.Navigate(e.srv.URL+e.path("settings/teams")),
		chromedp.WaitVisible(`[data-testid="team-form"]`),
		chromedp.SendKeys(`[data-testid="team-form"] #f-name`, "Billing"),
		chromedp.Click(`[data-testid="team-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="teams-list"]`),
		chromedp.Click(`[data-testid="workspace-switcher"]`),
		chromedp.Sleep(100*time.Millisecond),
		chromedp.Evaluate(`window.cspViolations || []`, &got))
	if len(got) > 0 {
		t.Errorf("form: %s", strings.Join(got, "; "))
	}
	step("password", chromedp.Navigate(e.srv.URL+"/account/password"), chromedp.WaitReady(`body`), chromedp.Sleep(100*time.Millisecond),
		chromedp.Evaluate(`window.cspViolations || []`, &got))
	if len(got) > 0 {
		t.Errorf("password: %s", strings.Join(got, "; "))
	}
	step("logged out", chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitReady(`body`), chromedp.Sleep(100*time.Millisecond),
		chromedp.Evaluate(`window.cspViolations || []`, &got))
	if len(got) > 0 {
		t.Errorf("login: %s", strings.Join(got, "; "))
	}
}

// The article's preview follows text pasted with the mouse (an input event, no key).
func TestBrowserArticlePreviewFollowsPaste(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, ctx)
	step("paste into a new article",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("knowledge/new/article")),
		chromedp.WaitVisible(`[data-testid="article-form"]`),
		chromedp.Evaluate(`(function () {
			const body = document.getElementById("f-body");
			body.value = "# Pasted\n\nRiders need a **medium** frame.";
			body.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
		})()`, nil),
		chromedp.WaitVisible(`//div[@id="preview"]//strong[.="medium"]`),
	)
}

// On a phone the Knowledge table scrolls inside its box instead of being cut off, and the
// page itself does not scroll sideways; in the sidebar a long workspace name keeps the
// switcher's arrow in view.
func TestBrowserKnowledgeOnAPhone(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	if err := e.accounts.RenameWorkspace(context.Background(), e.wsID, "Nordic Bikes and Mountain Gear of Western Norway"); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, ctx)
	var arrow bool
	step("the sidebar's switcher",
		e.browserLogIn(),
		chromedp.Evaluate(`(function () {
			const s = document.querySelector('[data-testid="workspace-switcher"]');
			const arrow = getComputedStyle(s, "::after").content;
			const box = s.getBoundingClientRect(), side = document.querySelector(".sidebar").getBoundingClientRect();
			return arrow.includes("▾") && box.right <= side.right + 1 && s.scrollWidth <= s.clientWidth + 1;
		})()`, &arrow),
	)
	if !arrow {
		t.Error("the switcher's arrow is cut off with the long name")
	}
	var fits bool
	var report string
	step("a phone",
		emulation.SetDeviceMetricsOverride(375, 740, 2, true),
		chromedp.Navigate(e.srv.URL+e.path("knowledge")),
		chromedp.WaitVisible(`[data-testid="knowledge-table"]`),
		chromedp.Evaluate(`(function () {
			const wrap = document.querySelector('[data-testid="knowledge-table"]').closest(".table-wrap");
			const r = wrap.getBoundingClientRect();
			return document.documentElement.scrollWidth <= window.innerWidth && r.right <= window.innerWidth + 1 && r.left >= -1;
		})()`, &fits),
		chromedp.Evaluate(`JSON.stringify({page: document.documentElement.scrollWidth, view: window.innerWidth,
			wrap: document.querySelector(".table-wrap").getBoundingClientRect().toJSON(),
			table: document.querySelector('[data-testid="knowledge-table"]').getBoundingClientRect().width})`, &report),
	)
	if !fits {
		t.Errorf("the Knowledge table on a phone: %s", report)
	}
}
