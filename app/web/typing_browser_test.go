package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// noTypingTimeout disables the pages' few seconds after which a typing indicator goes by
// itself, so that a test sees it go only for the reason it checks.
const noTypingTimeout = `(function(){const later = window.setTimeout;
	window.setTimeout = function (f, ms) { return ms === 5000 ? 0 : later.apply(window, arguments); };})()`

// TestBrowserTypingStops: the customer's typing shows in the inbox until they empty the
// box or their message arrives, not for seconds after; the same for the person's typing
// in the widget.
func TestBrowserTypingStops(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	owner := e.ownerID()
	ch := e.createChannel(channel.Input{Name: "Website", HandoffUsers: []int64{owner}})
	if err := e.service.SetOnline(t.Context(), e.wsID, owner, true); err != nil {
		t.Fatal(err)
	}
	site := newShopSite(t, e, ch.PublicKey)
	site.set(`data-open="1"`)
	bctx := browsertest.New(t, 120*time.Second)
	wp := widgetPage{t, bctx}
	wp.step("open the shop", chromedp.Navigate(site.URL+"/"))
	wp.waitJS("the chat", `!r.querySelector(".panel").hidden`)
	wp.step("the visitor writes", chromedp.Evaluate(`(function(r){const t=r.querySelector("textarea");t.value="Hello";
		r.querySelector("form:not(.ask)").requestSubmit()})(`+widgetRoot+`)`, nil))
	wp.waitJS("their message sent", `r.querySelector(".m.visitor:not(.pending)")`)
	var conv int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	wp.step("no typing timeout in the widget", chromedp.Evaluate(noTypingTimeout, nil))
	input := func(text string) chromedp.Action {
		return chromedp.Evaluate(`(function(r){const t=r.querySelector("textarea");t.value=`+jsString(text)+`;
			t.dispatchEvent(new Event("input", {bubbles: true}))})(`+widgetRoot+`)`, nil)
	}

	staff, cancel := chromedp.NewContext(bctx)
	defer cancel()
	inbox := browsertest.Steps(t, staff)
	inbox("the owner opens the conversation",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(conv))),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.Evaluate(noTypingTimeout, nil),
	)
	wait := func(cond string) chromedp.Action {
		return chromedp.Poll(cond, nil, chromedp.WithPollingTimeout(15*time.Second))
	}
	const shown = `document.getElementById("customer-typing") !== null`
	const gone = `document.getElementById("customer-typing") === null`

	wp.step("the visitor types", input("One more"))
	inbox("the customer typing", wait(shown))
	wp.step("and empties the box", input(""))
	inbox("no longer typing", wait(gone))

	wp.step("the visitor types again", input("Thanks"))
	inbox("typing again", wait(shown))
	wp.step("and sends it", chromedp.Evaluate(widgetRoot+`.querySelector("form:not(.ask)").requestSubmit()`, nil))
	inbox("the message in place of the typing",
		wait(`[...document.querySelectorAll("li[data-author=visitor] .msg-body")].some(p => p.textContent === "Thanks")`),
		wait(gone))

	inbox("the owner types", chromedp.SendKeys(`#f-message`, "Sure"))
	wp.waitJS("the visitor sees her typing", `r.querySelector(".typing")`)
	inbox("she empties her box", chromedp.Evaluate(`(function(){const b=document.getElementById("f-message");b.value="";
		b.dispatchEvent(new Event("input", {bubbles: true}))})()`, nil))
	wp.waitJS("the visitor sees her stop", `!r.querySelector(".typing")`)
}
