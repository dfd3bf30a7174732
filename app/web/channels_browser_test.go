package web_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// TestBrowserChannel adds a chat widget through its form in a real headless Chromium: the
// warning about any site and the handoff targets follow what is typed and chosen, and the
// new channel's page shows the install snippet, which the Copy button copies.
func TestBrowserChannel(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ava := e.createAgent("Ava")

	ctx := browsertest.New(t, 30*time.Second)
	step := browsertest.Steps(t, ctx)
	visible := func(sel string, v *bool) chromedp.Action {
		return chromedp.Evaluate(`(function(){ const el = document.querySelector('`+sel+`'); return !!el && el.offsetParent !== null })()`, v)
	}
	var warningBefore, warningAfter, targetsBefore, targetsAfter bool
	var flash, snippet, copied, location, preview string
	step("log in",
		e.browserLogIn(),
	)
	step("open the form from the empty list",
		chromedp.Click(`[data-testid="nav-channels"]`),
		chromedp.WaitVisible(`[data-testid="channels-empty"]`),
		chromedp.Click(`[data-testid="create-first-channel"]`),
		chromedp.WaitVisible(`[data-testid="channel-form"]`),
		visible(`[data-testid="origins-warning"]`, &warningBefore),
		visible(`[data-testid="handoff-targets"]`, &targetsBefore),
	)
	step("fill it in and create the widget",
		chromedp.SendKeys(`#f-name`, "Shop site"),
		chromedp.SetValue(`#f-agent`, ids.Encode(ava.ID)),
		chromedp.SendKeys(`#f-origins`, "https://shop.example"),
		visible(`[data-testid="origins-warning"]`, &warningAfter),
		chromedp.SendKeys(`#f-welcome`, "Hi! How can we help?"),
		chromedp.SendKeys(`#f-quick_replies`, "Where is my order?\nReturns"),
		chromedp.Click(`[data-testid="handoff-unassigned"]`),
		visible(`[data-testid="handoff-targets"]`, &targetsAfter),
		chromedp.Click(`[data-testid="channel-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="snippet"]`),
		chromedp.Text(`.flash`, &flash),
		chromedp.Text(`[data-testid="snippet"]`, &snippet),
		chromedp.Text(`[data-testid="widget-preview"]`, &preview),
		chromedp.Location(&location),
	)
	step("copy the snippet",
		chromedp.Click(`[data-testid="copy-snippet"]`),
		chromedp.Poll(`document.querySelector("[data-copy-status]").textContent`, &copied, chromedp.WithPollingTimeout(5*time.Second)),
	)
	if !warningBefore || warningAfter || !targetsBefore || targetsAfter {
		t.Errorf("any-site warning visible before/after typing a site: %v/%v; handoff targets before/after choosing Unassigned: %v/%v",
			warningBefore, warningAfter, targetsBefore, targetsAfter)
	}
	c := e.storedChannel("Shop site")
	if flash != "Chat widget Shop site created. Paste the snippet below into your site." || !strings.HasSuffix(location, e.channelPagePath(c, "")) {
		t.Errorf("after create: flash %q at %s", flash, location)
	}
	if want := `<script src="` + e.srv.URL + `/widget.js" data-agent="` + c.PublicKey + `" async></script>`; snippet != want {
		t.Errorf("snippet = %q, want %q", snippet, want)
	}
	if !strings.Contains(preview, "as your visitors see it") {
		t.Errorf("preview text = %q", preview)
	}
	if copied != "Copied." && !strings.Contains(copied, "to copy the selected text") {
		t.Errorf("copy status = %q", copied)
	}
	if c.AgentID != ava.ID || c.Handoff != channel.Unassigned || !slices.Equal(c.AllowedOrigins, []string{"https://shop.example"}) ||
		!slices.Equal(c.QuickReplies, []string{"Where is my order?", "Returns"}) || c.Welcome != "Hi! How can we help?" || !c.Active {
		t.Errorf("stored channel = %+v", c)
	}
}
