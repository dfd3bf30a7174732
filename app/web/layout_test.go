package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// TestFavicon: every page names the tab icon, and the address browsers ask for on their
// own answers it instead of a 404.
func TestFavicon(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	if res := b.get("/login"); !strings.Contains(res.body, `<link rel="icon" href="/favicon.svg" type="image/svg+xml">`) {
		t.Error("the login page does not link the icon")
	}
	for _, p := range []string{"/favicon.svg", "/favicon.ico"} {
		res := b.get(p)
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(res.body, "<svg ") ||
			res.header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s = %d %q, CSP %q: %.60s", p, res.status, res.header.Get("Content-Type"), res.header.Get("Content-Security-Policy"), res.body)
		}
	}
}

// TestBrowserPhoneWidth opens the admin's pages at a phone's width (390 CSS pixels) in a
// real headless Chromium: none is wider than the screen, so none scrolls sideways, and
// the buttons that used to fall off the right edge are on screen; tabs do not scroll up
// and down, and radios keep their size beside long help texts.
func TestBrowserPhoneWidth(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	ctx := context.Background()
	// A web page with a long address (its fetch is refused, so it also shows an error).
	if _, err := e.knowledge.AddURL(ctx, e.wsID, "https://www.a-bicycle-shop-with-a-rather-long-name.example/help/returns-and-refunds-for-bicycles-and-parts"); err != nil {
		t.Fatal(err)
	}
	ava := e.createAgent("Ava")
	ch, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Website of the shop", AgentID: ava.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := e.service.Store.NewVisitor(ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.service.Store.OpenConversation(ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"How much does shipping cost for an order to the north of Norway?", "can I talk to a human"} {
		if _, _, err := e.service.VisitorMessage(ctx, ch, conv, text, "en"); err != nil {
			t.Fatal(err)
		}
	}

	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	step("log in on a phone",
		chromedp.EmulateViewport(390, 844),
		e.browserLogIn(),
	)
	// Each page, with the elements that must be within the screen's width.
	pages := []struct {
		name, path string
		onScreen   []string
	}{
		{"inbox", e.path("inbox?view=all"), []string{`[data-testid="logout"]`}},
		{"conversation", e.path("inbox/" + ids.Encode(conv.ID) + "?view=all"), []string{`[data-testid="close"]`, `[data-testid="logout"]`}},
		{"knowledge", e.path("knowledge"), []string{`[data-testid="add-url"]`, `[data-testid="logout"]`}},
		{"agents", e.path("agents"), []string{`[data-testid="new-agent"]`}},
		{"preview", e.agentPath(ava, "preview"), []string{`[data-testid="preview-form"] button[type="submit"]`}},
		{"channels", e.path("channels"), []string{`[data-testid="new-channel"]`}},
		{"channel", e.channelPagePath(ch, ""), []string{`[data-testid="copy-snippet"]`}},
		{"new channel", e.path("channels/new"), nil},
	}
	for _, p := range pages {
		var width int
		step(p.name,
			chromedp.Navigate(e.srv.URL+p.path),
			chromedp.WaitVisible(`main#main`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
		)
		if width > 390 {
			var wide string
			chromedp.Run(bctx, chromedp.Evaluate(`[...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > 391).slice(0, 5).map(el => el.tagName + "." + el.className).join(", ")`, &wide))
			t.Errorf("%s: the page is %d px wide on a 390 px screen (too wide: %s)", p.name, width, wide)
		}
		// Tabs that scroll sideways must not scroll up and down too (a 1 px overflow showed
		// arrows), and no radio or checkbox is squashed by the text beside it.
		var problems []string
		step(p.name+" tabs and choices", chromedp.Evaluate(`[
			...[...document.querySelectorAll(".tabs")].filter(el => el.scrollHeight > el.clientHeight).map(el => "tabs overflow by " + (el.scrollHeight - el.clientHeight) + " px"),
			...[...document.querySelectorAll("input[type=radio], input[type=checkbox]")].filter(el => el.offsetParent !== null && el.getBoundingClientRect().width < 12).map(el => (el.id || el.name) + " is " + el.getBoundingClientRect().width.toFixed(1) + " px wide")
		]`, &problems))
		for _, pr := range problems {
			t.Errorf("%s: %s", p.name, pr)
		}
		for _, sel := range p.onScreen {
			var right float64
			step(p.name+" "+sel, chromedp.Evaluate(`document.querySelector('`+sel+`').getBoundingClientRect().right`, &right))
			if right > 390 {
				t.Errorf("%s: %s ends at %.0f px, off a 390 px screen", p.name, sel, right)
			}
		}
	}
}
